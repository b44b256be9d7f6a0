"""Signals that enqueue provider sync (DESIGN 6): a Dodo customer for each new user, and a Dodo
product kept in step with each published paid product. They decide nothing."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from shop.models import Product


@receiver(post_save, sender=User)
def sync_new_customer(sender, instance: User, created: bool, **kwargs) -> None:
    if created and settings.PAYMENT_PROVIDER == "dodo":
        from billing.tasks import sync_dodo_customer

        transaction.on_commit(lambda: sync_dodo_customer(user_id=instance.pk))


@receiver(post_save, sender=Product)
def sync_sold_product(sender, instance: Product, **kwargs) -> None:
    # The task compares title, price and currency with what Dodo has, and calls only on a change.
    if (
        settings.PAYMENT_PROVIDER == "dodo"
        and instance.status == Product.Status.PUBLISHED
        and not instance.is_free
    ):
        from billing.tasks import sync_dodo_product

        transaction.on_commit(lambda: sync_dodo_product(product_id=instance.pk))
