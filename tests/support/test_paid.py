"""Support bought per request goes through billing: the webhook that pays its order opens it,
a refund of that order cancels it, and a refund of the product closes it."""

import pytest

from billing.models import Order
from support.models import SupportRequest
from support.services import SupportRefused, request_start_paid, support_offer_set
from tests.access.helpers import owned_product
from tests.billing.helpers import deliver, payment_data

pytestmark = pytest.mark.django_db
S = SupportRequest.Status


@pytest.fixture
def product(buyer, seller):
    product = owned_product(buyer, seller)
    support_offer_set(product=product, included_days=0, price=900)
    return product


def _start(buyer, product):
    return request_start_paid(buyer=buyer, product=product, subject="Setup help", body="Please")


def test_a_paid_request_waits_for_its_payment_with_an_order_at_the_offers_price(buyer, product):
    request = _start(buyer, product)

    assert (request.status, request.funding) == (S.AWAITING_PAYMENT, "paid")
    assert (request.order.item, request.order.amount, request.order.status) == (
        "support",
        900,
        "pending",
    )
    assert request.messages.count() == 1


def test_starting_again_returns_the_request_awaiting_payment(buyer, product):
    first = _start(buyer, product)

    assert _start(buyer, product) == first
    assert Order.objects.count() == 1


def test_no_paid_request_where_support_is_not_sold_or_the_product_not_owned(
    buyer, stranger, product
):
    with pytest.raises(SupportRefused, match="in your library"):
        _start(stranger, product)
    support_offer_set(product=product, included_days=10, price=0)
    with pytest.raises(SupportRefused, match="not sold"):
        _start(buyer, product)

    assert not SupportRequest.objects.exists()
    assert not Order.objects.exists()


def test_the_payment_webhook_opens_the_request_and_grants_nothing_else(client, buyer, product):
    request = _start(buyer, product)

    response = deliver(client, "payment.succeeded", payment_data(request.order))

    assert response.status_code == 204
    request.refresh_from_db()
    assert request.status == S.OPEN
    assert request.order.status == "paid"


def test_a_refund_of_the_support_order_cancels_the_request(client, buyer, product):
    request = _start(buyer, product)
    deliver(client, "payment.succeeded", payment_data(request.order))

    deliver(client, "refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"})

    request.refresh_from_db()
    assert (request.status, request.end_reason) == (S.CANCELLED, "payment refunded")
    # The product itself is still the buyer's.
    assert request.purchase.is_active


def test_a_chargeback_cancels_it_and_a_dispute_won_opens_it_again(client, buyer, product):
    request = _start(buyer, product)
    deliver(client, "payment.succeeded", payment_data(request.order))

    deliver(client, "dispute.lost", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    request.refresh_from_db()
    assert (request.status, request.end_reason) == (S.CANCELLED, "payment charged back")

    deliver(client, "dispute.won", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    request.refresh_from_db()
    assert request.status == S.OPEN


def test_a_refund_of_the_product_closes_its_paid_request(client, buyer, product):
    from access.services import access_revoke

    request = _start(buyer, product)
    deliver(client, "payment.succeeded", payment_data(request.order))

    access_revoke(user=buyer, product=product, reason="refund", via="test")

    request.refresh_from_db()
    assert (request.status, request.end_reason) == (S.CLOSED, "access revoked: refund")


def test_paid_for_after_access_was_revoked_the_request_stays_shut(client, buyer, product):
    from access.services import access_revoke

    request = _start(buyer, product)
    access_revoke(user=buyer, product=product, reason="staff", via="test")

    deliver(client, "payment.succeeded", payment_data(request.order))

    request.refresh_from_db()
    assert (request.status, request.end_reason) == (S.CLOSED, "access revoked: staff")


def test_a_dispute_won_does_not_reopen_a_request_whose_access_was_revoked_meanwhile(
    client, buyer, product
):
    from access.services import access_revoke

    request = _start(buyer, product)
    deliver(client, "payment.succeeded", payment_data(request.order))
    deliver(client, "dispute.lost", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    access_revoke(user=buyer, product=product, reason="refund", via="test")

    deliver(client, "dispute.won", {"payment_id": "pay_1", "dispute_id": "dp_1"})

    request.refresh_from_db()
    assert request.status == S.CANCELLED
    assert "revoked before the payment" in request.end_reason


def test_through_dodo_a_support_request_has_its_own_twin_at_the_offers_price(buyer, product, dodo):
    from billing.models import ProviderProduct
    from billing.providers.dodo import DodoProvider

    request = _start(buyer, product)
    DodoProvider().start_checkout(request.order, return_url="https://x/")
    DodoProvider().start_checkout(request.order, return_url="https://x/")

    made = [body for method, path, body in dodo.requests if path == "/products"]
    assert [(m["name"], m["price"]["price"]) for m in made] == [
        ("Support request: Budget Kit", 900)
    ]
    twin = ProviderProduct.objects.get(item="support")
    assert (twin.product, twin.synced_price) == (product, 900)
    _, _, session = [r for r in dodo.requests if r[1] == "/checkouts"][-1]
    assert session["product_cart"] == [{"product_id": twin.external_id, "quantity": 1}]


def test_through_dodo_a_new_support_price_updates_its_twin(buyer, product, dodo):
    from billing.providers.dodo import DodoProvider

    first = _start(buyer, product)
    DodoProvider().start_checkout(first.order, return_url="https://x/")
    from support.services import request_close

    request_close(request=first, actor=buyer, reason="changed my mind")
    support_offer_set(product=product, included_days=0, price=1500)
    dodo.requests.clear()

    DodoProvider().start_checkout(_start(buyer, product).order, return_url="https://x/")

    updated = [body for method, path, body in dodo.requests if method == "PATCH"]
    assert [u["price"]["price"] for u in updated] == [1500]


def test_a_seller_who_owns_their_own_product_cannot_pay_themselves_for_support(client, seller):
    own = owned_product(seller, seller, title="Own Kit")
    support_offer_set(product=own, included_days=0, price=900)
    client.force_login(seller)

    response = client.post(f"/support/new/{own.slug}/", {"subject": "Hm", "body": "Hm"})

    assert response.status_code == 200
    assert "sellers cannot buy what they sell" in response.content.decode()
    assert not Order.objects.exists()
    assert not SupportRequest.objects.exists()


def test_a_late_payment_of_a_cancelled_order_opens_the_request_that_moved_to_a_new_one(
    client, buyer, product
):
    from billing.services import order_cancel
    from support.services import request_payment_order

    request = _start(buyer, product)
    first = request.order
    order_cancel(order=first)
    second = request_payment_order(request=request)

    deliver(client, "payment.succeeded", payment_data(first))

    request.refresh_from_db()
    second.refresh_from_db()
    assert (request.status, request.order) == (S.OPEN, first)
    assert second.status == "cancelled"
    assert Order.objects.exclude(needs_review="").count() == 0


def test_both_orders_paid_the_second_is_flagged_for_a_refund(client, buyer, product):
    from billing.services import order_cancel
    from support.services import request_payment_order

    request = _start(buyer, product)
    first = request.order
    order_cancel(order=first)
    second = request_payment_order(request=request)

    deliver(client, "payment.succeeded", payment_data(second))
    deliver(client, "payment.succeeded", payment_data(first, payment_id="pay_2"))

    request.refresh_from_db()
    first.refresh_from_db()
    assert (request.status, request.order) == (S.OPEN, second)
    assert first.status == "paid"
    assert first.needs_review == "paid for support, but no request awaited it (none)"


def test_paid_for_after_access_was_revoked_the_order_is_flagged_for_a_refund(
    client, buyer, product
):
    from access.services import access_revoke

    request = _start(buyer, product)
    access_revoke(user=buyer, product=product, reason="staff", via="test")

    deliver(client, "payment.succeeded", payment_data(request.order))

    request.order.refresh_from_db()
    assert request.order.status == "paid"
    assert request.order.needs_review == (
        "paid for support, but no request awaited it (its request is closed)"
    )
