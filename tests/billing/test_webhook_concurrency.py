"""Deliveries racing each other, on PostgreSQL: threads released together by a barrier."""

import uuid

import pytest
from django.test import Client

from access.models import PurchasedProduct
from billing.models import WebhookEvent
from billing.webhooks import event_body, signed_headers
from tests.billing.helpers import URL, paid_product, payment_data, pending_order
from tests.conftest import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_50_deliveries_of_one_webhook_store_one_event_and_grant_once(buyer, seller):
    order = pending_order(buyer, paid_product(seller))
    body = event_body("payment.succeeded", payment_data(order))
    headers = signed_headers("msg_race", body)
    statuses = []

    def deliver():
        response = Client().post(URL, body, content_type="application/json", headers=headers)
        statuses.append(response.status_code)

    assert run_together(deliver, 50) == []

    assert statuses == [204] * 50
    assert WebhookEvent.objects.count() == 1
    order.refresh_from_db()
    assert order.status == "paid"
    assert PurchasedProduct.objects.get().events.count() == 1


def test_50_deliveries_of_one_payment_under_different_ids_grant_once(buyer, seller):
    order = pending_order(buyer, paid_product(seller))
    body = event_body("payment.succeeded", payment_data(order))
    statuses = []

    def deliver():
        headers = signed_headers(f"msg_{uuid.uuid4().hex}", body)
        response = Client().post(URL, body, content_type="application/json", headers=headers)
        statuses.append(response.status_code)

    assert run_together(deliver, 50) == []

    assert statuses == [204] * 50
    assert WebhookEvent.objects.count() == 50
    assert WebhookEvent.objects.filter(outcome="applied").count() == 1
    assert PurchasedProduct.objects.get().events.count() == 1


def test_a_refund_racing_its_payment_leaves_no_access(buyer, seller):
    order = pending_order(buyer, paid_product(seller))
    bodies = [
        event_body("payment.succeeded", payment_data(order)),
        event_body("refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"}),
    ] * 5

    def deliver():
        body = bodies.pop()
        headers = signed_headers(f"msg_{uuid.uuid4().hex}", body)
        Client().post(URL, body, content_type="application/json", headers=headers)

    assert run_together(deliver, 10) == []

    order.refresh_from_db()
    assert order.status == "refunded"
    assert not PurchasedProduct.objects.filter(status="active").exists()
