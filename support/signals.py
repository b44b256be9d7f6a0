"""Signals that enqueue provider sync (DESIGN 6): the Dodo twin of a product's support, sold
per request, kept in step with its offer's price and with the product's title and currency.
They decide nothing. A sync that cannot be queued (Redis down) is logged and dropped, never an
error after the commit: checkout makes sure of the twin itself (billing.providers.dodo)."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from shop.models import Product
from support.models import SupportOffer


def _sync_later(product_id: int) -> None:
    from support.tasks import sync_dodo_support

    # The task compares name, price and currency with what Dodo has, and calls only on a change.
    transaction.on_commit(lambda: sync_dodo_support(product_id=product_id), robust=True)


@receiver(post_save, sender=SupportOffer)
def sync_support_offer(sender, instance: SupportOffer, **kwargs) -> None:
    # Switched off (price 0), there is nothing to sell: the twin is left as it is.
    if settings.PAYMENT_PROVIDER == "dodo" and instance.price:
        _sync_later(instance.product_id)


@receiver(post_save, sender=Product)
def sync_support_product(sender, instance: Product, **kwargs) -> None:
    # The twin is named for the product and priced in its currency.
    if (
        settings.PAYMENT_PROVIDER == "dodo"
        and SupportOffer.objects.filter(product_id=instance.pk, price__gt=0).exists()
    ):
        _sync_later(instance.pk)
