from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import DatabaseError

from access.models import PurchasedProduct
from access.selectors import user_owns
from billing.models import WebhookEvent
from billing.webhooks import event_body, signed_headers
from tests.billing.helpers import URL, deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(buyer, seller):
    return pending_order(buyer, paid_product(seller))


def test_a_verified_payment_marks_the_order_paid_and_grants_access(client, order):
    response = deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")

    assert response.status_code == 204
    order.refresh_from_db()
    assert (order.status, order.payment_id) == ("paid", "pay_1")
    assert order.paid_at is not None
    assert user_owns(user=order.buyer, product=order.product)
    event = WebhookEvent.objects.get()
    assert (event.webhook_id, event.outcome, event.order) == ("msg_1", "applied", order)
    grant = PurchasedProduct.objects.get().events.get()
    assert (grant.via, grant.reference) == ("webhook", str(order.public_id))


def test_a_duplicate_delivery_changes_nothing(client, order):
    deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")

    again = deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")

    assert again.status_code == 204
    assert WebhookEvent.objects.count() == 1
    assert PurchasedProduct.objects.get().events.count() == 1


def test_a_retry_with_a_fresh_timestamp_changes_nothing(client, order):
    body = event_body("payment.succeeded", payment_data(order))
    first = signed_headers("msg_1", body, at=datetime.now(tz=UTC) - timedelta(minutes=2))
    client.post(URL, body, content_type="application/json", headers=first)

    retry = client.post(
        URL, body, content_type="application/json", headers=signed_headers("msg_1", body)
    )

    assert retry.status_code == 204
    assert WebhookEvent.objects.count() == 1
    assert PurchasedProduct.objects.get().events.count() == 1


def test_the_same_payment_under_another_webhook_id_grants_once(client, order):
    deliver(client, "payment.succeeded", payment_data(order))
    deliver(client, "payment.succeeded", payment_data(order))

    assert WebhookEvent.objects.filter(outcome="ignored").count() == 1
    assert PurchasedProduct.objects.get().events.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: (h | {"webhook-signature": "v1,AAAA"}, b),
        lambda h, b: (h, b.replace("1200", "1")),
        lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b),
        lambda h, b: (h | {"webhook-signature": "garbage"}, b),
        lambda h, b: (h | {"webhook-signature": "v1,%%%"}, b),
        lambda h, b: (h | {"webhook-timestamp": "not-a-time"}, b),
        lambda h, b: (h | {"webhook-timestamp": "1e400"}, b),
        lambda h, b: (h | {"webhook-id": "x" * 201}, b),
    ],
)
def test_a_forged_or_malformed_delivery_is_400_and_stores_nothing(client, order, tamper):
    body = event_body("payment.succeeded", payment_data(order))
    headers, body = tamper(signed_headers("msg_1", body), body)

    response = client.post(URL, body, content_type="application/json", headers=headers)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_non_utf8_body_is_400(client, order):
    headers = signed_headers("msg_1", "x")

    response = client.post(URL, b"\xff\xfe\x00", content_type="application/json", headers=headers)

    assert response.status_code == 400


UNSTORABLE = [
    ("payment.succeeded\x00", {}),
    ("payment.succeeded\ud800", {}),
    ("payment.succeeded", {"payment_id": "pay\x00"}),
    ("payment.succeeded", {"payment_id": "pay\udfff"}),
    ("payment.succeeded", {"customer": {"name": "Bea\x00"}}),
    ("payment.succeeded", {"metadata": {"order_id\x00": "x"}}),
]


@pytest.mark.parametrize(("event_type", "change"), UNSTORABLE)
def test_signed_text_the_database_cannot_store_is_400_and_stores_nothing(
    client, order, event_type, change
):
    response = deliver(client, event_type, payment_data(order) | change)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == "pending"


@pytest.mark.postgres
def test_on_postgresql_a_nul_or_lone_surrogate_is_400_not_500_for_ever(order):
    from django.test import Client

    client = Client(raise_request_exception=False)

    statuses = [
        deliver(client, event_type, payment_data(order) | change).status_code
        for event_type, change in UNSTORABLE
    ]

    assert statuses == [400] * len(UNSTORABLE)
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_timestamp_outside_the_tolerance_is_400(client, order, minutes):
    body = event_body("payment.succeeded", payment_data(order))
    at = datetime.now(tz=UTC) + timedelta(minutes=minutes)

    response = client.post(
        URL, body, content_type="application/json", headers=signed_headers("msg_1", body, at=at)
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_an_unknown_event_type_is_stored_and_answered(client, order):
    response = deliver(client, "subscription.renewed", {"subscription_id": "sub_1"})

    assert response.status_code == 204
    assert WebhookEvent.objects.get().outcome == "unknown_type"


def test_an_unknown_order_is_stored_and_answered(client, order):
    data = payment_data(order) | {"metadata": {"order_id": "not-ours"}}

    response = deliver(client, "payment.succeeded", data)

    assert response.status_code == 204
    assert WebhookEvent.objects.get().outcome == "unknown_order"
    assert not PurchasedProduct.objects.exists()


def test_a_valid_payment_after_a_mismatch_pays_the_order_and_clears_its_flag(client, order):
    deliver(client, "payment.succeeded", payment_data(order, "pay_short", total_amount=1))
    order.refresh_from_db()
    assert order.needs_review

    response = deliver(client, "payment.succeeded", payment_data(order, "pay_full"))

    assert response.status_code == 204
    order.refresh_from_db()
    assert (order.status, order.payment_id, order.needs_review) == ("paid", "pay_full", "")
    flagged = WebhookEvent.objects.get(payment_id="pay_short")
    assert (flagged.outcome, flagged.detail) == ("mismatch", "paid 1 USD, expected 1200 USD")


def test_a_flag_on_a_paid_order_stays_through_later_events(client, order):
    deliver(client, "payment.succeeded", payment_data(order))
    deliver(client, "refund.failed", {"payment_id": "pay_1", "refund_id": "ref_1"})

    deliver(client, "payment.succeeded", payment_data(order))  # a late duplicate
    deliver(client, "dispute.opened", {"payment_id": "pay_1", "dispute_id": "dp_1"})

    order.refresh_from_db()
    assert (order.status, order.needs_review) == ("disputed", "the provider could not refund it")


@pytest.mark.parametrize("change", [{"total_amount": 1}, {"currency": "EUR"}])
def test_a_different_amount_or_currency_grants_nothing_and_flags_the_order(client, order, change):
    deliver(client, "payment.succeeded", payment_data(order, **change))

    order.refresh_from_db()
    assert order.status == "pending"
    assert "expected 1200 USD" in order.needs_review
    assert WebhookEvent.objects.get().outcome == "mismatch"
    assert not PurchasedProduct.objects.exists()


@pytest.mark.parametrize(
    ("kind", "status"), [("payment.failed", "failed"), ("payment.cancelled", "cancelled")]
)
def test_a_failed_or_cancelled_payment_grants_nothing(client, order, kind, status):
    deliver(client, kind, payment_data(order, status=status))

    order.refresh_from_db()
    assert order.status == status
    assert not PurchasedProduct.objects.exists()


def test_a_refund_revokes_access_and_keeps_the_grant(client, order):
    deliver(client, "payment.succeeded", payment_data(order))

    deliver(client, "refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"})

    order.refresh_from_db()
    assert (order.status, order.refund_id) == ("refunded", "ref_1")
    grant = PurchasedProduct.objects.get()
    assert (grant.status, grant.revoke_reason) == ("revoked", "refund")


def test_a_refund_before_its_payment_leaves_no_access(client, order):
    deliver(client, "refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"})

    deliver(client, "payment.succeeded", payment_data(order))

    order.refresh_from_db()
    assert order.status == "refunded"
    assert not user_owns(user=order.buyer, product=order.product)
    assert set(WebhookEvent.objects.values_list("outcome", flat=True)) == {"applied"}


def test_a_late_duplicate_payment_after_a_refund_does_not_restore(client, order):
    deliver(client, "payment.succeeded", payment_data(order))
    deliver(client, "refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"})

    deliver(client, "payment.succeeded", payment_data(order))

    assert not user_owns(user=order.buyer, product=order.product)


def test_a_lost_dispute_revokes_and_a_won_one_restores(client, order):
    deliver(client, "payment.succeeded", payment_data(order))
    deliver(client, "dispute.opened", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    assert user_owns(user=order.buyer, product=order.product)

    deliver(client, "dispute.lost", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    assert not user_owns(user=order.buyer, product=order.product)
    assert PurchasedProduct.objects.get().revoke_reason == "chargeback"

    deliver(client, "dispute.won", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    assert user_owns(user=order.buyer, product=order.product)
    assert list(PurchasedProduct.objects.get().events.values_list("kind", flat=True)) == [
        "granted",
        "revoked",
        "restored",
    ]


def test_a_chargeback_is_timed_and_a_dispute_won_after_it_clears_the_time(client, order):
    deliver(client, "payment.succeeded", payment_data(order))

    deliver(client, "dispute.lost", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    order.refresh_from_db()
    assert order.status == "charged_back"
    assert order.charged_back_at is not None

    deliver(client, "dispute.won", {"payment_id": "pay_1", "dispute_id": "dp_1"})
    order.refresh_from_db()
    assert (order.status, order.charged_back_at) == ("paid", None)


def test_a_database_error_mid_processing_answers_500_and_the_retry_succeeds(order):
    from django.test import Client

    client = Client(raise_request_exception=False)
    with mock.patch("billing.services.access_grant", side_effect=DatabaseError("boom")):
        failed = deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")

    assert failed.status_code == 500
    order.refresh_from_db()
    assert order.status == "pending"
    assert not PurchasedProduct.objects.exists()
    assert WebhookEvent.objects.get().processed_at is None

    retried = deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")

    assert retried.status_code == 204
    order.refresh_from_db()
    assert order.status == "paid"
    assert user_owns(user=order.buyer, product=order.product)


def test_the_endpoint_refuses_get(client):
    assert client.get(URL).status_code == 405


def test_a_payment_already_paying_another_order_is_flagged_not_a_500(client, buyer, seller):
    first = pending_order(buyer, paid_product(seller, title="First"))
    second = pending_order(buyer, paid_product(seller, title="Second"))
    deliver(client, "payment.succeeded", payment_data(first))

    response = deliver(client, "payment.succeeded", payment_data(second))

    assert response.status_code == 204
    second.refresh_from_db()
    assert second.status == "pending"
    assert "already pays another order" in second.needs_review
    assert PurchasedProduct.objects.get().product == first.product
