from huey.contrib.djhuey import db_task

from billing.notices import send_notice


@db_task(retries=3, retry_delay=60)
def send_order_notice(*, order_id: int, kind: str) -> None:
    send_notice(order_id=order_id, kind=kind)
