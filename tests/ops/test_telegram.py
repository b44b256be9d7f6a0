"""Telegram through the outbox, against a local stub of the Bot API: sent once, put off when
Telegram asks, backed off when it fails, given up when it refuses; staff alerted."""

import logging
import socket
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from ops import notices, tasks, telegram
from ops.error_reports import ErrorReportFilter
from ops.models import Notice
from ops.notices import MAX_ATTEMPTS, notice_send
from ops.notifications import alert_staff, queue_email, queue_telegram
from tests.ops.telegram_stub import BotApiStub
from tests.ops.test_settings import _manage

pytestmark = pytest.mark.django_db

TOKEN = "123456:test-token"  # the stub's, not a secret
SEND_MESSAGE = f"/bot{TOKEN}/sendMessage"


@pytest.fixture(scope="module")
def stub():
    server = BotApiStub()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bot(stub, settings):
    """A bot token, the Bot API's address pointed at the local stub."""
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_API_URL = stub.url
    settings.TELEGRAM_TIMEOUT = 2
    stub.reset()
    return stub


def _make_due(notice: Notice) -> None:
    Notice.objects.filter(pk=notice.pk).update(due_at=timezone.now() - timedelta(seconds=1))


def _seconds_until_due(notice: Notice) -> float:
    notice.refresh_from_db()
    return (notice.due_at - timezone.now()).total_seconds()


def test_a_message_is_posted_to_send_message_as_json(bot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = queue_telegram(chat_id="42", text="A new sale: Budget Kit", key="sale-1")
        assert bot.requests == []

    assert bot.requests == [
        (SEND_MESSAGE, {"chat_id": "42", "text": "A new sale: Budget Kit"}, "application/json")
    ]
    notice.refresh_from_db()
    assert notice.channel == Notice.Channel.TELEGRAM
    assert notice.sent_at is not None
    assert notice.last_error == ""


def test_the_same_key_is_recorded_and_sent_once(bot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_telegram(chat_id="42", text="Hello", key="hello-42") is not None
        assert queue_telegram(chat_id="42", text="Hello again", key="hello-42") is None

    assert [body["text"] for _, body, _ in bot.requests] == ["Hello"]


def test_a_queue_failure_after_commit_is_not_an_error_and_the_message_waits(
    bot, django_capture_on_commit_callbacks, monkeypatch
):
    def queue_down(**kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("ops.notifications.send_notice", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        notice = queue_telegram(chat_id="42", text="Hello", key="waiting")

    assert bot.requests == []
    assert notices.notices_due() == [notice.pk]


def test_flood_control_puts_the_notice_off_as_long_as_telegram_asks_and_it_goes_once_later(bot):
    notice = queue_telegram(chat_id="42", text="Hello", key="flood")
    bot.refuse(429, "Too Many Requests: retry after 30", retry_after=30)

    assert notice_send(notice_id=notice.pk) is False

    # Not the usual backoff (two minutes after a first attempt): the 30 s Telegram asked for.
    assert 28 < _seconds_until_due(notice) <= 30
    assert "429" in notice.last_error
    assert notice.sent_at is None
    assert notices.notices_due() == []
    _make_due(notice)
    tasks.send_due_notices.call_local()
    tasks.send_due_notices.call_local()
    notice.refresh_from_db()
    assert notice.sent_at is not None
    assert len(bot.requests) == 2


def test_a_server_error_is_tried_again_after_the_usual_backoff(bot):
    notice = queue_telegram(chat_id="42", text="Hello", key="five-hundred")
    bot.refuse(500, "Internal Server Error")

    assert notice_send(notice_id=notice.pk) is False

    assert 110 < _seconds_until_due(notice) <= 120
    assert notice.attempts == 1
    assert notice.last_error == "TelegramError: Telegram answered 500: Internal Server Error"
    _make_due(notice)
    assert notice_send(notice_id=notice.pk) is True


def test_a_refused_connection_is_tried_again_after_the_usual_backoff(bot, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.TELEGRAM_API_URL = f"http://127.0.0.1:{port}"
    notice = queue_telegram(chat_id="42", text="Hello", key="refused")

    assert notice_send(notice_id=notice.pk) is False

    assert 110 < _seconds_until_due(notice) <= 120
    assert notice.attempts == 1
    assert notice.last_error.startswith("URLError")


def test_an_api_that_does_not_answer_fails_after_telegram_timeout(bot, settings):
    settings.TELEGRAM_TIMEOUT = 0.3
    bot.delay = 1
    notice = queue_telegram(chat_id="42", text="Hello", key="slow")

    assert notice_send(notice_id=notice.pk) is False

    notice.refresh_from_db()
    assert notice.sent_at is None
    assert "timed out" in notice.last_error


def test_a_blocked_bot_gives_up_at_once_and_says_why(bot):
    notice = queue_telegram(chat_id="42", text="Hello", key="blocked")
    bot.refuse(403, "Forbidden: bot was blocked by the user")

    assert notice_send(notice_id=notice.pk) is False

    notice.refresh_from_db()
    assert notice.attempts == MAX_ATTEMPTS
    assert notice.last_error == (
        "GiveUp: Telegram answered 403: Forbidden: bot was blocked by the user"
    )
    _make_due(notice)
    assert notices.notices_due() == []
    assert notice_send(notice_id=notice.pk) is False
    assert len(bot.requests) == 1


def test_a_wrong_token_is_tried_again_not_given_up(bot):
    # Every message fails alike until the token is fixed; then they should all go.
    notice = queue_telegram(chat_id="42", text="Hello", key="unauthorized")
    bot.refuse(401, "Unauthorized")

    assert notice_send(notice_id=notice.pk) is False

    notice.refresh_from_db()
    assert notice.attempts == 1
    assert 110 < _seconds_until_due(notice) <= 120


def test_the_token_shows_in_no_error_and_no_log(bot, caplog):
    notice = queue_telegram(chat_id="42", text="Hello", key="quiet")
    bot.refuse(502, "Bad Gateway")

    with caplog.at_level(logging.DEBUG):
        notice_send(notice_id=notice.pk)

    notice.refresh_from_db()
    assert "502" in notice.last_error
    assert TOKEN not in notice.last_error
    assert TOKEN not in caplog.text


def test_without_a_token_the_message_is_logged_and_marked_sent(stub, settings, caplog):
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_API_URL = stub.url
    stub.reset()
    notice = queue_telegram(chat_id="42", text="A new sale: Budget Kit", key="logged")

    with caplog.at_level(logging.INFO, logger="ops.telegram"):
        assert notice_send(notice_id=notice.pk) is True

    assert "A new sale: Budget Kit" in caplog.text
    assert stub.requests == []


@pytest.mark.parametrize(("unit", "fits"), [("x", 4095), ("😀", 2047)], ids=["ascii", "emoji"])
def test_a_long_text_is_cut_to_4096_with_an_ellipsis(bot, unit, fits):
    # An emoji outside the BMP counts twice in Telegram's (UTF-16) measure of a text.
    notice = queue_telegram(chat_id="42", text=unit * 5000, key=f"long-{unit}")

    notice_send(notice_id=notice.pk)

    sent = bot.requests[0][1]["text"]
    assert sent == unit * fits + "…"
    assert len(sent.encode("utf-16-le")) // 2 <= telegram.MAX_TEXT


def test_a_text_that_fits_is_sent_whole():
    assert telegram.fit("x" * 4096) == "x" * 4096


def test_staff_alerts_go_to_the_staff_chat(bot, settings, django_capture_on_commit_callbacks):
    settings.TELEGRAM_CHAT_ID = "-1001234"

    with django_capture_on_commit_callbacks(execute=True):
        alert_staff(text="Backups failed", key="backup-failed-1")

    assert bot.requests == [
        (SEND_MESSAGE, {"chat_id": "-1001234", "text": "Backups failed"}, "application/json")
    ]


def test_staff_alerts_are_skipped_without_a_staff_chat(bot, settings):
    settings.TELEGRAM_CHAT_ID = ""

    assert alert_staff(text="Backups failed") is None

    assert not Notice.objects.exists()


def test_a_notice_given_up_after_its_last_attempt_alerts_staff_once(bot, settings, monkeypatch):
    settings.TELEGRAM_CHAT_ID = "-1001234"
    notice = queue_email(EmailMessage(subject="Hi", body=".", to=["bea@example.com"]), key="r-1")
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send", lambda self: (_ for _ in ()).throw(OSError("smtp"))
    )
    Notice.objects.filter(pk=notice.pk).update(attempts=MAX_ATTEMPTS - 2)

    notice_send(notice_id=notice.pk)
    assert Notice.objects.filter(channel=Notice.Channel.TELEGRAM).count() == 0
    for _ in range(2):
        _make_due(notice)
        Notice.objects.filter(pk=notice.pk).update(attempts=MAX_ATTEMPTS - 1)
        notice_send(notice_id=notice.pk)

    alert = Notice.objects.get(channel=Notice.Channel.TELEGRAM)
    assert alert.key == f"notice-given-up-{notice.pk}"
    assert alert.message["chat_id"] == "-1001234"
    assert "r-1" in alert.message["text"]
    assert "OSError: smtp" in alert.message["text"]
    assert "bea@example.com" not in alert.message["text"]


def test_a_message_given_up_at_once_alerts_staff(bot, settings):
    settings.TELEGRAM_CHAT_ID = "-1001234"
    notice = queue_telegram(chat_id="42", text="Hello", key="blocked-alerted")
    bot.refuse(403, "Forbidden: bot was blocked by the user")

    notice_send(notice_id=notice.pk)

    alert = Notice.objects.get(key=f"notice-given-up-{notice.pk}")
    assert alert.message["text"] == (
        "Gave up sending Telegram notice blocked-alerted (attempts: 1): GiveUp: Telegram "
        "answered 403: Forbidden: bot was blocked by the user"
    )


def test_an_alert_that_cannot_reach_staff_does_not_alert_of_itself(bot, settings):
    settings.TELEGRAM_CHAT_ID = "-1001234"
    alert = alert_staff(text="Backups failed", key="backup-failed-2")
    bot.refuse(400, "Bad Request: chat not found")

    notice_send(notice_id=alert.pk)

    assert list(Notice.objects.values_list("key", flat=True)) == ["backup-failed-2"]


def test_staff_see_telegram_notices_in_the_outbox(client, staff):
    queue_telegram(chat_id="42", text="Hello", key="telegram-listed")
    client.force_login(staff)

    listing = client.get("/admin/ops/notice/?channel__exact=telegram")

    assert listing.status_code == 200
    assert b"telegram-listed" in listing.content
    assert b"Telegram" in listing.content


def test_error_reports_hide_the_bot_token_and_the_webhook_secret(settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = "webhook-secret"

    shown = ErrorReportFilter().get_safe_settings()

    assert shown["TELEGRAM_BOT_TOKEN"] == ErrorReportFilter.cleansed_substitute
    assert shown["TELEGRAM_WEBHOOK_SECRET"] == ErrorReportFilter.cleansed_substitute


def test_a_telegram_timeout_of_zero_refuses_to_start():
    result = _manage("check", TELEGRAM_TIMEOUT="0")

    assert result.returncode != 0
    assert "TELEGRAM_TIMEOUT must be a positive" in result.stderr
