import pytest
from django.core import mail

from billing.models import OrderNotice
from billing.notices import send_notice
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


def test_a_notice_task_run_twice_sends_one_email(order):
    assert send_notice(order_id=order.pk, kind="receipt") is True
    assert send_notice(order_id=order.pk, kind="receipt") is False

    assert len(mail.outbox) == 1
    assert OrderNotice.objects.get().sent_at is not None


def test_a_failed_send_is_released_for_the_retry(order, monkeypatch):
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send", lambda self: (_ for _ in ()).throw(OSError("smtp"))
    )
    with pytest.raises(OSError, match="smtp"):
        send_notice(order_id=order.pk, kind="receipt")
    monkeypatch.undo()

    assert send_notice(order_id=order.pk, kind="receipt") is True
    assert len(mail.outbox) == 1
