"""Outgoing messages, through a transactional outbox (ops.models.Notice).

`queue_email` and `queue_telegram` (and `alert_staff`, through it) record the message in the
caller's transaction, so it exists if and only if the change it tells of committed, and ask a
task to send it after commit. If the queue cannot be reached then (Redis down), nothing fails:
`send_due_notices` (a periodic task) finds every notice that is due and unsent and queues it
again. Sending is claimed first (ops.notices), so a notice queued twice, or taken by two
workers, goes out once; a worker killed mid-send leaves its claim to lapse after a lease, and
the notice is sent then. The one window left is a worker killed after the remote end took
the message and before it was marked sent: then it goes again. An email goes with the same
Message-ID, which mail systems use to drop duplicates; Telegram has no such id, so there a
second copy arrives.
"""

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from ops import telegram
from ops.db import insert_if_absent
from ops.models import Notice
from ops.tasks import send_notice
from ops.text import single_line


@dataclass(frozen=True)
class Site:
    """The shop as its messages name it: what allauth's templates read as `current_site`."""

    name: str
    domain: str


def site() -> Site:
    """SITE_NAME at SITE_URL's host, never the host a request came in on."""
    return Site(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def site_url(path: str) -> str:
    """An absolute link to `path` (a URL path, "/library/") for a message sent out of the shop:
    on SITE_URL, never on the host a request came in on (a proxy's, or 127.0.0.1)."""
    return settings.SITE_URL + path


def queue_email(message: EmailMessage, *, key: str = "") -> Notice | None:
    """Record `message` to be sent once this transaction commits; None (and nothing recorded)
    when a notice with the same `key` exists. Without a key, every call is a new notice."""
    html = next(
        (body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), None
    )
    notice = Notice(
        key=key or f"email-{uuid.uuid4()}",
        channel=Notice.Channel.EMAIL,
        message={
            # A line break in a subject would fail every send (header injection guard).
            "subject": single_line(str(message.subject)),
            "body": message.body,
            "to": list(message.to),
            "from_email": message.from_email,
            "html": html,
        },
    )
    return _record(notice)


def queue_telegram(*, chat_id: str, text: str, key: str = "") -> Notice | None:
    """Record a Telegram message to `chat_id` to be sent once this transaction commits, cut to
    what one message holds; None (and nothing recorded) when a notice with the same `key`
    exists. Without TELEGRAM_BOT_TOKEN it is logged instead of sent (ops.telegram)."""
    notice = Notice(
        key=key or f"telegram-{uuid.uuid4()}",
        channel=Notice.Channel.TELEGRAM,
        message={"chat_id": str(chat_id), "text": telegram.fit(text)},
    )
    return _record(notice)


def _record(notice: Notice) -> Notice | None:
    """Insert the notice unless its key is taken, and queue it once this transaction commits;
    a queue out of reach then is logged, never an error (send_due_notices queues it again)."""
    if not insert_if_absent(notice, unique=["key"]):
        return None
    transaction.on_commit(lambda: send_notice(notice_id=notice.pk), robust=True)
    return notice


def alert_staff(*, text: str, key: str = "") -> Notice | None:
    """Tell staff of something they must act on, in the TELEGRAM_CHAT_ID chat; nothing (None)
    when that is not set, or when an alert with the same `key` exists."""
    if not settings.TELEGRAM_CHAT_ID:
        return None
    return queue_telegram(chat_id=settings.TELEGRAM_CHAT_ID, text=text, key=key)


def is_staff_alert(notice: Notice) -> bool:
    return notice.channel == Notice.Channel.TELEGRAM and notice.message.get("chat_id") == str(
        settings.TELEGRAM_CHAT_ID
    )
