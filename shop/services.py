import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ops.cache import cache_decr, cache_get_and_incr
from shop.catalog import catalog_changed
from shop.models import MIN_PAID_PRICE, Product, ProductFile, ProductVersion, ShortLink, cover_path
from shop.uploads import CheckedFile

logger = logging.getLogger(__name__)

SHORT_LINK_TTL = 300
SHORT_LINK_MISSING_TTL = 30
_MISSING = "-"

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
    # Validated against the row as it is now, not as the caller last saw it.
    product = Product.objects.select_for_update().get(pk=product.pk)
    for field, value in changes.items():
        setattr(product, field, value.strip() if isinstance(value, str) else value)
    product.full_clean(exclude=["slug", "cover"])
    product.save(update_fields=[*changes, "updated_at"])
    return product


def version_add(
    *, product: Product, label: str, changelog: str, files: list[CheckedFile]
) -> ProductVersion:
    """Store the checked files, then record the version and its files in one transaction
    (`stored_files`: if the rows cannot be written, the stored files are removed)."""
    storage = ProductFile._meta.get_field("file").storage
    uploads = [(f"products/{uuid.uuid4().hex}", checked.upload) for checked in files]
    with stored_files(storage, uploads) as paths, transaction.atomic():
        version = ProductVersion.objects.create(
            product=product, label=label.strip(), changelog=changelog
        )
        ProductFile.objects.bulk_create(
            ProductFile(
                version=version,
                file=path,
                original_name=checked.name,
                size=checked.size,
                sha256=checked.sha256,
                content_type=checked.content_type,
            )
            for checked, path in zip(files, paths, strict=True)
        )
    return version


@contextmanager
def stored_files(storage: Storage, uploads: Iterable[tuple[str, File]]) -> Iterator[list[str]]:
    """Save each (path, content) in `storage` and give the names they were stored under to
    the block that writes the rows naming them. If anything fails (a save, a refusal, the
    block's transaction rolled back) the files already stored are deleted again, so nothing
    half-written is left.

    Storage writes (S3 in production) are slow I/O: this is entered outside any transaction,
    with the block opening its own, so that no rollback can leave a file behind."""
    stored = []
    try:
        for path, content in uploads:
            stored.append(storage.save(path, content))
        yield stored
    except BaseException:
        for path in stored:
            try:
                storage.delete(path)
            except Exception:
                # The failure that brought us here is the one to report; this one is logged.
                logger.exception("stored file %s could not be deleted", path)
        raise


def product_set_cover(*, product: Product, image: ContentFile) -> Product:
    """Store the (already re-encoded) cover, then point the product at it; the old file is
    removed once the change is committed."""
    storage = Product._meta.get_field("cover").storage
    path = storage.save(cover_path(product, image.name), image)
    try:
        with transaction.atomic():
            product = Product.objects.select_for_update().get(pk=product.pk)
            old = product.cover.name
            product.cover = path
            product.save(update_fields=["cover", "updated_at"])
            if old:
                transaction.on_commit(lambda: storage.delete(old), robust=True)
    except BaseException:
        storage.delete(path)
        raise
    return product


@transaction.atomic
def product_set_categories(*, product: Product, categories: Iterable) -> Product:
    product.categories.set(categories)
    Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
    return product


@transaction.atomic
def product_set_status(*, product: Product, status: str) -> Product:
    """Move a product to `status` through the rule for it (publishing is validated)."""
    moves = {
        Product.Status.PUBLISHED: product_publish,
        Product.Status.DRAFT: product_unpublish,
        Product.Status.ARCHIVED: product_archive,
    }
    return moves[Product.Status(status)](product=product)


def _publish_problems(product: Product) -> list[str]:
    problems = []
    if not product.versions.filter(files__isnull=False).exists():
        problems.append("Add a version with at least one file before publishing.")
    if not product.title.strip():
        problems.append("Give the product a title.")
    if 0 < product.price < MIN_PAID_PRICE:
        problems.append(
            f"A paid product needs a price of at least {MIN_PAID_PRICE / 100:.2f}; 0 makes it free."
        )
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
    _forget_short_links_on_commit(product)
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
        _forget_short_links_on_commit(product)
    return product


@transaction.atomic
def product_set_featured(*, products: Iterable[Product], featured: bool) -> int:
    count = Product.objects.filter(pk__in=[p.pk for p in products]).update(
        featured=featured, updated_at=timezone.now()
    )
    catalog_changed()  # a bulk update sends no signals
    return count


@transaction.atomic
def short_link_create(*, product: Product, label: str = "") -> ShortLink:
    for _ in range(5):
        try:
            with transaction.atomic():
                link = ShortLink.objects.create(product=product, label=label.strip())
            _forget_short_links_on_commit(product)
            return link
        except IntegrityError:
            continue  # a code collision among 31^8 codes: draw again
    raise IntegrityError("No free short code")


@transaction.atomic
def short_link_set_active(*, link: ShortLink, active: bool) -> ShortLink:
    link.is_active = active
    link.save(update_fields=["is_active"])
    _forget_short_links_on_commit(link.product)
    return link


def _short_link_key(code: str) -> str:
    return f"shortlink:{code}"


def _visits_key(code: str) -> str:
    return f"shortlink-visits:{code}"


def _forget_short_links_on_commit(product: Product) -> None:
    codes = list(product.short_links.values_list("code", flat=True))
    keys = [_short_link_key(code) for code in codes]
    transaction.on_commit(lambda: cache.delete_many(keys))


def short_link_visit(*, code: str) -> str | None:
    """The product URL behind an active link to a published product, counting the visit;
    None for an unknown or disabled code.

    On Redis, the lookup and the count are one round trip: the counter is keyed by the code
    and incremented blindly, then dropped again when the code turns out to lead nowhere.
    `short_link_flush_visits` moves counts into the database. The target is cached, and every
    change to the link or its product clears it; with the cache down, both go to the database.
    """
    cached, counted = cache_get_and_incr(_short_link_key(code), _visits_key(code))
    if cached is None:
        row = (
            ShortLink.objects.filter(
                code=code, is_active=True, product__status=Product.Status.PUBLISHED
            )
            .values_list("pk", "product__slug")
            .first()
        )
        cached = (row[0], reverse("shop:product", args=[row[1]])) if row else _MISSING
        cache.set(_short_link_key(code), cached, SHORT_LINK_TTL if row else SHORT_LINK_MISSING_TTL)
    if cached == _MISSING:
        if counted:
            cache.delete_many([_visits_key(code)])
        return None
    link_id, url = cached
    if not counted:
        ShortLink.objects.filter(pk=link_id).update(visits=F("visits") + 1)
    return url


def short_link_pending_visits(*, links: list[ShortLink]) -> dict[int, int]:
    """Visits counted in the cache and not yet in the database, per link id."""
    pending = cache.get_many([_visits_key(link.code) for link in links])
    return {link.pk: pending.get(_visits_key(link.code), 0) for link in links}


def short_link_flush_visits(*, batch: int = 500) -> int:
    """Move counted visits from the cache into the database; returns how many moved."""
    moved = 0
    links = list(ShortLink.objects.only("pk", "code").order_by("pk"))
    for start in range(0, len(links), batch):
        chunk = links[start : start + batch]
        pending = short_link_pending_visits(links=chunk)
        for link in chunk:
            if count := pending[link.pk]:
                ShortLink.objects.filter(pk=link.pk).update(visits=F("visits") + count)
                # Take away only what was moved: visits counted meanwhile stay pending.
                cache_decr(_visits_key(link.code), count)
                moved += count
    return moved
