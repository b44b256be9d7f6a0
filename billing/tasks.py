from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from accounts.models import User
from billing.services import order_expire_stale
from shop.models import Product


@db_task(retries=5, retry_delay=60)
def sync_dodo_customer(*, user_id: int) -> None:
    from billing.providers import dodo  # the SDK is heavy to import: only where Dodo is used

    dodo.ensure_customer(User.objects.get(pk=user_id))


@db_task(retries=5, retry_delay=60)
def sync_dodo_product(*, product_id: int) -> None:
    from billing.providers import dodo

    dodo.sync_product(Product.objects.get(pk=product_id))


@db_periodic_task(crontab(minute="*/10"))
def expire_stale_orders() -> int:
    return order_expire_stale()
