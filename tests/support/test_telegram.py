"""The seller hears of a new support request and of a buyer's reply in Telegram too, once each,
when connected and when they chose those events; the buyer's side is told by email only."""

import pytest

from accounts.models import TelegramLink
from accounts.services import (
    telegram_link_bind,
    telegram_link_choose,
    telegram_link_disconnect,
    telegram_link_start,
)
from accounts.telegram import Event
from ops.models import Notice
from support.services import (
    message_post,
    request_open_included,
    request_resolve,
    request_start_paid,
    support_offer_set,
)
from tests.access.helpers import owned_product
from tests.billing.helpers import deliver, payment_data

pytestmark = pytest.mark.django_db

CHAT = 4242


@pytest.fixture
def product(buyer, seller):
    product = owned_product(buyer, seller)
    support_offer_set(product=product, included_days=30, price=900)
    return product


def connected(user) -> TelegramLink:
    return telegram_link_bind(token=telegram_link_start(user=user), chat_id=CHAT)


def _told() -> list[tuple[str, str]]:
    notices = Notice.objects.filter(
        channel=Notice.Channel.TELEGRAM, key__startswith="telegram-support"
    )
    return [(n.key, n.message["text"]) for n in notices.order_by("pk")]


def _thread(buyer, seller, product):
    request = request_open_included(buyer=buyer, product=product, subject="Help", body="It hangs")
    message_post(request=request, author=seller, body="Try 1.1")
    reply = message_post(request=request, author=buyer, body="Still hangs")
    request_resolve(request=request, actor=seller)
    return request, reply


def test_a_new_request_and_a_buyers_reply_are_told_once_each(buyer, seller, product):
    connected(seller)

    request, reply = _thread(buyer, seller, product)

    assert _told() == [
        (
            f"telegram-support-{request.pk}-opened",
            "New support request on Budget Kit from Bea Buyer: Help\n"
            "Answer it from your support inbox in the studio.",
        ),
        (
            f"telegram-support-message-{reply.pk}",
            "Bea Buyer replied on Help (Budget Kit).\n"
            "Answer it from your support inbox in the studio.",
        ),
    ]
    assert all(
        n.message["chat_id"] == str(CHAT)
        for n in Notice.objects.filter(key__startswith="telegram-support")
    )


def test_the_texts_carry_no_buyer_address(buyer, seller, product):
    buyer.name = ""
    buyer.save(update_fields=["name"])
    connected(seller)

    _thread(buyer, seller, product)

    texts = [text for _, text in _told()]
    assert texts
    named = buyer.public_name
    assert all("buyer@example.com" not in text and named in text for text in texts)


def test_a_seller_without_telegram_gets_the_emails_only(buyer, seller, product):
    _thread(buyer, seller, product)

    assert _told() == []
    assert Notice.objects.filter(channel=Notice.Channel.EMAIL).count() == 4


@pytest.mark.parametrize(
    ("off", "left"), [(Event.SUPPORT_OPENED, "message"), (Event.BUYER_REPLY, "opened")]
)
def test_a_seller_who_turned_an_event_off_is_not_told_of_it(buyer, seller, product, off, left):
    connected(seller)
    telegram_link_choose(user=seller, events=set(Event) - {off})

    _thread(buyer, seller, product)

    assert len(_told()) == 1
    assert left in _told()[0][0]


def test_disconnecting_stops_them(buyer, seller, product):
    connected(seller)
    telegram_link_disconnect(user=seller)

    _thread(buyer, seller, product)

    assert _told() == []


def test_a_paid_request_is_told_when_paid_and_only_once(
    client, buyer, seller, product, django_capture_on_commit_callbacks
):
    connected(seller)
    support_offer_set(product=product, included_days=0, price=900)
    request = request_start_paid(buyer=buyer, product=product, subject="Setup", body="Please")
    assert _told() == []

    deliver(client, "payment.succeeded", payment_data(request.order), webhook_id="msg_1")
    deliver(client, "payment.succeeded", payment_data(request.order), webhook_id="msg_2")

    keys = list(Notice.objects.values_list("key", flat=True))
    assert keys.count(f"telegram-support-{request.pk}-opened") == 1
    sale = Notice.objects.get(key=f"telegram-order-{request.order.pk}-sale")
    assert sale.message["text"] == "Sold: Support request for Budget Kit, $9.00, to Bea Buyer."
