"""A seller's chat that Telegram refuses for good (chat not found, the bot blocked, the user
deactivated), against the local Bot API stub: the notice is given up at once, the seller's link
disconnected, and the seller told once by email how to connect again. The staff chat's failures
are given up and logged and disconnect nothing; flood control and network errors are tried
again as before."""

import logging
import socket

import pytest
from django.core import mail

from accounts.models import TelegramLink
from accounts.services import telegram_chat_gone, telegram_link_bind, telegram_link_start
from accounts.telegram import Event, notify_seller
from ops.models import Notice
from ops.notices import MAX_ATTEMPTS, notice_send
from ops.notifications import alert_staff
from tests.conftest import make_seller
from tests.ops.telegram_stub import BotApiStub

pytestmark = pytest.mark.django_db

TOKEN = "123456:test-token"  # the stub's, not a secret
CHAT = 4242
STAFF_CHAT = "-1001234"
GONE = [
    (400, "Bad Request: chat not found"),
    (403, "Forbidden: bot was blocked by the user"),
    (403, "Forbidden: user is deactivated"),
]


@pytest.fixture(scope="module")
def stub():
    server = BotApiStub()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bot(stub, settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_API_URL = stub.url
    settings.TELEGRAM_TIMEOUT = 2
    settings.TELEGRAM_CHAT_ID = STAFF_CHAT
    settings.SITE_NAME = "Tessera"
    stub.reset()
    return stub


def connect(user, chat_id: int = CHAT) -> TelegramLink:
    return telegram_link_bind(token=telegram_link_start(user=user), chat_id=chat_id)


def sale_notice(seller, key: str = "telegram-order-1-sale") -> Notice:
    return notify_seller(seller=seller, event=Event.SALE, text="Sold: Budget Kit", key=key)


def emails() -> list[Notice]:
    return list(Notice.objects.filter(channel=Notice.Channel.EMAIL).order_by("pk"))


def staff_alerts() -> list[str]:
    alerts = Notice.objects.filter(channel=Notice.Channel.TELEGRAM, key__startswith="notice-")
    return list(alerts.values_list("key", flat=True))


@pytest.mark.parametrize(("status", "description"), GONE)
def test_a_chat_gone_disconnects_the_seller_gives_up_and_emails_them_once(
    bot, seller, status, description
):
    connect(seller)
    notice = sale_notice(seller)
    bot.refuse(status, description)

    assert notice_send(notice_id=notice.pk) is False

    notice.refresh_from_db()
    assert notice.attempts == MAX_ATTEMPTS
    assert notice.last_error == f"GiveUp: Telegram answered {status}: {description}"
    link = TelegramLink.objects.get(user=seller)
    assert (link.chat_id, link.connected_at) == (None, None)
    [email] = emails()
    assert email.message["to"] == [seller.email]
    assert email.message["subject"] == "Telegram disconnected"
    assert description in email.message["body"]
    assert "open the Telegram page of your studio, press Connect" in email.message["body"]
    # The seller was told: nothing for staff to act on.
    assert staff_alerts() == []


def test_the_email_goes_out_through_the_outbox(bot, seller):
    connect(seller)
    bot.refuse(403, "Forbidden: bot was blocked by the user")
    notice_send(notice_id=sale_notice(seller).pk)

    assert notice_send(notice_id=emails()[0].pk) is True

    [sent] = mail.outbox
    assert (sent.to, sent.subject) == ([seller.email], "Telegram disconnected")


def test_the_seller_is_told_once_however_many_notices_fail(bot, seller):
    connect(seller)
    first, second = sale_notice(seller), sale_notice(seller, key="telegram-order-2-sale")
    for _ in range(2):
        bot.refuse(403, "Forbidden: bot was blocked by the user")

    notice_send(notice_id=first.pk)
    notice_send(notice_id=second.pk)
    assert telegram_chat_gone(chat_id=str(CHAT), reason="again") is False

    assert len(emails()) == 1
    second.refresh_from_db()
    assert second.attempts == MAX_ATTEMPTS


def test_connected_again_and_gone_again_the_seller_is_told_again(bot, seller):
    connect(seller)
    assert telegram_chat_gone(chat_id=str(CHAT), reason="blocked") is True
    connect(seller)

    assert telegram_chat_gone(chat_id=str(CHAT), reason="blocked") is True

    assert len(emails()) == 2
    assert len({email.key for email in emails()}) == 2


def test_only_the_links_to_that_chat_are_disconnected(bot, seller):
    other = make_seller("other@example.com")
    connect(seller)
    connect(other, chat_id=777)
    bot.refuse(403, "Forbidden: bot was blocked by the user")

    notice_send(notice_id=sale_notice(seller).pk)

    assert TelegramLink.objects.get(user=other).chat_id == 777
    assert [email.message["to"] for email in emails()] == [[seller.email]]


def test_a_deactivated_account_is_disconnected_without_an_email(bot, seller):
    connect(seller)
    notice = sale_notice(seller)
    seller.is_active = False
    seller.save(update_fields=["is_active"])
    bot.refuse(403, "Forbidden: bot was blocked by the user")

    notice_send(notice_id=notice.pk)

    assert TelegramLink.objects.get(user=seller).chat_id is None
    assert emails() == []


@pytest.mark.parametrize(("status", "description"), GONE)
def test_the_staff_chat_gone_is_given_up_and_logged_and_disconnects_nothing(
    bot, seller, settings, caplog, status, description
):
    # A seller whose chat is the staff chat too: a staff alert refused must not touch it.
    settings.TELEGRAM_CHAT_ID = str(CHAT)
    connect(seller)
    alert = alert_staff(text="Backups failed", key="backup-failed-1")
    bot.refuse(status, description)

    with caplog.at_level(logging.ERROR, logger="ops.notices"):
        assert notice_send(notice_id=alert.pk) is False

    alert.refresh_from_db()
    assert alert.attempts == MAX_ATTEMPTS
    assert "backup-failed-1 given up" in caplog.text
    assert TelegramLink.objects.get(user=seller).chat_id == CHAT
    assert emails() == []
    assert staff_alerts() == []


def test_another_refusal_of_the_message_gives_it_up_but_keeps_the_chat(bot, seller):
    connect(seller)
    notice = sale_notice(seller)
    bot.refuse(400, "Bad Request: message text is empty")

    notice_send(notice_id=notice.pk)

    notice.refresh_from_db()
    assert notice.attempts == MAX_ATTEMPTS
    assert TelegramLink.objects.get(user=seller).chat_id == CHAT
    assert emails() == []
    assert staff_alerts() == [f"notice-given-up-{notice.pk}"]


def test_flood_control_is_tried_again_and_keeps_the_chat(bot, seller):
    connect(seller)
    notice = sale_notice(seller)
    bot.refuse(429, "Too Many Requests: retry after 30", retry_after=30)

    notice_send(notice_id=notice.pk)

    notice.refresh_from_db()
    assert (notice.attempts, notice.sent_at) == (1, None)
    assert TelegramLink.objects.get(user=seller).chat_id == CHAT
    assert emails() == []


def test_a_network_error_is_tried_again_and_keeps_the_chat(bot, seller, settings):
    connect(seller)
    notice = sale_notice(seller)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.TELEGRAM_API_URL = f"http://127.0.0.1:{closed.getsockname()[1]}"

    notice_send(notice_id=notice.pk)

    notice.refresh_from_db()
    assert notice.attempts == 1
    assert notice.last_error.startswith("URLError")
    assert TelegramLink.objects.get(user=seller).chat_id == CHAT
    assert emails() == []


def test_a_chat_that_is_not_a_number_is_no_sellers(seller):
    connect(seller)

    assert telegram_chat_gone(chat_id="@tessera_news", reason="chat not found") is False

    assert TelegramLink.objects.get(user=seller).chat_id == CHAT
