"""notify_seller: a Telegram notice for a connected seller who chose the event, once per key,
and nothing otherwise."""

import pytest

from accounts.models import TelegramLink
from accounts.services import (
    telegram_link_bind,
    telegram_link_choose,
    telegram_link_disconnect,
    telegram_link_start,
)
from accounts.telegram import Event, buyer_name, notify_seller
from ops.models import Notice
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def connected(user, chat_id=4242) -> TelegramLink:
    return telegram_link_bind(token=telegram_link_start(user=user), chat_id=chat_id)


def _notices() -> list[tuple[str, str, str]]:
    notices = Notice.objects.filter(key__startswith="telegram-test-").order_by("pk")
    return [(n.key, n.message["chat_id"], n.message["text"]) for n in notices]


def test_a_connected_seller_is_told(seller):
    connected(seller)

    notice = notify_seller(seller=seller, event=Event.SALE, text="Sold", key="telegram-test-1")

    assert notice.channel == Notice.Channel.TELEGRAM
    assert _notices() == [("telegram-test-1", "4242", "Sold")]


def test_the_same_key_twice_is_one_notice(seller):
    connected(seller)

    notify_seller(seller=seller, event=Event.SALE, text="Sold", key="telegram-test-1")
    again = notify_seller(seller=seller, event=Event.SALE, text="Sold", key="telegram-test-1")

    assert again is None
    assert len(_notices()) == 1


@pytest.mark.parametrize("event", list(Event))
def test_an_event_turned_off_is_not_told(seller, event):
    connected(seller)
    telegram_link_choose(user=seller, events=set(Event) - {event})

    assert notify_seller(seller=seller, event=event, text="x", key="telegram-test-1") is None
    assert _notices() == []


def test_a_seller_who_never_connected_is_not_told(seller):
    assert notify_seller(seller=seller, event=Event.SALE, text="x", key="telegram-test-1") is None
    telegram_link_start(user=seller)
    assert notify_seller(seller=seller, event=Event.SALE, text="x", key="telegram-test-2") is None
    assert _notices() == []


def test_disconnecting_stops_the_notices(seller):
    connected(seller)
    telegram_link_disconnect(user=seller)

    assert notify_seller(seller=seller, event=Event.SALE, text="x", key="telegram-test-1") is None


def test_a_deactivated_account_is_not_told(seller):
    connected(seller)
    seller.is_active = False
    seller.save(update_fields=["is_active"])

    assert notify_seller(seller=seller, event=Event.SALE, text="x", key="telegram-test-1") is None


def test_another_sellers_link_is_not_used(seller):
    other = make_user("other@example.com")
    connected(other)

    assert notify_seller(seller=seller, event=Event.SALE, text="x", key="telegram-test-1") is None


def test_a_buyer_is_named_and_never_by_their_address(buyer, stranger):
    assert buyer_name(buyer) == "Bea Buyer"
    assert buyer_name(stranger) == stranger.public_name


def test_one_query_decides(seller, django_assert_num_queries):
    with django_assert_num_queries(1):
        notify_seller(seller=seller, event=Event.SALE, text="x", key="telegram-test-1")
