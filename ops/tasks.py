from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ops.notices import notice_send, notices_due, notices_forget_sent


@db_task()
def send_notice(*, notice_id: int) -> None:
    """Retried by `send_due_notices`, not by Huey: the notice keeps its own schedule."""
    notice_send(notice_id=notice_id)


@db_periodic_task(crontab(minute="*"))
def send_due_notices() -> None:
    """Queue every notice that is due and unsent: those whose queueing failed after commit,
    whose worker died while sending, or whose last try failed."""
    for notice_id in notices_due():
        send_notice(notice_id=notice_id)


@db_periodic_task(crontab(minute="17", hour="3"))
def forget_sent_notices() -> None:
    notices_forget_sent()
