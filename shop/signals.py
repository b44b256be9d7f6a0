"""Signals that derive or mirror, never decide."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.text import slugify

from accounts.models import User
from shop.catalog import catalog_changed
from shop.models import Category, Product, ProductFile, ProductVersion


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


# The anonymous page cache mirrors these rows, whichever path (service, admin, shell) wrote them.
@receiver([post_save, post_delete], sender=Product)
@receiver([post_save, post_delete], sender=ProductVersion)
@receiver([post_save, post_delete], sender=ProductFile)
@receiver([post_save, post_delete], sender=Category)
@receiver(m2m_changed, sender=Product.categories.through)
def forget_catalog_pages(sender, **kwargs) -> None:
    catalog_changed()


@receiver(post_save, sender=User)
def forget_catalog_pages_for_seller(sender, instance: User, update_fields=None, **kwargs) -> None:
    # Pages show a seller's name; a login (which only stamps last_login) changes nothing.
    if instance.is_seller and set(update_fields or ()) != {"last_login"}:
        catalog_changed()
