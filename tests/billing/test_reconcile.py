from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone

from access.selectors import user_owns
from billing import services
from billing.models import Order, WebhookEvent
from billing.providers import ProviderError, dev
from billing.services import payments_reconcile
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(buyer, seller):
    return pending_order(buyer, paid_product(seller))


def reconcile(days: int = 3) -> str:
    out = StringIO()
    call_command("reconcile_payments", days=days, stdout=out)
    return out.getvalue()


def dodo_payment(order, payment_id="pay_1", status="succeeded", **fields) -> dict:
    return {
        "payment_id": payment_id,
        "status": status,
        "total_amount": order.amount,
        "currency": order.currency,
        "metadata": {"order_id": str(order.public_id)},
        "checkout_session_id": "cks_1",
        "created_at": timezone.now().isoformat(),
        "brand_id": "b",
        "business_id": "b",
        "customer": {"customer_id": "cus_1", "email": "b@example.com", "name": "B"},
        "digital_products_delivered": False,
        "has_license_key": False,
        "includes_usage": False,
        "is_multi_subscription": False,
        "payment_provider": "dodo",
        "retry_attempt": 0,
        "service_periods": [],
        "subscription_ids": [],
    } | fields


def dodo_refund(payment_id="pay_1", refund_id="ref_1", status="succeeded") -> dict:
    return {
        "payment_id": payment_id,
        "refund_id": refund_id,
        "status": status,
        "business_id": "b",
        "created_at": timezone.now().isoformat(),
        "is_partial": False,
    }


# Dodo


def test_a_payment_whose_webhook_never_came_is_applied(order, dodo):
    dodo.listed["/payments"] = [dodo_payment(order)]

    assert reconcile().startswith("1 missed event(s) applied.")

    order.refresh_from_db()
    assert (order.status, order.payment_id) == ("paid", "pay_1")
    assert user_owns(user=order.buyer, product=order.product)
    stored = WebhookEvent.objects.get()
    assert (stored.webhook_id, stored.outcome) == ("reconcile:payment.succeeded:pay_1", "applied")


def test_a_missed_refund_revokes_and_a_second_run_changes_nothing(client, order, dodo):
    deliver(client, "payment.succeeded", payment_data(order))
    dodo.listed["/payments"] = [dodo_payment(order)]
    dodo.listed["/refunds"] = [dodo_refund()]

    assert "1 missed event(s) applied. (1 applied, 1 known)" in reconcile()
    assert "0 missed event(s) applied. (2 known)" in reconcile()

    order.refresh_from_db()
    assert order.status == "refunded"
    assert not user_owns(user=order.buyer, product=order.product)
    assert WebhookEvent.objects.count() == 2


def test_a_lost_dispute_in_the_listing_revokes(client, order, dodo):
    deliver(client, "payment.succeeded", payment_data(order))
    dodo.listed["/disputes"] = [
        {
            "dispute_id": "dp_1",
            "payment_id": "pay_1",
            "dispute_status": "dispute_accepted",
            "dispute_stage": "dispute",
            "amount": "1200",
            "currency": "USD",
            "business_id": "b",
            "created_at": timezone.now().isoformat(),
            "payment_provider": "dodo",
        }
    ]

    reconcile()

    order.refresh_from_db()
    assert order.status == "charged_back"
    assert not user_owns(user=order.buyer, product=order.product)


def test_payments_still_in_progress_are_left_alone(order, dodo):
    dodo.listed["/payments"] = [dodo_payment(order, status="processing")]

    assert "nothing listed" in reconcile()

    order.refresh_from_db()
    assert order.status == "pending"


def test_every_page_of_the_listing_is_read(buyer, seller, dodo):
    orders = [pending_order(buyer, paid_product(seller, title=f"Kit {n}")) for n in range(3)]
    dodo.listed["/payments"] = [
        dodo_payment(order, payment_id=f"pay_{n}") for n, order in enumerate(orders)
    ]

    with mock.patch("billing.providers.dodo.PAGE_SIZE", 2):
        reconcile()

    pages = [path for method, path in dodo.calls() if path.startswith("/payments")]
    assert len(pages) == 2
    assert "page_number=0" in pages[0]
    assert "page_number=1" in pages[1]
    assert sorted(Order.objects.values_list("status", flat=True)) == ["paid"] * 3


def test_an_amount_that_does_not_match_is_flagged_not_granted(order, dodo):
    dodo.listed["/payments"] = [dodo_payment(order, total_amount=1)]

    reconcile()

    order.refresh_from_db()
    assert order.status == "pending"
    assert "expected" in order.needs_review
    assert not user_owns(user=order.buyer, product=order.product)


def test_dodo_down_is_a_clear_error(dodo):
    dodo.mode = "down"

    with pytest.raises(CommandError, match="The provider could not be asked"):
        reconcile()


def test_the_days_are_bounded(dodo):
    with pytest.raises(CommandError, match="between 1 and 90"):
        reconcile(days=0)


# The dev provider's books, and events stored but never processed


def test_a_dev_payment_whose_webhook_failed_is_applied_from_the_dev_books(order):
    _, body = dev.payment_event(order, "payment.succeeded")
    with pytest.raises(ProviderError):
        dev.send("http://127.0.0.1:9/", body)  # the endpoint is down

    reconcile()

    order.refresh_from_db()
    assert order.status == "paid"
    assert user_owns(user=order.buyer, product=order.product)


def test_an_event_stored_but_never_processed_is_processed(client, order):
    broken = mock.patch("billing.services._settle_access", side_effect=DatabaseError("boom"))
    with broken, pytest.raises(DatabaseError):
        deliver(client, "payment.succeeded", payment_data(order))
    assert WebhookEvent.objects.get().processed_at is None

    payments_reconcile(since=timezone.now() - timedelta(days=1))

    order.refresh_from_db()
    assert order.status == "paid"
    assert WebhookEvent.objects.get().outcome == "applied"


def test_an_event_that_cannot_be_applied_stops_no_other(client, order, buyer, seller, dodo):
    other = pending_order(buyer, paid_product(seller, title="Other Kit"))
    dodo.listed["/payments"] = [dodo_payment(order), dodo_payment(other, payment_id="pay_2")]
    real = services.webhook_process

    def broken_for_the_first(*, event_id, **kwargs):
        if WebhookEvent.objects.get(pk=event_id).payment_id == "pay_1":
            raise DatabaseError("boom")
        return real(event_id=event_id, **kwargs)

    with mock.patch("billing.services.webhook_process", side_effect=broken_for_the_first):
        assert "(1 applied, 1 error)" in reconcile()

    other.refresh_from_db()
    assert other.status == "paid"
    reconcile()  # the next run applies the one that failed
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_listed_event_the_database_cannot_store_is_refused_and_stops_no_other(
    order, buyer, seller, dodo
):
    other = pending_order(buyer, paid_product(seller, title="Other Kit"))
    dodo.listed["/payments"] = [
        dodo_payment(order, payment_id="pay\x001"),
        dodo_payment(other, payment_id="pay_2"),
    ]

    assert "(1 applied, 1 refused)" in reconcile()

    order.refresh_from_db()
    other.refresh_from_db()
    assert (order.status, other.status) == ("pending", "paid")
    assert WebhookEvent.objects.get().payment_id == "pay_2"
