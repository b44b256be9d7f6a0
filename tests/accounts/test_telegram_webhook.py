"""Telegram's update webhook: only with the bot's secret header, every well-formed update answered
200, and `/start <token>` binding the chat to the seller whose one-time, expiring token it is."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import TelegramLink
from accounts.services import TELEGRAM_TOKEN_LIFETIME, telegram_link_bind, telegram_link_start
from ops.models import Notice
from tests.conftest import make_seller
from tests.ops.telegram_stub import BotApiStub

pytestmark = pytest.mark.django_db

URL = "/telegram/webhook/"
SECRET = "hook-secret_42"
CHAT = 987654321
CONNECTED = "Connected to Tessera. Your notices will arrive in this chat."


@pytest.fixture(autouse=True)
def _bot(settings):
    settings.TELEGRAM_BOT_NAME = "TesseraBot"
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.SITE_NAME = "Tessera"


def start(token: str, chat_id: int = CHAT, update_id: int = 1) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 7,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
            "chat": {"id": chat_id, "type": "private", "first_name": "Sam"},
            "date": 1_780_000_000,
            "text": f"/start {token}",
            "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
        },
    }


def post(client, update, secret: str | None = SECRET):
    body = update if isinstance(update, (bytes, str)) else json.dumps(update)
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post(URL, body, content_type="application/json", headers=headers)


def _replies() -> list[tuple[str, str]]:
    return [
        (n.message["chat_id"], n.message["text"])
        for n in Notice.objects.filter(channel=Notice.Channel.TELEGRAM).order_by("pk")
    ]


def test_start_with_the_token_connects_the_chat_and_says_so(client, seller):
    token = telegram_link_start(user=seller)

    response = post(client, start(token))

    assert response.status_code == 200
    link = TelegramLink.objects.get(user=seller)
    assert link.chat_id == CHAT
    assert link.connected_at is not None
    assert link.token_hash == ""
    assert _replies() == [(str(CHAT), CONNECTED)]


def test_the_token_works_once(client, seller):
    token = telegram_link_start(user=seller)
    post(client, start(token))

    response = post(client, start(token, chat_id=111, update_id=2))

    assert response.status_code == 200
    assert TelegramLink.objects.get(user=seller).chat_id == CHAT
    assert len(_replies()) == 1


def _age(seller, by: timedelta) -> None:
    """Make the seller's token as if it had been made `by` ago."""
    TelegramLink.objects.filter(user=seller).update(
        token_expires_at=timezone.now() + TELEGRAM_TOKEN_LIFETIME - by
    )


def test_a_token_lasts_thirty_minutes(seller):
    telegram_link_start(user=seller)

    left = TelegramLink.objects.get(user=seller).token_expires_at - timezone.now()

    assert timedelta(minutes=29) < left <= timedelta(minutes=30)


def test_an_expired_token_connects_nothing_says_so_once_and_is_spent(client, seller):
    token = telegram_link_start(user=seller)
    _age(seller, TELEGRAM_TOKEN_LIFETIME + timedelta(seconds=1))

    first = post(client, start(token))
    again = post(client, start(token, update_id=2))

    assert first.status_code == again.status_code == 200
    link = TelegramLink.objects.get(user=seller)
    assert (link.chat_id, link.token_hash) == (None, "")
    assert _replies() == [
        (str(CHAT), "This link has expired. Make a new one on the Telegram page of your studio.")
    ]


def test_a_token_still_fresh_just_before_it_expires_connects(client, seller):
    token = telegram_link_start(user=seller)
    _age(seller, TELEGRAM_TOKEN_LIFETIME - timedelta(seconds=5))

    post(client, start(token))

    assert TelegramLink.objects.get(user=seller).chat_id == CHAT


def test_an_unknown_token_does_nothing(client, seller):
    telegram_link_start(user=seller)

    response = post(client, start("not-a-token"))

    assert response.status_code == 200
    assert TelegramLink.objects.get(user=seller).chat_id is None
    assert _replies() == []


def test_a_token_binds_only_its_own_seller(client, seller):
    other = make_seller("other@example.com")
    token = telegram_link_start(user=seller)
    telegram_link_start(user=other)

    post(client, start(token))

    assert TelegramLink.objects.get(user=seller).chat_id == CHAT
    assert TelegramLink.objects.get(user=other).chat_id is None


@pytest.mark.parametrize(
    "text", ["/start", "hello", "/help abc", "/started abc", "", "/start@TesseraBot"]
)
def test_other_messages_do_nothing(client, seller, text):
    telegram_link_start(user=seller)
    update = start("x")
    update["message"]["text"] = text

    assert post(client, update).status_code == 200
    assert not TelegramLink.objects.filter(chat_id__isnull=False).exists()


def test_a_group_start_naming_the_bot_connects(client, seller):
    token = telegram_link_start(user=seller)
    update = start(token, chat_id=-100123)
    update["message"]["text"] = f"/start@TesseraBot {token}"

    post(client, update)

    assert TelegramLink.objects.get(user=seller).chat_id == -100123


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 5, "edited_message": {"text": "hi"}},
        {"update_id": 5, "message": "not an object"},
        {"update_id": 5, "message": {"text": "/start abc", "chat": {"id": "123"}}},
        {"update_id": 5, "message": {"text": "/start abc", "chat": {"id": True}}},
        {"update_id": 5, "message": {"text": ["/start"], "chat": {"id": 1}}},
        {"update_id": 5, "my_chat_member": {"chat": {"id": 1}, "new_chat_member": "x"}},
    ],
)
def test_well_formed_updates_it_has_no_use_for_are_answered_200(client, update):
    assert post(client, update).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b'"update"',
        b'{"message": {"text": "/start x"}}',
        b'{"update_id": "1"}',
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_malformed_update_is_refused_with_400_never_500(client, body):
    assert post(client, body).status_code == 400


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
def test_without_the_secret_header_nothing_happens(client, seller, secret):
    # Fails without the check: anyone could post /start with a leaked or guessed token, or probe.
    token = telegram_link_start(user=seller)

    response = post(client, start(token), secret=secret)

    assert response.status_code == 403
    assert TelegramLink.objects.get(user=seller).chat_id is None


def test_without_a_configured_secret_every_update_is_refused(client, seller, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    token = telegram_link_start(user=seller)

    assert post(client, start(token), secret="").status_code == 403
    assert TelegramLink.objects.get(user=seller).chat_id is None


def test_the_webhook_needs_no_csrf_token(seller):
    from django.test import Client

    token = telegram_link_start(user=seller)

    response = post(Client(enforce_csrf_checks=True), start(token))

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_accepted(client, method):
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    assert getattr(client, method)(URL, headers=headers).status_code == 405


def test_blocking_the_bot_disconnects_the_chat(client, seller):
    telegram_link_bind(token=telegram_link_start(user=seller), chat_id=CHAT)
    update = {
        "update_id": 9,
        "my_chat_member": {
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Sam"},
            "date": 1_780_000_000,
            "old_chat_member": {"user": {"id": 1, "is_bot": True}, "status": "member"},
            "new_chat_member": {"user": {"id": 1, "is_bot": True}, "status": "kicked"},
        },
    }

    assert post(client, update).status_code == 200
    assert TelegramLink.objects.get(user=seller).chat_id is None


def test_the_confirmation_reaches_the_bot_api(
    client, seller, settings, django_capture_on_commit_callbacks
):
    stub = BotApiStub()
    stub.start()
    try:
        settings.TELEGRAM_BOT_TOKEN = "123:token"
        settings.TELEGRAM_API_URL = stub.url
        token = telegram_link_start(user=seller)

        with django_capture_on_commit_callbacks(execute=True):
            post(client, start(token))

        assert [(path, body) for path, body, _ in stub.requests] == [
            (
                "/bot123:token/sendMessage",
                {"chat_id": str(CHAT), "text": CONNECTED},
            )
        ]
    finally:
        stub.stop()


@pytest.mark.parametrize("chat_id", [True, "987654321", 1.5, None])
def test_a_start_from_a_chat_that_is_not_a_number_binds_nothing(client, seller, chat_id):
    token = telegram_link_start(user=seller)
    update = start(token)
    update["message"]["chat"]["id"] = chat_id

    assert post(client, update).status_code == 200
    assert TelegramLink.objects.get(user=seller).chat_id is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_token_used_twice_at_once_binds_one_chat(seller):
    from tests.conftest import run_together

    token = telegram_link_start(user=seller)
    chats = iter([111, 222])

    errors = run_together(lambda: telegram_link_bind(token=token, chat_id=next(chats)), 2)

    assert errors == []
    assert TelegramLink.objects.get(user=seller).chat_id in (111, 222)
    assert [text for _, text in _replies()] == [CONNECTED]
