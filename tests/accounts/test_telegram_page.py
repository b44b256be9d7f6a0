"""The studio's Telegram page: connect a chat through a one-time deep link, choose the events
that go there, disconnect; every action in place with htmx and as a plain post without."""

import re

import pytest

from accounts.models import TelegramLink
from accounts.services import telegram_link_bind, telegram_link_choose, telegram_link_start
from accounts.telegram import Event, token_digest

pytestmark = pytest.mark.django_db

PAGE = "/studio/telegram/"
CONNECT = "/account/telegram/connect/"
EVENTS = "/account/telegram/events/"
DISCONNECT = "/account/telegram/disconnect/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def bot(settings):
    settings.TELEGRAM_BOT_TOKEN = "123:secret"
    settings.TELEGRAM_BOT_NAME = "TesseraBot"
    settings.TELEGRAM_WEBHOOK_SECRET = "hook-secret"


def connected(user, chat_id=4242) -> TelegramLink:
    return telegram_link_bind(token=telegram_link_start(user=user), chat_id=chat_id)


def _deep_link_token(response) -> str:
    found = re.search(rb"https://t\.me/TesseraBot\?start=([A-Za-z0-9_-]+)", response.content)
    assert found, response.content
    return found.group(1).decode()


def test_without_a_bot_the_page_says_telegram_is_not_set_up(client, seller):
    client.force_login(seller)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert b"Telegram is not set up on this shop" in response.content
    assert b"Connect Telegram" not in response.content


def test_without_a_bot_connecting_makes_no_token(client, seller):
    client.force_login(seller)

    response = client.post(CONNECT)

    assert b"Telegram is not set up on this shop" in response.content
    assert not TelegramLink.objects.exclude(token_hash="").exists()


@pytest.mark.usefixtures("bot")
def test_the_page_offers_to_connect_in_the_studio(client, seller):
    client.force_login(seller)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response.context["panel"].key == "studio"
    assert b"Connect Telegram" in response.content
    assert b'href="/studio/telegram/"' in response.content


@pytest.mark.usefixtures("bot")
def test_connecting_shows_a_one_time_deep_link_whose_token_is_kept_only_as_a_digest(client, seller):
    client.force_login(seller)

    response = client.post(CONNECT)

    assert response.status_code == 200
    assert b"<html" in response.content
    token = _deep_link_token(response)
    link = TelegramLink.objects.get(user=seller)
    assert link.token_hash == token_digest(token) != token
    assert link.chat_id is None


@pytest.mark.usefixtures("bot")
def test_connecting_with_htmx_swaps_only_the_section(client, seller):
    client.force_login(seller)

    response = client.post(CONNECT, headers=HTMX)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="telegram"' in response.content
    _deep_link_token(response)


@pytest.mark.usefixtures("bot")
def test_a_second_connect_replaces_the_first_link(client, seller):
    client.force_login(seller)
    first = _deep_link_token(client.post(CONNECT))

    second = _deep_link_token(client.post(CONNECT))

    assert first != second
    assert telegram_link_bind(token=first, chat_id=1) is None
    assert telegram_link_bind(token=second, chat_id=2).chat_id == 2


@pytest.mark.usefixtures("bot")
def test_a_connected_seller_sees_the_connection_the_events_and_disconnect(client, seller):
    connected(seller)
    client.force_login(seller)

    response = client.get(PAGE)

    assert b"Connected" in response.content
    assert b"Disconnect" in response.content
    assert b"Connect Telegram" not in response.content
    assert response.content.count(b'type="checkbox"') == len(Event)
    assert response.content.count(b"checked") == len(Event)


@pytest.mark.usefixtures("bot")
def test_an_htmx_get_returns_only_the_section(client, seller):
    client.force_login(seller)

    response = client.get(PAGE, headers=HTMX)

    assert b"<html" not in response.content
    assert b'id="telegram"' in response.content


@pytest.mark.usefixtures("bot")
def test_saving_events_with_htmx_saves_in_place(client, seller):
    connected(seller)
    client.force_login(seller)

    response = client.post(EVENTS, {"events": ["sale", "refund"]}, headers=HTMX)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Your Telegram notices are saved." in response.content
    link = TelegramLink.objects.get(user=seller)
    assert (link.notify_sale, link.notify_refund) == (True, True)
    assert (link.notify_support_opened, link.notify_buyer_reply) == (False, False)


@pytest.mark.usefixtures("bot")
def test_saving_events_without_javascript_redirects_back(client, seller):
    connected(seller)
    client.force_login(seller)

    response = client.post(EVENTS, {})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    link = TelegramLink.objects.get(user=seller)
    assert not any(getattr(link, event.field) for event in Event)


@pytest.mark.usefixtures("bot")
def test_an_unknown_event_is_refused_in_place(client, seller):
    connected(seller)
    client.force_login(seller)

    response = client.post(EVENTS, {"events": ["sale", "payout"]}, headers=HTMX)

    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert TelegramLink.objects.get(user=seller).notify_support_opened is True


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_disconnecting_forgets_the_chat_and_keeps_the_choices(client, seller, headers):
    connected(seller)
    telegram_link_choose(user=seller, events={Event.SALE})
    client.force_login(seller)

    response = client.post(DISCONNECT, headers=headers)

    assert response.status_code == (200 if headers else 302)
    link = TelegramLink.objects.get(user=seller)
    assert (link.chat_id, link.connected_at) == (None, None)
    assert (link.notify_sale, link.notify_refund) == (True, False)


@pytest.mark.parametrize("url", [PAGE, CONNECT, EVENTS, DISCONNECT])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.post(url) if url != PAGE else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [CONNECT, EVENTS, DISCONNECT])
def test_anonymous_htmx_posts_are_sent_to_log_in(client, url):
    response = client.post(url, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("url", [PAGE, CONNECT, EVENTS, DISCONNECT])
def test_a_buyer_who_does_not_sell_is_refused(client, buyer, url):
    client.force_login(buyer)

    response = client.post(url) if url != PAGE else client.get(url)

    assert response.status_code == 403
    assert not TelegramLink.objects.exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [("post", PAGE), ("get", CONNECT), ("get", EVENTS), ("get", DISCONNECT)],
)
def test_the_wrong_method_is_refused(client, seller, method, url):
    client.force_login(seller)

    assert getattr(client, method)(url).status_code == 405


def test_the_library_panel_has_no_telegram_page(client, seller):
    client.force_login(seller)

    assert client.get("/library/telegram/").status_code == 404
