"""Telegram's Bot API, the one call the outbox needs: `sendMessage`, plain text.

Through `urllib.request` from the standard library, not an HTTP client package: one JSON POST
per notice, from a task, needs no connection pool, async or retries of its own (the outbox
retries), and httpx is in the lock file only as the Dodo SDK's dependency, which it could drop.
python-telegram-bot is large and async, for bots that converse; this one only speaks.

Without TELEGRAM_BOT_TOKEN nothing goes over the network: the message is logged, so that
development and tests need no bot.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)

# sendMessage's limit for `text`. Telegram measures text in UTF-16 code units (an emoji
# outside the BMP is two), so that is what is counted: never more than Telegram's count.
MAX_TEXT = 4096
_ELLIPSIS = "…"


class TelegramError(Exception):
    """The Bot API answered, and not with ok: its status, description and, when it is flood
    control (429), the seconds it asks to wait."""

    def __init__(self, *, status: int, description: str, retry_after: int | None = None):
        super().__init__(f"Telegram answered {status}: {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        """Whether this message can never be sent: the chat is unknown, the bot was blocked
        or removed (400, 403). A wrong token (401; 404, the answer to a malformed one) fails
        every message until it is fixed, and then they should all go: not permanent."""
        return 400 <= self.status < 500 and self.status not in (401, 404, 429)

    @property
    def chat_gone(self) -> bool:
        """Whether the chat itself is out of reach for good, not just this message: Telegram
        knows no such chat (400 "chat not found"), or refuses the bot there (403: blocked by
        the user, kicked from the group, the user deactivated). Other 400s are about the
        message (its text, say), and the chat may take the next one."""
        return self.status == 403 or (
            self.status == 400 and "chat not found" in self.description.lower()
        )


# What higher apps do when a chat is gone for good (accounts disconnects the sellers linked to
# it and tells them): the explicit registration point DESIGN asks for instead of a signal.
_on_chat_gone: list[Callable[..., bool]] = []


def register_on_chat_gone(react: Callable[..., bool]) -> None:
    """`react(chat_id=..., reason=...)` runs when a message to `chat_id` was refused because
    the chat is gone (`TelegramError.chat_gone`), outside any transaction of the sender's; it
    answers whether it dealt with it (disconnected the chat, told its owner some other way),
    so that nobody else must act."""
    if react not in _on_chat_gone:
        _on_chat_gone.append(react)


def chat_gone(*, chat_id: str, reason: str) -> bool:
    """Tell the registered apps that `chat_id` is gone; True when one dealt with it."""
    told = [react(chat_id=chat_id, reason=reason) for react in _on_chat_gone]
    return any(told)


def fit(text: str) -> str:
    """`text`, cut with an ellipsis to what one message holds."""
    if _utf16_length(text) <= MAX_TEXT:
        return text
    cut = text[: MAX_TEXT - len(_ELLIPSIS)]
    excess = _utf16_length(cut) - (MAX_TEXT - len(_ELLIPSIS))
    while excess > 0:
        excess -= _utf16_length(cut[-1])
        cut = cut[:-1]
    return cut + _ELLIPSIS


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def send_message(*, chat_id: str, text: str) -> None:
    """Send `text` to `chat_id`. Raises TelegramError when the API refuses it, OSError
    (URLError, TimeoutError) when it cannot be reached."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        logger.info("Telegram to %s (no TELEGRAM_BOT_TOKEN, not sent): %s", chat_id, text)
        return
    request = urllib.request.Request(  # noqa: S310 - the address is a setting, not input
        f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{token}/sendMessage",
        data=json.dumps({"chat_id": chat_id, "text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.TELEGRAM_TIMEOUT) as response:  # noqa: S310
            answer = _json(response.read())
    except urllib.error.HTTPError as error:
        # Raised anew, without the HTTPError: its `url` holds the token.
        raise _error(error.code, _json(error.read()), error.reason) from None
    if answer.get("ok") is not True:
        raise _error(200, answer, "not ok")


def _json(body: bytes) -> dict:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _error(status: int, answer: dict, reason: str) -> TelegramError:
    parameters = answer.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return TelegramError(
        status=status,
        description=str(answer.get("description") or reason),
        retry_after=retry_after if isinstance(retry_after, int) and retry_after >= 0 else None,
    )
