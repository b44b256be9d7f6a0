"""Pending orders left unpaid expire through a periodic task; a payment that arrives for one
later still pays it and grants."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from access.selectors import user_owns
from billing import tasks
from billing.models import Order
from billing.services import order_expire_stale, order_record_checkout
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db


def _aged(order: Order, **ago) -> Order:
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(**ago))
    return order


def _status(order: Order) -> str:
    order.refresh_from_db()
    return order.status


def test_a_pending_order_older_than_the_setting_expires(buyer, seller, settings):
    settings.PENDING_ORDER_EXPIRY_HOURS = 24
    stale = _aged(pending_order(buyer, paid_product(seller, title="Old")), hours=25)
    fresh = _aged(pending_order(buyer, paid_product(seller, title="New")), hours=23)

    assert order_expire_stale() == 1

    assert (_status(stale), _status(fresh)) == ("expired", "pending")


def test_the_age_is_the_setting(buyer, seller, settings):
    settings.PENDING_ORDER_EXPIRY_HOURS = 2
    order = _aged(pending_order(buyer, paid_product(seller)), hours=3)

    order_expire_stale()

    assert _status(order) == "expired"


def test_a_recent_trip_to_the_checkout_keeps_an_old_order_pending(buyer, seller):
    order = _aged(pending_order(buyer, paid_product(seller)), hours=30)
    order_record_checkout(order=order, session_id="cks_1", url="https://pay.example/cks_1")

    assert order_expire_stale() == 0
    assert _status(order) == "pending"

    Order.objects.filter(pk=order.pk).update(
        checkout_opened_at=timezone.now() - timedelta(hours=25)
    )
    assert order_expire_stale() == 1


def test_settled_orders_are_left_alone(client, buyer, seller):
    paid = _aged(pending_order(buyer, paid_product(seller, title="Paid")), days=3)
    deliver(client, "payment.succeeded", payment_data(paid))
    failed = _aged(pending_order(buyer, paid_product(seller, title="Failed")), days=3)
    deliver(client, "payment.failed", payment_data(failed, payment_id="pay_2", status="failed"))

    assert order_expire_stale() == 0
    assert (_status(paid), _status(failed)) == ("paid", "failed")


def test_a_payment_after_the_expiry_pays_the_order_and_grants(client, buyer, seller):
    order = _aged(pending_order(buyer, paid_product(seller)), days=2)
    order_expire_stale()

    deliver(client, "payment.succeeded", payment_data(order))

    assert _status(order) == "paid"
    assert user_owns(user=buyer, product=order.product)


def test_an_expired_order_says_so_and_offers_to_buy_again(client, buyer, seller):
    order = _aged(pending_order(buyer, paid_product(seller)), days=2)
    order_expire_stale()
    client.force_login(buyer)

    page = client.get(f"/billing/orders/{order.public_id}/").content.decode()

    assert "This order expired before it was paid. Nothing was charged." in page
    assert f'action="/billing/buy/{order.product.pk}/"' in page
    assert "hx-trigger" not in page


def test_buying_after_the_expiry_starts_a_new_order(client, buyer, seller):
    product = paid_product(seller)
    order = _aged(pending_order(buyer, product), days=2)
    order_expire_stale()
    client.force_login(buyer)

    client.post(f"/billing/buy/{product.pk}/")

    assert Order.objects.exclude(pk=order.pk).get().status == "pending"


def test_the_task_runs_every_ten_minutes_through_the_service(buyer, seller):
    order = _aged(pending_order(buyer, paid_product(seller)), days=2)
    at_the_hour = datetime(2026, 12, 3, 9, 0)  # noqa: DTZ001 - Huey's schedule is naive UTC

    def due(at: datetime) -> list[str]:
        return [task.name for task in HUEY.read_periodic(at)]

    assert "expire_stale_orders" in due(at_the_hour)
    assert "expire_stale_orders" in due(at_the_hour.replace(minute=50))
    assert "expire_stale_orders" not in due(at_the_hour.replace(minute=5))

    tasks.expire_stale_orders.call_local()

    assert _status(order) == "expired"
