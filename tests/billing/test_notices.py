import pytest
from django.core import mail

from billing.notices import Kind, order_notify
from ops.models import Notice
from shop.models import Product
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(buyer, seller):
    return pending_order(buyer, paid_product(seller))


def test_a_payment_sends_a_receipt_and_a_sale_notice_once(
    client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")
        deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")
        deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_other")

    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == [
        ("You sold Budget Kit", "seller@example.com"),
        ("Your receipt for Budget Kit", "buyer@example.com"),
    ]
    assert "$12.00" in mail.outbox[0].body


def test_a_refund_sends_a_refund_notice(client, order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment.succeeded", payment_data(order))
        deliver(client, "refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"})

    assert [m.subject for m in mail.outbox][-1] == "Your refund for Budget Kit"


def test_an_order_notice_is_recorded_once_per_order_and_kind(order):
    order_notify(order=order, kinds=[Kind.RECEIPT])
    order_notify(order=order, kinds=[Kind.RECEIPT])

    assert list(Notice.objects.values_list("key", flat=True)) == [f"order-{order.pk}-receipt"]


def test_a_title_with_a_line_break_still_sends_its_receipt(
    order, django_capture_on_commit_callbacks
):
    Product.objects.filter(pk=order.product_id).update(title="Budget\r\nKit")
    order.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        order_notify(order=order, kinds=[Kind.RECEIPT])

    assert [m.subject for m in mail.outbox] == ["Your receipt for Budget Kit"]
