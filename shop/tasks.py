from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shop.services import short_link_flush_visits


@db_periodic_task(crontab(minute="*"))
def flush_short_link_visits() -> int:
    return short_link_flush_visits()
