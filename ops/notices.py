"""Sending the outbox's notices (ops.models.Notice, recorded by ops.notifications): claimed
first, so that a notice goes out once however many times it is queued.

A sender raises to say the send failed: any exception is tried again later, a little later
each time; `RetryLater` asks for a delay of its own (the remote end said when), and `GiveUp`
says no retry can help (the recipient refused it), so the notice fails at once.
"""

import logging
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db.models import F
from django.utils import timezone

from ops import telegram
from ops.models import Notice

logger = logging.getLogger(__name__)

# Longer than any send may take (EMAIL_TIMEOUT and TELEGRAM_TIMEOUT, 10 s by default).
CLAIM_SECONDS = 300
MAX_ATTEMPTS = 10
# Sent notices are kept this long, for staff to see what went out (the admin), then deleted.
KEEP_SENT = timedelta(days=90)


class RetryLater(Exception):
    """Raised by a sender: try again in `seconds`, not after the usual backoff. It still
    counts as an attempt, so that a remote end that keeps putting it off is given up too."""

    def __init__(self, reason: str, *, seconds: float):
        super().__init__(reason)
        self.seconds = seconds


class GiveUp(Exception):
    """Raised by a sender: this notice can never be sent (the recipient refused it). Staff are
    alerted unless `alert` is False: the recipient's app dealt with it (ops.telegram.chat_gone)."""

    def __init__(self, reason: str, *, alert: bool = True):
        super().__init__(reason)
        self.alert = alert


def notices_due(*, limit: int = 1000) -> list[int]:
    return list(
        Notice.objects.filter(
            sent_at__isnull=True, due_at__lte=timezone.now(), attempts__lt=MAX_ATTEMPTS
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


def notice_send(*, notice_id: int) -> bool:
    """Send the notice unless it is sent, not due, or taken by another worker; True when this
    call sent it."""
    now = timezone.now()
    claimed = Notice.objects.filter(
        pk=notice_id, sent_at__isnull=True, due_at__lte=now, attempts__lt=MAX_ATTEMPTS
    ).update(due_at=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    if not claimed:
        return False
    notice = Notice.objects.get(pk=notice_id)
    try:
        SENDERS[notice.channel](notice)
    except GiveUp as error:
        level = logging.ERROR if error.alert else logging.WARNING
        logger.log(level, "notice %s given up: %s", notice.key, error)
        _failed(notice, error=error, due_at=timezone.now(), give_up=True, alert=error.alert)
        return False
    except RetryLater as error:
        logger.warning("notice %s put off %s s: %s", notice.key, error.seconds, error)
        _failed(notice, error=error, due_at=timezone.now() + timedelta(seconds=error.seconds))
        return False
    except Exception as error:
        # Tried again by `send_due_notices`, a little later each time.
        delay = timedelta(minutes=min(2**notice.attempts, 6 * 60))
        logger.exception("notice %s failed (attempt %d)", notice.key, notice.attempts)
        _failed(notice, error=error, due_at=timezone.now() + delay)
        return False
    Notice.objects.filter(pk=notice_id).update(sent_at=timezone.now(), last_error="")
    return True


def _failed(
    notice: Notice, *, error: Exception, due_at: datetime, give_up: bool = False, alert: bool = True
) -> None:
    last_error = f"{type(error).__name__}: {error}"[:300]
    # Giving up spends the attempts left, so that nothing takes the notice again.
    attempts = MAX_ATTEMPTS if give_up else notice.attempts
    Notice.objects.filter(pk=notice.pk).update(
        due_at=due_at, attempts=attempts, last_error=last_error
    )
    if attempts >= MAX_ATTEMPTS and alert:
        _alert_given_up(notice, last_error=last_error)


def _alert_given_up(notice: Notice, *, last_error: str) -> None:
    """Tell staff, once, of a notice nobody will try again: someone must act on it."""
    # Imported here: ops.notifications queues through ops.tasks, which imports this module.
    from ops.notifications import alert_staff, is_staff_alert

    # An alert that could not reach staff would fail the same way, alerting of itself forever.
    if is_staff_alert(notice):
        return
    alert_staff(
        text=f"Gave up sending {notice.get_channel_display()} notice {notice.key} "
        f"(attempts: {notice.attempts}): {last_error}",
        key=f"notice-given-up-{notice.pk}",
    )


def _send_email(notice: Notice) -> None:
    fields = notice.message
    email = EmailMultiAlternatives(
        fields["subject"],
        fields["body"],
        fields["from_email"],
        fields["to"],
        headers={"Message-ID": f"<notice-{notice.pk}@{DNS_NAME}>"},
    )
    if fields["html"]:
        email.attach_alternative(fields["html"], "text/html")
    email.send()


def _send_telegram(notice: Notice) -> None:
    try:
        telegram.send_message(chat_id=notice.message["chat_id"], text=notice.message["text"])
    except telegram.TelegramError as error:
        if error.retry_after is not None:
            raise RetryLater(str(error), seconds=error.retry_after) from None
        if error.chat_gone and not _to_staff(notice):
            # The staff chat is never given away: its failures are only logged.
            told = telegram.chat_gone(chat_id=notice.message["chat_id"], reason=error.description)
            raise GiveUp(str(error), alert=not told) from None
        if error.permanent:
            raise GiveUp(str(error)) from None
        raise


def _to_staff(notice: Notice) -> bool:
    from ops.notifications import is_staff_alert  # see _alert_given_up

    return is_staff_alert(notice)


SENDERS = {Notice.Channel.EMAIL: _send_email, Notice.Channel.TELEGRAM: _send_telegram}


def notices_forget_sent(*, older_than: timedelta = KEEP_SENT) -> int:
    """Delete notices sent more than `older_than` ago; how many went. Their keys go with them,
    long after anything could ask for the same notice again."""
    deleted, _ = Notice.objects.filter(sent_at__lt=timezone.now() - older_than).delete()
    return deleted
