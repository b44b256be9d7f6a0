import pytest

from billing.models import WebhookEvent
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_staff_see_orders_and_webhook_events(staff_client, buyer, seller):
    order = pending_order(buyer, paid_product(seller))
    deliver(staff_client, "payment.succeeded", payment_data(order))

    assert str(order.public_id).encode() in staff_client.get("/admin/billing/order/").content
    events = staff_client.get("/admin/billing/webhookevent/?outcome=applied")
    assert b"payment.succeeded" in events.content


def test_reprocessing_applies_a_stored_event_once(staff_client, buyer, seller):
    order = pending_order(buyer, paid_product(seller))
    deliver(staff_client, "payment.succeeded", payment_data(order))
    event = WebhookEvent.objects.get()

    staff_client.post(
        "/admin/billing/webhookevent/",
        {"action": "reprocess", "_selected_action": [event.pk]},
    )

    event.refresh_from_db()
    assert event.outcome == "applied"
    assert order.buyer.purchases.get().events.count() == 1


def test_orders_cannot_be_added_or_deleted_in_admin(staff_client, buyer, seller):
    order = pending_order(buyer, paid_product(seller))

    assert staff_client.get("/admin/billing/order/add/").status_code == 403
    assert staff_client.post(f"/admin/billing/order/{order.pk}/delete/").status_code == 403


def test_staff_see_what_each_order_buys_and_filter_orders_by_it(staff_client, buyer, seller):
    order = pending_order(buyer, paid_product(seller))

    products = staff_client.get("/admin/billing/order/?item__exact=product")
    others = staff_client.get("/admin/billing/order/?item__exact=support")  # none yet

    assert str(order.public_id).encode() in products.content
    assert b'<td class="field-item">Product</td>' in products.content
    assert b'href="?item__exact=product"' in products.content
    assert others.status_code == 200
    assert b"0 orders" in others.content
