"""Signals that derive or mirror, never decide."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
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


# Each product's row carries its category names for search (Product.category_names): copied
# again whenever a product's categories or a category's name change, whichever side wrote it.
@receiver(m2m_changed, sender=Product.categories.through)
def copy_category_names_on_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        Product.objects.filter(pk=instance.pk).update_category_names()
    elif reverse and action in ("post_add", "post_remove"):
        Product.objects.filter(pk__in=pk_set).update_category_names()
    elif reverse and action == "pre_clear":
        instance._products_cleared = list(instance.products.values_list("pk", flat=True))
    elif reverse and action == "post_clear":
        Product.objects.filter(pk__in=instance._products_cleared).update_category_names()


@receiver(post_save, sender=Category)
def copy_category_names_on_rename(sender, instance: Category, created: bool, **kwargs) -> None:
    if not created:
        Product.objects.filter(categories=instance).update_category_names()


@receiver(pre_delete, sender=Category)
def note_products_of_deleted_category(sender, instance: Category, **kwargs) -> None:
    instance._products_left = list(instance.products.values_list("pk", flat=True))


@receiver(post_delete, sender=Category)
def copy_category_names_on_delete(sender, instance: Category, **kwargs) -> None:
    Product.objects.filter(pk__in=instance._products_left).update_category_names()


@receiver(post_save, sender=Product)
def copy_category_names_on_full_save(
    sender, instance: Product, created: bool, update_fields=None, **kwargs
) -> None:
    # A whole-row save (admin, shell) writes the names the instance was loaded with, perhaps
    # before its categories changed; the services save named fields, which never include them.
    if not created and update_fields is None:
        Product.objects.filter(pk=instance.pk).update_category_names()


@receiver(post_save, sender=User)
def forget_catalog_pages_for_seller(sender, instance: User, update_fields=None, **kwargs) -> None:
    # Pages show a seller's name; a login (which only stamps last_login) changes nothing.
    if instance.is_seller and set(update_fields or ()) != {"last_login"}:
        catalog_changed()
