"""Signals that derive, never decide."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.text import slugify

from shop.models import Product


def unique_slug(title: str) -> str:
    base = (slugify(title) or "product")[:120]
    slug, n = base, 1
    while Product.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@receiver(pre_save, sender=Product)
def derive_slug_once(sender, instance: Product, **kwargs) -> None:
    # Derived on the first save only: a retitled product keeps its URL.
    if not instance.slug:
        instance.slug = unique_slug(instance.title)
