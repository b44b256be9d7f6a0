"""The catalog's one read: published products filtered, searched and sorted."""

from django.db.models import QuerySet

from ops.pagecache import bump_generation
from shop.models import Product

PAGE_SIZE = 24
# The scope of the anonymous page cache that home, catalog and product pages share.
PAGES = "catalog"
PAGES_TTL = 600


def catalog_changed() -> None:
    """What buyers see has changed: cached catalog pages are forgotten."""
    bump_generation(PAGES)


def catalog_products(
    *,
    q: str = "",
    categories: list | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    sort: str = "",
) -> QuerySet[Product]:
    products = Product.objects.published().search(q)
    if categories:
        products = products.filter(categories__in=categories).distinct()
    if min_price is not None:
        products = products.filter(price__gte=min_price)
    if max_price is not None:
        products = products.filter(price__lte=max_price)
    sort = sort or ("relevance" if q else "newest")
    ordering = {
        "relevance": ["-rank", "-published_at", "-pk"] if q else ["-published_at", "-pk"],
        "newest": ["-published_at", "-pk"],
        "price": ["price", "-published_at", "-pk"],
        "-price": ["-price", "-published_at", "-pk"],
    }[sort]
    return products.select_related("seller").order_by(*ordering)
