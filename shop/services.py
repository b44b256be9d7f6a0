from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from shop.models import Product, ShortLink

EDITABLE_FIELDS = {"title", "tagline", "description", "price", "currency"}


def product_create(
    *,
    seller: User,
    title: str,
    tagline: str = "",
    description: str = "",
    price: int = 0,
    currency: str = "USD",
) -> Product:
    product = Product(
        seller=seller,
        title=title.strip(),
        tagline=tagline.strip(),
        description=description,
        price=price,
        currency=currency,
    )
    product.full_clean(exclude=["slug"])
    # Two products with one title can race for one slug: the unique index decides, and the
    # loser derives the next free slug.
    for _ in range(5):
        try:
            with transaction.atomic():
                product.save()
            return product
        except IntegrityError:
            product.slug = ""
    raise IntegrityError(f"No free slug for {title!r}")


@transaction.atomic
def product_update(*, product: Product, **changes) -> Product:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(product, field, value.strip() if isinstance(value, str) else value)
    product.full_clean(exclude=["slug", "cover"])
    product.save(update_fields=[*changes, "updated_at"])
    return product


def _publish_problems(product: Product) -> list[str]:
    problems = []
    if not product.versions.filter(files__isnull=False).exists():
        problems.append("Add a version with at least one file before publishing.")
    if not product.title.strip():
        problems.append("Give the product a title.")
    return problems


@transaction.atomic
def product_publish(*, product: Product) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    problems = _publish_problems(product)
    if problems:
        raise ValidationError(problems)
    if product.status != Product.Status.PUBLISHED:
        product.status = Product.Status.PUBLISHED
        product.published_at = product.published_at or timezone.now()
        product.save(update_fields=["status", "published_at", "updated_at"])
    if not product.short_links.exists():
        ShortLink.objects.create(product=product, label="Default")
    return product


@transaction.atomic
def product_unpublish(*, product: Product) -> Product:
    return _set_status(product, Product.Status.DRAFT)


@transaction.atomic
def product_archive(*, product: Product) -> Product:
    return _set_status(product, Product.Status.ARCHIVED)


def _set_status(product: Product, status: str) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status != status:
        product.status = status
        product.save(update_fields=["status", "updated_at"])
    return product


@transaction.atomic
def product_set_featured(*, products: Iterable[Product], featured: bool) -> int:
    return Product.objects.filter(pk__in=[p.pk for p in products]).update(
        featured=featured, updated_at=timezone.now()
    )


@transaction.atomic
def short_link_create(*, product: Product, label: str = "") -> ShortLink:
    for _ in range(5):
        try:
            with transaction.atomic():
                return ShortLink.objects.create(product=product, label=label.strip())
        except IntegrityError:
            continue  # a code collision among 31^8 codes: draw again
    raise IntegrityError("No free short code")
