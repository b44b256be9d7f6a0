"""The seller hears of a sale and a refund in Telegram too, once each, when connected and when
they chose those events."""

import pytest

from accounts.services import (
    telegram_link_bind,
    telegram_link_choose,
    telegram_link_disconnect,
    telegram_link_start,
)
from accounts.telegram import Event
from ops.models import Notice
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db

CHAT = 4242
REFUND = {"payment_id": "pay_1", "refund_id": "ref_1"}


@pytest.fixture
def order(buyer, seller):
    return pending_order(buyer, paid_product(seller))


def connected(user):
    return telegram_link_bind(token=telegram_link_start(user=user), chat_id=CHAT)


def _told() -> list[tuple[str, str, str]]:
    notices = Notice.objects.filter(key__startswith="telegram-order-").order_by("pk")
    return [(n.key, n.message["chat_id"], n.message["text"]) for n in notices]


def test_a_sale_and_its_refund_are_told_once_each(client, seller, order):
    connected(seller)

    deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")
    deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")
    deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_other")
    deliver(client, "refund.succeeded", REFUND, webhook_id="msg_refund")
    deliver(client, "refund.succeeded", REFUND, webhook_id="msg_refund_again")

    assert _told() == [
        (f"telegram-order-{order.pk}-sale", "4242", "Sold: Budget Kit, $12.00, to Bea Buyer."),
        (
            f"telegram-order-{order.pk}-refund",
            "4242",
            "Refunded: Budget Kit, $12.00, to Bea Buyer.",
        ),
    ]


def test_the_emails_keep_their_own_keys(client, seller, order):
    connected(seller)

    deliver(client, "payment.succeeded", payment_data(order))

    keys = set(Notice.objects.values_list("key", flat=True))
    assert {f"order-{order.pk}-sale", f"telegram-order-{order.pk}-sale"} <= keys


@pytest.mark.parametrize(("off", "left"), [(Event.SALE, "refund"), (Event.REFUND, "sale")])
def test_a_seller_who_turned_an_event_off_is_not_told_of_it(client, seller, order, off, left):
    connected(seller)
    telegram_link_choose(user=seller, events=set(Event) - {off})

    deliver(client, "payment.succeeded", payment_data(order))
    deliver(client, "refund.succeeded", REFUND)

    assert [key for key, _, _ in _told()] == [f"telegram-order-{order.pk}-{left}"]


def test_disconnecting_stops_them(client, seller, order):
    connected(seller)
    telegram_link_disconnect(user=seller)

    deliver(client, "payment.succeeded", payment_data(order))

    assert _told() == []


def test_a_seller_without_telegram_is_told_nothing_there(client, order):
    deliver(client, "payment.succeeded", payment_data(order))

    assert _told() == []
    assert Notice.objects.filter(key=f"order-{order.pk}-sale").exists()


def test_a_failed_payment_tells_nothing(client, seller, order):
    connected(seller)

    deliver(client, "payment.failed", payment_data(order, status="failed"))

    assert _told() == []
