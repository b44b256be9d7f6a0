"""The catalog's one read: published products filtered, searched and sorted."""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from ops.pagecache import PageScope, page_generation
from shop.models import Product

PAGE_SIZE = 24
# A search ranks at most this many matches, the newest: a word that half the catalog contains
# costs the same at a thousand products as at a million. Past it, buyers refine the search.
SEARCH_CANDIDATES = 1000
# Cards show neither; the search document alone is larger than the rest of the row.
CARD_DEFERRED = ("description", "search_document", "seller__password")
# The scope of the anonymous page cache that home, catalog and product pages share.
PAGES = PageScope("catalog")
PAGES_TTL = 600
COUNT_TTL = 600
# Counting stops here: past it the catalog says "over 1000" and a count costs the same at a
# million products as at ten thousand. Sorting and filters reach the rest.
COUNT_LIMIT = 1_000


def catalog_changed() -> None:
    """What buyers see has changed: cached catalog pages are forgotten."""
    PAGES.changed()


def _matching(
    *,
    q: str = "",
    categories: list | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    **ignored,
) -> QuerySet[Product]:
    """Published products passing the filters; for a search, only the candidates it ranks."""
    products = Product.objects.published()
    if categories:
        products = products.filter(categories__in=categories).distinct()
    if min_price is not None:
        products = products.filter(price__gte=min_price)
    if max_price is not None:
        products = products.filter(price__lte=max_price)
    if q.strip():
        products = products.matching(q).order_by("-published_at", "-pk")[:SEARCH_CANDIDATES]
    return products


def catalog_count(**filters) -> int:
    """How many products the filters match, counted up to COUNT_LIMIT (a search's candidates
    are fewer): the candidates alone, without the ranking the page needs."""
    products = _matching(**filters)
    if not products.query.is_sliced:  # a search's candidates are already limited
        products = products.order_by()[:COUNT_LIMIT]
    return products.count()


def catalog_products(*, q: str = "", sort: str = "", **filters) -> QuerySet[Product]:
    products = _matching(q=q, **filters)
    if q.strip():
        products = Product.objects.filter(pk__in=products.values("pk"))
    products = products.ranked(q)
    sort = sort or ("relevance" if q else "newest")
    ordering = {
        "relevance": ["-rank", "-published_at", "-pk"] if q else ["-published_at", "-pk"],
        "newest": ["-published_at", "-pk"],
        "price": ["price", "-published_at", "-pk"],
        "-price": ["-price", "-published_at", "-pk"],
    }[sort]
    return products.select_related("seller").defer(*CARD_DEFERRED).order_by(*ordering)


class CatalogPaginator(Paginator):
    """Pages of the catalog, counted once per filter: a count walks every matching row where a
    page reads twenty-four, and every page number and sort order of one filter shares it."""

    def __init__(self, object_list, *, filters: dict):
        super().__init__(object_list, PAGE_SIZE)
        self.filters = {k: v for k, v in filters.items() if k != "sort"}

    def _count_key(self) -> str | None:
        generation = page_generation(PAGES.of())
        if generation is None:
            return None
        described = repr(sorted((k, repr(v)) for k, v in self.filters.items()))
        return f"catalog-count:{generation}:{hashlib.sha256(described.encode()).hexdigest()[:32]}"

    @property
    def capped(self) -> bool:
        """More matches than were counted (or, for a search, ranked)."""
        return self.count >= (SEARCH_CANDIDATES if self.filters.get("q") else COUNT_LIMIT)

    @cached_property
    def count(self) -> int:
        key = self._count_key()
        count = cache.get(key) if key else None
        if count is None:
            count = catalog_count(**self.filters)
            if key:
                cache.set(key, count, COUNT_TTL)
        return count
