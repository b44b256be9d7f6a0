"""A buyer buys through the dev checkout, downloads the file, and refunds: with JavaScript and
without it."""

import pytest
from playwright.sync_api import expect

from access.models import PurchasedProduct
from billing.models import Order
from shop.services import product_publish
from tests.browser.conftest import check_page
from tests.conftest import add_version, make_product


@pytest.fixture
def kit(transactional_db, seller):
    product = make_product(seller, title="Budget Kit", price=1200)
    add_version(product, files={"budget-kit.pdf": b"%PDF-1.4 the kit"})
    return product_publish(product=product)


def buy_download_refund(page, kit, buyer, *, javascript: bool) -> None:
    page.goto(f"/p/{kit.slug}/")
    if javascript:
        check_page(page)
    page.get_by_role("button", name="Buy").first.click()
    expect(page.get_by_role("heading", name="Your order")).to_be_visible()
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_text("is in your library")).to_be_visible()
    assert Order.objects.get(buyer=buyer, product=kit).status == Order.Status.PAID
    if javascript:
        check_page(page)

    page.get_by_role("link", name="Go to your library").click()
    expect(page.get_by_role("heading", name="Your library")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download budget-kit.pdf").click()
    assert download.value.suggested_filename == "budget-kit.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == b"%PDF-1.4 the kit"

    order = Order.objects.get(buyer=buyer, product=kit)
    page.goto(f"/billing/orders/{order.public_id}/")
    page.get_by_role("button", name="Refund (dev provider)").click()
    expect(page.get_by_text("has left your library")).to_be_visible()
    assert not PurchasedProduct.objects.filter(user=buyer, product=kit, revoked_at=None).exists()
    page.goto("/library/")
    expect(page.get_by_text("Nothing here yet")).to_be_visible()


def test_buy_download_and_refund(kit, buyer, page, sign_in):
    sign_in(page, buyer)
    buy_download_refund(page, kit, buyer, javascript=True)


def test_buy_download_and_refund_without_javascript(kit, buyer, page_without_js, sign_in):
    sign_in(page_without_js, buyer)
    buy_download_refund(page_without_js, kit, buyer, javascript=False)


def test_a_visitor_is_asked_to_sign_in_before_buying(kit, page):
    page.goto(f"/p/{kit.slug}/")
    page.get_by_role("link", name="Sign in to buy").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert "next=" in page.url
    assert not Order.objects.exists()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_on_a_phone_the_price_and_buy_come_before_the_description(kit, page):
    kit.description = "A long description.\n\n" + "Every page explained in detail. " * 200
    kit.save()
    page.goto(f"/p/{kit.slug}/")
    buy = page.get_by_role("link", name="Sign in to buy").bounding_box()
    description = page.get_by_text("A long description.").bounding_box()
    assert buy["y"] < description["y"]
    assert (
        buy["y"] + buy["height"] <= page.viewport_size["height"] * 1.25
    )  # on the first screen or just below
