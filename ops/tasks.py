from django.conf import settings
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


@db_periodic_task(crontab(**settings.BACKUP_CRONTAB))
def back_up() -> None:
    """The scheduled backup, also queued by the admin's "Back up now". Not retried: a failure
    is recorded and alerted by the service, and the next run is a fresh attempt."""
    # Imported here: ops.backups alerts through ops.notifications, which imports this module.
    from ops.backups import backup_create

    backup_create()
