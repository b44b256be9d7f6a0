"""Sellers' Telegram: which events a seller may hear of there, the deep link that connects a
chat, what the bot's webhook reads from an update, and `notify_seller`, which billing and
support (above accounts) call next to their emails.

The link itself (accounts.models.TelegramLink) is changed only by accounts.services.
"""

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models

from accounts.models import TelegramLink, User
from ops.models import Notice
from ops.notifications import queue_telegram


class Event(models.TextChoices):
    """What a seller can be told of; each is a `notify_<value>` flag on TelegramLink."""

    SUPPORT_OPENED = "support_opened", "New support request"
    BUYER_REPLY = "buyer_reply", "A buyer's reply"
    SALE = "sale", "Sale"
    REFUND = "refund", "Refund"

    @property
    def field(self) -> str:
        return f"notify_{self.value}"


def is_set_up() -> bool:
    """Whether sellers can connect: a bot to send from, its name for the link, and the secret
    without which the webhook that completes a connection refuses every update."""
    return bool(
        settings.TELEGRAM_BOT_TOKEN
        and settings.TELEGRAM_BOT_NAME
        and settings.TELEGRAM_WEBHOOK_SECRET
    )


def deep_link(token: str) -> str:
    return f"https://t.me/{quote(settings.TELEGRAM_BOT_NAME)}?start={quote(token)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def buyer_name(buyer: User) -> str:
    """How a seller's notice names a buyer: as the seller's inbox and sales list do
    (User.public_name), never by their address."""
    return buyer.public_name


def notify_seller(*, seller: User, event: Event, text: str, key: str) -> Notice | None:
    """Queue `text` to the seller's chat, in the caller's transaction and once per `key`;
    nothing (None) when they have not connected one, or turned `event` off."""
    chat_id = (
        TelegramLink.objects.filter(
            user_id=seller.pk, user__is_active=True, chat_id__isnull=False, **{event.field: True}
        )
        .values_list("chat_id", flat=True)
        .first()
    )
    if chat_id is None:
        return None
    return queue_telegram(chat_id=str(chat_id), text=text, key=key)


def disconnected_email(*, user: User, reason: str) -> EmailMessage:
    """What a seller is told when Telegram refused their chat for good and it was disconnected:
    why, and how to connect again."""
    body = (
        f"Telegram refused the last notice we sent to your chat ({reason}), so we have "
        f"disconnected it: your {settings.SITE_NAME} notices now come by email only.\n\n"
        "This happens when the bot is blocked or the chat is deleted. To connect Telegram "
        "again, open the Telegram page of your studio, press Connect and then Start in "
        f"Telegram.\n\n{settings.SITE_NAME}\n"
    )
    return EmailMessage(subject="Telegram disconnected", body=body, to=[user.email])


def start_command(update: dict) -> tuple[int, str] | None:
    """(chat id, token) of a `/start <token>` message, the one a t.me deep link sends when the
    seller presses Start; None for any other update."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat_id, text = _chat_id(message), message.get("text")
    if chat_id is None or not isinstance(text, str):
        return None
    command, _, token = text.strip().partition(" ")
    # In a group the command may name the bot: /start@TesseraBot <token>.
    if command.partition("@")[0] != "/start" or not token.strip():
        return None
    return chat_id, token.strip()


def blocked_chat(update: dict) -> int | None:
    """The chat of a private chat in which the user has just blocked (or deleted) the bot:
    Telegram would refuse every message to it from now on."""
    change = update.get("my_chat_member")
    if not isinstance(change, dict):
        return None
    member = change.get("new_chat_member")
    if not isinstance(member, dict) or member.get("status") != "kicked":
        return None
    return _chat_id(change)


def _chat_id(part: dict) -> int | None:
    chat = part.get("chat")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    # bool is an int to Python; not a chat id.
    return chat_id if type(chat_id) is int else None
