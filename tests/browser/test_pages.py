"""Every main page, as each of its readers meets it, at 1280 and 390 px: axe-core finds no
violation and nothing scrolls sideways, down to 320 px."""

import pytest
from django.core.management import call_command

from accounts.models import User
from billing.models import Order
from shop.models import Product
from support.models import SupportRequest
from tests.browser.conftest import check_page, overflow

NARROWEST = {"width": 320, "height": 640}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, verbosity=0)


def visit_all(page, urls: list[str]) -> None:
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        check_page(page)
    if page.viewport_size["width"] < 1000:
        page.set_viewport_size(NARROWEST)
        for url in urls:
            page.goto(url)
            assert overflow(page) <= 0, f"{url} scrolls sideways at 320 px"


def test_what_a_visitor_sees(demo, page):
    product = Product.objects.filter(status="published").first()
    visit_all(
        page,
        [
            "/",
            "/products/",
            "/products/?q=budget&sort=price",
            f"/p/{product.slug}/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
        ],
    )


def test_what_the_demo_buyer_sees(demo, page, sign_in):
    buyer = User.objects.get(email="buyer@example.com")
    sign_in(page, buyer)
    owned = buyer.purchases.select_related("product").first().product
    order = Order.objects.filter(buyer=buyer, status="paid").first()
    thread = SupportRequest.objects.filter(buyer=buyer).first()
    visit_all(
        page,
        [
            "/library/",
            f"/library/p/{owned.slug}/",
            f"/p/{owned.slug}/",
            "/library/orders/",
            "/library/support/",
            f"/support/{thread.pk}/",
            f"/support/new/{thread.product.slug}/",
            f"/billing/orders/{order.public_id}/",
            "/library/account/",
            "/library/account/password/",
        ],
    )


def test_what_the_demo_seller_sees(demo, page, sign_in):
    seller = User.objects.get(email="seller@example.com")
    sign_in(page, seller)
    product = Product.objects.filter(seller=seller).first()
    thread = SupportRequest.objects.filter(product__seller=seller).first()
    visit_all(
        page,
        [
            "/studio/",
            "/studio/products/new/",
            f"/studio/products/{product.pk}/",
            "/studio/sales/",
            "/studio/inbox/",
            f"/studio/inbox/{thread.pk}/",
            "/studio/account/",
        ],
    )
