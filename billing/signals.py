"""Signals that enqueue provider sync or mirror into the cache (DESIGN 6): a Dodo customer for
each new user, a Dodo product kept in step with each published paid product, and a seller's
cached sales page forgotten when one of their products gains or loses an owner. They decide
nothing. A sync that cannot be queued (Redis down) is logged and dropped, never an error
after the commit: checkout makes sure of both twins itself (providers.dodo)."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from access.models import PurchasedProduct
from accounts.models import User
from billing.sales import sales_changed
from shop.models import Product


@receiver(post_save, sender=User)
def sync_new_customer(sender, instance: User, created: bool, **kwargs) -> None:
    if created and settings.PAYMENT_PROVIDER == "dodo":
        from billing.tasks import sync_dodo_customer

        transaction.on_commit(lambda: sync_dodo_customer(user_id=instance.pk), robust=True)


@receiver(post_save, sender=Product)
def sync_sold_product(sender, instance: Product, **kwargs) -> None:
    # The task compares title, price and currency with what Dodo has, and calls only on a change.
    if (
        settings.PAYMENT_PROVIDER == "dodo"
        and instance.status == Product.Status.PUBLISHED
        and not instance.is_free
    ):
        from billing.tasks import sync_dodo_product

        transaction.on_commit(lambda: sync_dodo_product(product_id=instance.pk), robust=True)


@receiver(post_save, sender=PurchasedProduct)
def forget_sales_pages(sender, instance: PurchasedProduct, **kwargs) -> None:
    # Active owners are on the sales page; free products and staff grants change them too.
    sales_changed(seller_id=instance.product.seller_id)
