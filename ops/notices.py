"""Sending the outbox's notices (ops.models.Notice, recorded by ops.notifications): claimed
first, so that a notice goes out once however many times it is queued."""

import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db.models import F
from django.utils import timezone

from ops.models import Notice

logger = logging.getLogger(__name__)

# Longer than any send may take (SMTP's timeout is EMAIL_TIMEOUT, 10 s by default).
CLAIM_SECONDS = 300
MAX_ATTEMPTS = 10
# Sent notices are kept this long, for staff to see what went out (the admin), then deleted.
KEEP_SENT = timedelta(days=90)


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
    except Exception as error:
        # Tried again by `send_due_notices`, a little later each time.
        delay = timedelta(minutes=min(2**notice.attempts, 6 * 60))
        logger.exception("notice %s failed (attempt %d)", notice.key, notice.attempts)
        Notice.objects.filter(pk=notice_id).update(
            due_at=timezone.now() + delay, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    Notice.objects.filter(pk=notice_id).update(sent_at=timezone.now(), last_error="")
    return True


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


SENDERS = {Notice.Channel.EMAIL: _send_email}


def notices_forget_sent(*, older_than: timedelta = KEEP_SENT) -> int:
    """Delete notices sent more than `older_than` ago; how many went. Their keys go with them,
    long after anything could ask for the same notice again."""
    deleted, _ = Notice.objects.filter(sent_at__lt=timezone.now() - older_than).delete()
    return deleted
