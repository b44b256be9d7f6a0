"""The outbox: a notice exists if and only if its transaction committed, and goes out once."""

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ops import notices, tasks
from ops.models import Notice
from ops.notices import notice_send
from ops.notifications import queue_email

pytestmark = pytest.mark.django_db


def _email(subject: str = "Hello") -> EmailMessage:
    return EmailMessage(subject=subject, body="Body.", to=["bea@example.com"])


def _make_due(notice: Notice) -> None:
    Notice.objects.filter(pk=notice.pk).update(due_at=timezone.now() - timedelta(seconds=1))


def test_a_notice_is_sent_after_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = queue_email(_email(), key="welcome-1")
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Hello"]
    notice.refresh_from_db()
    assert notice.sent_at is not None
    assert notice.attempts == 1


def _queue_then_fail() -> None:
    with transaction.atomic():
        queue_email(_email(), key="never")
        raise RuntimeError("the change failed")


def test_a_rolled_back_change_leaves_no_notice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        _queue_then_fail()

    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_the_same_key_is_recorded_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_email(_email(), key="receipt-7") is not None
        assert queue_email(_email(), key="receipt-7") is None

    assert len(mail.outbox) == 1


def test_a_queue_failure_after_commit_is_not_an_error_and_the_notice_waits(
    django_capture_on_commit_callbacks, monkeypatch
):
    def queue_down(**kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("ops.notifications.send_notice", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        notice = queue_email(_email(), key="waiting")

    assert mail.outbox == []
    assert notices.notices_due() == [notice.pk]

    tasks.send_due_notices.call_local()

    assert len(mail.outbox) == 1
    assert notices.notices_due() == []


def test_a_notice_sent_twice_goes_out_once():
    notice = queue_email(_email(), key="twice")

    assert notice_send(notice_id=notice.pk) is True
    assert notice_send(notice_id=notice.pk) is False
    _make_due(notice)
    assert notice_send(notice_id=notice.pk) is False

    assert len(mail.outbox) == 1


def test_a_failed_send_is_tried_again_later(monkeypatch):
    notice = queue_email(_email(), key="flaky")
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send", lambda self: (_ for _ in ()).throw(OSError("smtp"))
    )

    assert notice_send(notice_id=notice.pk) is False
    monkeypatch.undo()

    notice.refresh_from_db()
    assert notice.last_error == "OSError: smtp"
    assert notice.due_at > timezone.now()
    assert notices.notices_due() == []
    _make_due(notice)
    assert notice_send(notice_id=notice.pk) is True
    assert len(mail.outbox) == 1


def test_a_notice_that_keeps_failing_is_given_up_after_the_last_attempt():
    notice = queue_email(_email(), key="hopeless")
    Notice.objects.filter(pk=notice.pk).update(attempts=notices.MAX_ATTEMPTS)

    assert notices.notices_due() == []
    assert notice_send(notice_id=notice.pk) is False


def test_a_subject_with_a_line_break_is_sent_on_one_line():
    notice = queue_email(_email("Your receipt for Budget\r\nKit"), key="crlf")

    assert notice_send(notice_id=notice.pk) is True
    assert mail.outbox[0].subject == "Your receipt for Budget Kit"


def test_each_notice_has_its_own_stable_message_id():
    first = queue_email(_email(), key="one")
    notice_send(notice_id=first.pk)

    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<notice-{first.pk}@")


def test_the_periodic_task_queues_what_is_due(monkeypatch):
    HUEY.immediate = False
    HUEY.flush()
    try:
        due = queue_email(_email(), key="due")
        later = queue_email(_email(), key="later")
        Notice.objects.filter(pk=later.pk).update(due_at=timezone.now() + timedelta(hours=1))
        HUEY.flush()

        tasks.send_due_notices.call_local()

        assert HUEY.pending_count() == 1
        assert HUEY.pending()[0].kwargs == {"notice_id": due.pk}
    finally:
        HUEY.flush()
        HUEY.immediate = True


_SEND_AND_HANG = """
import os, sys, time
import django
django.setup()
from ops import notices
notices.SENDERS["email"] = lambda notice: (print("sending", flush=True), time.sleep(60))
notices.notice_send(notice_id=int(sys.argv[1]))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_leaves_the_notice_to_be_sent_once(monkeypatch):
    monkeypatch.setattr("ops.notifications.send_notice", lambda **kwargs: None)
    notice = queue_email(_email(), key="killed")
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    worker = subprocess.Popen(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", _SEND_AND_HANG, str(notice.pk)],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout.readline().strip() == "sending"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker.kill()

    notice.refresh_from_db()
    assert notice.sent_at is None
    assert notice.attempts == 1
    # While the dead worker's claim lasts nobody sends it; once it lapses, it goes out once.
    tasks.send_due_notices.call_local()
    assert mail.outbox == []
    _make_due(notice)
    tasks.send_due_notices.call_local()
    tasks.send_due_notices.call_local()
    assert len(mail.outbox) == 1


def test_sent_notices_are_forgotten_after_ninety_days_and_waiting_ones_never():
    old, recent, waiting = (queue_email(_email(), key=key) for key in ("old", "recent", "waiting"))
    Notice.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=91))
    Notice.objects.filter(pk=recent.pk).update(sent_at=timezone.now() - timedelta(days=89))
    Notice.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=400))

    tasks.forget_sent_notices.call_local()

    assert set(Notice.objects.values_list("key", flat=True)) == {"recent", "waiting"}


def test_staff_see_the_outbox_and_nobody_edits_it(client, staff, buyer):
    queue_email(_email("Your receipt for Budget Kit"), key="receipt-1")
    client.force_login(staff)

    listing = client.get("/admin/ops/notice/")
    assert listing.status_code == 200
    assert b"receipt-1" in listing.content
    notice = Notice.objects.get()
    assert client.post(f"/admin/ops/notice/{notice.pk}/delete/").status_code == 403
    assert client.get("/admin/ops/notice/add/").status_code == 403

    client.force_login(buyer)
    assert client.get("/admin/ops/notice/").status_code == 302
