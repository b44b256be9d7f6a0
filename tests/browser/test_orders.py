"""An unpaid order in the browser: the return page asks for news for a while, then says it is
still waiting and lets the buyer cancel in place; the orders page resumes or cancels."""

import pytest
from playwright.sync_api import expect

from billing.models import Order
from billing.services import order_record_checkout
from tests.billing.helpers import paid_product, pending_order
from tests.browser.conftest import check_page


def check_settled(page) -> None:
    """check_page once what htmx swapped in has finished fading in (alerts animate for 0.25 s;
    axe would measure their contrast half-way)."""
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter(a => a.effect.getTiming().iterations !== Infinity).map(a => a.finished))"
    )
    check_page(page)


@pytest.fixture
def order(transactional_db, buyer, seller):
    return pending_order(buyer, paid_product(seller))


def test_the_return_page_stops_asking_and_the_order_is_cancelled_in_place(
    page, sign_in, buyer, order, monkeypatch
):
    monkeypatch.setattr("billing.views.RETURN_POLL_SECONDS", 2)
    order_record_checkout(order=order, session_id="cks_1", url="https://pay.example/cks_1")
    sign_in(page, buyer)

    page.goto(f"/billing/orders/{order.public_id}/")
    expect(page.get_by_text("Confirming your payment…")).to_be_visible()
    check_page(page)

    expect(page.get_by_text("Still waiting for your payment")).to_be_visible()
    expect(page.get_by_role("link", name="Pay again")).to_be_visible()
    check_settled(page)
    page.get_by_role("button", name="Cancel the order").click()

    expect(page.get_by_text("This order was cancelled. Nothing was charged.")).to_be_visible()
    assert Order.objects.get().status == "cancelled"
    check_settled(page)


def test_the_orders_page_resumes_and_cancels_a_pending_order(page, sign_in, buyer, order):
    sign_in(page, buyer)

    page.goto("/library/orders/")
    check_page(page)
    page.get_by_role("link", name="Resume the order for Budget Kit").click()
    expect(page.get_by_role("heading", name="Your order")).to_be_visible()
    check_page(page)

    page.goto("/library/orders/")
    page.get_by_role("button", name="Cancel the order for Budget Kit").click()

    expect(page.get_by_text("Order for Budget Kit cancelled. Nothing was charged.")).to_be_visible()
    expect(page.get_by_role("link", name="Resume the order for Budget Kit")).to_have_count(0)
    assert Order.objects.get().status == "cancelled"
    check_settled(page)


def test_without_javascript_the_buyer_checks_again_or_cancels(
    page_without_js, sign_in, buyer, order
):
    order_record_checkout(order=order, session_id="cks_1", url="https://pay.example/cks_1")
    page = page_without_js
    sign_in(page, buyer)

    page.goto(f"/billing/orders/{order.public_id}/")
    expect(page.get_by_text("Confirming your payment…")).to_be_visible()
    page.get_by_role("link", name="Refresh").click()
    expect(page.get_by_role("link", name="Pay again")).to_be_visible()
    page.get_by_role("button", name="Cancel the order").click()

    expect(page.get_by_text("Order for Budget Kit cancelled. Nothing was charged.")).to_be_visible()
    expect(page.get_by_text("This order was cancelled.")).to_be_visible()
    assert Order.objects.get().status == "cancelled"
