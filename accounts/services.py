import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import DISPLAY_NAME_MAX_LENGTH, TelegramLink, User
from accounts.telegram import Event, disconnected_email, token_digest
from ops.notifications import queue_email, queue_telegram

# How long a Telegram connect link works: long enough to find the phone, short enough that a
# link left in a browser's history is spent.
TELEGRAM_TOKEN_LIFETIME = timedelta(minutes=30)


DISPLAY_NAME_TAKEN = "Another seller has this name. Choose one buyers can tell apart."


def display_name_clean(value: str, *, user: User) -> str:
    """`value` as a seller's display name is kept: compatibility forms folded (NFKC), one line,
    single spaces. ValidationError when it is empty, too long, holds an email address (the
    one thing it exists to keep private) or another seller has it in any case."""
    name = " ".join(unicodedata.normalize("NFKC", value).split())
    if not name:
        raise ValidationError("Choose the name buyers will see.", code="required")
    if any(unicodedata.category(char)[0] == "C" for char in name):
        raise ValidationError("Keep it on one line, without control characters.", code="control")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            f"Keep it to {DISPLAY_NAME_MAX_LENGTH} characters or fewer.", code="max_length"
        )
    if "@" in name:
        raise ValidationError(
            "A display name cannot hold an @: it is public, and an email address is not.",
            code="email",
        )
    if _display_name_taken(name, user=user):
        raise ValidationError(DISPLAY_NAME_TAKEN, code="taken")
    return name


def _display_name_taken(name: str, *, user: User) -> bool:
    # Lower() in the database, as the constraint compares (accounts_user_display_name_ci_unique).
    return (
        User.objects.filter(is_seller=True)
        .exclude(pk=user.pk)
        .alias(key=Lower("display_name"))
        .filter(key=Lower(Value(name)))
        .exists()
    )


def _neutral_display_name(user: User) -> str:
    """For a seller made without being asked (staff's action, scripts): their own name if it
    will do, else "Seller <id>"."""
    fallbacks = (f"Seller {user.pk}-{n}" for n in range(2, 100))
    for candidate in (user.name, f"Seller {user.pk}", *fallbacks):
        try:
            return display_name_clean(candidate, user=user)
        except ValidationError:
            continue
    raise ValidationError(DISPLAY_NAME_TAKEN, code="taken")


def _save_names(user: User, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        # Another seller took the name between the check and this save: the constraint is
        # the judge, and the loser hears why rather than a server error.
        if _display_name_taken(user.display_name, user=user):
            raise ValidationError(DISPLAY_NAME_TAKEN, code="taken") from None
        raise


@transaction.atomic
def user_start_selling(*, user: User, display_name: str | None = None) -> User:
    """Turn on the seller role under a public display name; starting twice keeps the first date
    and name. Without `display_name` (staff's admin action, scripts) the user's own name is
    used if it will do, else "Seller <id>". ValidationError, and nothing changed, when
    `display_name` will not do (display_name_clean), also when another seller takes it at
    the same moment."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_seller:
        return user
    if display_name is None:
        user.display_name = _neutral_display_name(user)
    else:
        user.display_name = display_name_clean(display_name, user=user)
    user.is_seller = True
    user.seller_since = timezone.now()
    _save_names(user, ["is_seller", "seller_since", "display_name"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str, display_name: str | None = None) -> User:
    """The user's name, and a seller's display name when given (display_name_clean's rules);
    ValidationError, and nothing saved, when the display name will not do."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.name = name.strip()
    fields = ["name"]
    if display_name is not None:
        if not user.is_seller:
            raise ValidationError("Only sellers have a display name.", code="not_seller")
        user.display_name = display_name_clean(display_name, user=user)
        fields.append("display_name")
    _save_names(user, fields)
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
