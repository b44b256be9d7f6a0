"""Sellers in the browser: starting to sell under a display name, one's own product page, the
sales list (filters, pages, CSV) and the sales figures with support sold apart."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from billing.models import Order
from shop.models import Product
from tests.browser.conftest import check_page
from tests.conftest import make_user


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, verbosity=0)


@pytest.fixture
def demo_seller(demo) -> User:
    return User.objects.get(email="seller@example.com")


@pytest.fixture
def newcomer(demo) -> User:
    return make_user("newcomer@example.com", name="Nia Newcomer")


def settled(page) -> None:
    """Wait out the transitions an htmx swap starts (the swapped form fades back in), which
    axe would otherwise measure half-way."""
    page.wait_for_function("() => document.getAnimations().length === 0")


def test_a_buyer_starts_selling_under_a_display_name(newcomer, page, sign_in, problems):
    problems.expect("status of 403")  # the studio, before selling starts
    sign_in(page, newcomer)
    page.goto("/studio/")
    page.get_by_role("link", name="Start selling").click()
    expect(page.get_by_role("heading", name="Start selling")).to_be_visible()
    check_page(page)

    name = page.get_by_label("Display name")
    expect(name).to_have_value("Nia Newcomer")
    name.fill("")
    page.get_by_role("button", name="Start selling").click()
    # The browser's own check first: the field is required.
    assert name.evaluate("input => input.validity.valueMissing")
    name.fill("SAM'S STUDIO")
    page.get_by_role("button", name="Start selling").click()
    expect(page.get_by_text("Another seller has this name")).to_be_visible()
    assert page.url.endswith("/account/start-selling/")
    settled(page)
    check_page(page)

    name.fill("Nia Makes")
    page.get_by_role("button", name="Start selling").click()
    expect(page.get_by_text("Welcome to the studio")).to_be_visible()
    assert page.url.endswith("/studio/")
    newcomer.refresh_from_db()
    assert (newcomer.is_seller, newcomer.display_name) == (True, "Nia Makes")


def test_starting_to_sell_works_without_javascript(newcomer, page_without_js, sign_in):
    sign_in(page_without_js, newcomer)
    page_without_js.goto("/account/start-selling/")
    page_without_js.get_by_label("Display name").fill("sam's studio")
    page_without_js.get_by_role("button", name="Start selling").click()
    expect(page_without_js.get_by_text("Another seller has this name")).to_be_visible()

    page_without_js.get_by_label("Display name").fill("Nia Makes")
    page_without_js.get_by_role("button", name="Start selling").click()
    expect(page_without_js.get_by_text("Welcome to the studio")).to_be_visible()


def test_a_seller_sees_their_own_product_with_a_way_to_the_studio(demo_seller, page, sign_in):
    product = Product.objects.filter(seller=demo_seller, price__gt=0).first()
    sign_in(page, demo_seller)
    page.goto(f"/p/{product.slug}/")

    expect(page.get_by_text("by Sam's Studio")).to_be_visible()
    expect(page.get_by_role("button", name="Buy")).to_have_count(0)
    check_page(page)
    page.get_by_role("link", name="Edit in studio").click()
    assert page.url.endswith(f"/studio/products/{product.pk}/")


def test_the_sales_list_filters_pages_and_downloads(demo_seller, page, sign_in):
    sign_in(page, demo_seller)
    page.goto("/studio/sales/")
    expect(page.get_by_role("heading", name="Support requests")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Every sale, one by one").click()
    expect(page.get_by_role("heading", name="Sales list")).to_be_visible()
    sold = Order.objects.filter(product__seller=demo_seller, status="paid").count()
    expect(page.locator("#results tbody tr")).to_have_count(sold)
    expect(page.get_by_text("buyer@example.com")).to_have_count(0)
    check_page(page)

    page.get_by_label("Status").select_option("refunded")
    expect(page.get_by_text("No sales match")).to_be_visible()
    assert "status=refunded" in page.url
    settled(page)
    check_page(page)
    page.get_by_label("Status").select_option("")
    expect(page.locator("#results tbody tr")).to_have_count(sold)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these sales as CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0][:3] == ["Paid at", "Order", "Product"]
    assert len(rows) == sold + 1
