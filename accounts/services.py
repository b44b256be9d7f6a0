import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import TelegramLink, User
from accounts.telegram import Event, disconnected_email, token_digest
from ops.notifications import queue_email, queue_telegram

# How long a Telegram connect link works: long enough to find the phone, short enough that a
# link left in a browser's history is spent.
TELEGRAM_TOKEN_LIFETIME = timedelta(minutes=30)


@transaction.atomic
def user_start_selling(*, user: User) -> User:
    """Turn on the seller role; starting twice keeps the first date."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_seller:
        user.is_seller = True
        user.seller_since = timezone.now()
        user.save(update_fields=["is_seller", "seller_since"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str) -> User:
    user.name = name.strip()
    user.save(update_fields=["name"])
    return user


@transaction.atomic
def user_change_password(*, user: User, new_password: str) -> User:
    # The stored hash changes, so every session signed with the old one stops validating:
    # Django compares each session's auth hash with the user's on every request.
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def telegram_link_start(*, user: User) -> str:
    """A new one-time token for the user's Telegram deep link; an earlier one stops working.
    Only its digest is kept, so this is the one time it can be shown."""
    token = secrets.token_urlsafe(24)
    link, _ = TelegramLink.objects.select_for_update().get_or_create(user=user)
    link.token_hash = token_digest(token)
    link.token_expires_at = timezone.now() + TELEGRAM_TOKEN_LIFETIME
    link.save(update_fields=["token_hash", "token_expires_at"])
    return token


@transaction.atomic
def telegram_link_bind(*, token: str, chat_id: int) -> TelegramLink | None:
    """Connect `chat_id` to the seller whose token it is, and tell the chat; the token is spent
    either way. An expired token connects nothing and the chat is told to make a new link; an
    unknown or spent one does nothing at all (None)."""
    link = TelegramLink.objects.select_for_update().filter(token_hash=token_digest(token)).first()
    if link is None:
        return None
    fresh = link.token_expires_at is not None and link.token_expires_at > timezone.now()
    link.token_hash, link.token_expires_at = "", None
    if not fresh:
        link.save(update_fields=["token_hash", "token_expires_at"])
        queue_telegram(
            chat_id=str(chat_id),
            text="This link has expired. Make a new one on the Telegram page of your studio.",
        )
        return None
    link.chat_id, link.connected_at = chat_id, timezone.now()
    link.save(update_fields=["token_hash", "token_expires_at", "chat_id", "connected_at"])
    queue_telegram(
        chat_id=str(chat_id),
        text=f"Connected to {settings.SITE_NAME}. Your notices will arrive in this chat.",
    )
    return link


@transaction.atomic
def telegram_link_disconnect(*, user: User) -> None:
    """No more notices to the user's chat, and no pending link; their event choices stay."""
    TelegramLink.objects.filter(user=user).update(
        chat_id=None, connected_at=None, token_hash="", token_expires_at=None
    )


@transaction.atomic
def telegram_chat_blocked(*, chat_id: int) -> int:
    """The bot was blocked in `chat_id`: every link to it is disconnected (how many)."""
    return TelegramLink.objects.filter(chat_id=chat_id).update(chat_id=None, connected_at=None)


@transaction.atomic
def telegram_chat_gone(*, chat_id: str, reason: str) -> bool:
    """Telegram refuses `chat_id` for good (ops.telegram.register_on_chat_gone): every link to
    it is disconnected and its seller told by email, once per connection, how to connect again.
    True when a link was, so that nobody else must act."""
    try:
        chat = int(chat_id)
    except ValueError:  # a channel's @name: never a seller's chat
        return False
    links = list(
        TelegramLink.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(chat_id=chat)
    )
    for link in links:
        if link.user.is_active:
            queue_email(
                disconnected_email(user=link.user, reason=reason),
                key=f"telegram-disconnected-{link.pk}-{link.connected_at:%Y%m%d%H%M%S%f}",
            )
    TelegramLink.objects.filter(pk__in=[link.pk for link in links]).update(
        chat_id=None, connected_at=None
    )
    return bool(links)


@transaction.atomic
def telegram_link_choose(*, user: User, events: set[Event]) -> TelegramLink:
    """Which events the user hears of in Telegram: those in `events`, and no others."""
    link, _ = TelegramLink.objects.select_for_update().get_or_create(user=user)
    for event in Event:
        setattr(link, event.field, event in events)
    link.save(update_fields=[event.field for event in Event])
    return link
