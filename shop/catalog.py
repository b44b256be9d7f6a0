"""The catalog's one read: published products filtered, searched, sorted and paged."""

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, QuerySet

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
# million products as at ten thousand. Pages need no count and go on past it.
COUNT_LIMIT = 1_000
# A search that matches nothing as typed is tried again on titles and category names that
# come this close to it (pg_trgm word similarity, 0 to 1): 0.4 takes "tempaltes" for
# "Templates" and "budegt" for "Budget" (0.43 each), where pg_trgm's default, 0.6, takes neither.
CLOSE_MATCH = 0.4

_NEWEST = (("published_at", True), ("pk", True))
# Each sort's key, (field, descending), most significant first. The primary key last makes
# every product's place unique, so that pages neither repeat nor skip products that tie.
SORT_KEYS = {
    "newest": _NEWEST,
    "price": (("price", False), *_NEWEST),
    "-price": (("price", True), *_NEWEST),
    "relevance": (("rank", True), *_NEWEST),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BIGINT = 2**63


def catalog_changed() -> None:
    """What buyers see has changed: cached catalog pages are forgotten."""
    PAGES.changed()


def _matching(
    *,
    q: str = "",
    close: bool = False,
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
        found = products.close_to(q) if close else products.matching(q)
        products = found.order_by("-published_at", "-pk")[:SEARCH_CANDIDATES]
    return products


def catalog_count(**filters) -> int:
    """How many products the filters match, counted up to COUNT_LIMIT (a search's candidates
    are fewer): the candidates alone, without the ranking the page needs."""
    products = _matching(**filters)
    if not products.query.is_sliced:  # a search's candidates are already limited
        products = products.order_by()[:COUNT_LIMIT]
    return products.count()


def _sort_key(q: str, sort: str) -> tuple:
    if not q.strip():
        sort = "newest" if sort in ("", "relevance") else sort
    return SORT_KEYS[sort or "relevance"]


def catalog_products(
    *, q: str = "", sort: str = "", close: bool = False, **filters
) -> QuerySet[Product]:
    products = _matching(q=q, close=close, **filters)
    if q.strip():
        products = Product.objects.filter(pk__in=products.values("pk"))
    ordering = [f"-{name}" if descending else name for name, descending in _sort_key(q, sort)]
    products = products.ranked(q, close=close)
    return products.select_related("seller").defer(*CARD_DEFERRED).order_by(*ordering)


def _count_key(filters: dict) -> str | None:
    generation = page_generation(PAGES.of())
    if generation is None:
        return None
    described = repr(sorted((k, repr(v)) for k, v in filters.items()))
    return f"catalog-count:{generation}:{hashlib.sha256(described.encode()).hexdigest()[:32]}"


def _counted(filters: dict) -> int:
    """catalog_count, cached per filter: a count walks every matching row where a page reads
    twenty-four, and every page and sort order of one filter shares it."""
    key = _count_key(filters)
    count = cache.get(key) if key else None
    if count is None:
        count = catalog_count(**filters)
        if key:
            cache.set(key, count, COUNT_TTL)
    return count


@dataclass(frozen=True)
class CatalogPage:
    products: list[Product]
    # How many match, counted up to COUNT_LIMIT (for a search, SEARCH_CANDIDATES).
    count: int
    capped: bool
    # The search matched nothing as typed; these products come close to it.
    close: bool = False
    # Where the next and previous pages start (the `after` and `before` parameters); empty
    # where there is none.
    next_cursor: str = ""
    previous_cursor: str = ""


def catalog_page(*, filters: dict, after: str = "", before: str = "") -> CatalogPage:
    """The page of the catalog after the `after` cursor (or before `before`), or its first.

    Pages are read by keyset, from a product's place in the sort order (its sort key and
    primary key, carried by the cursor), never by offset: the thousandth page costs what the
    first does and needs no count, and a product added meanwhile moves no other from its page.
    """
    # One count for every page and sort order of a filter, however its query was written.
    counted = {
        name: value
        for name, value in filters.items()
        if name != "sort" and value not in ("", [], None)
    }
    count = _counted(counted)
    if count or not filters.get("q") or connection.vendor != "postgresql":
        return _page(filters, count, after=after, before=before)
    # Nothing matches the words as typed: perhaps one is misspelt. The trigram indexes answer
    # at the threshold of the transaction's pg_trgm setting, so the search gets its own.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(CLOSE_MATCH)],
            )
        count = _counted({**counted, "close": True})
        return _page({**filters, "close": True}, count, after=after, before=before)


def _page(filters: dict, count: int, *, after: str, before: str) -> CatalogPage:
    q = filters.get("q", "")
    key = _sort_key(q, filters.get("sort", ""))
    products = catalog_products(**filters)
    backwards, position = False, _position(after, key)
    if position is None:
        position = _position(before, key)
        backwards = position is not None
    if position is not None:
        products = products.filter(_beyond(key, position, forward=not backwards))
    if backwards:
        products = products.reverse()
    rows = list(products[: PAGE_SIZE + 1])
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    if position is not None and (not rows or (backwards and len(rows) < PAGE_SIZE)):
        # Past the end, or back at the start of a catalog that has changed meanwhile.
        return _page(filters, count, after="", before="")
    if backwards:
        rows.reverse()
    has_previous, has_next = (more, True) if backwards else (position is not None, more)
    return CatalogPage(
        products=rows,
        count=count,
        capped=count >= (SEARCH_CANDIDATES if q else COUNT_LIMIT),
        close=filters.get("close", False),
        next_cursor=_cursor(rows[-1], key) if has_next else "",
        previous_cursor=_cursor(rows[0], key) if has_previous else "",
    )


def _beyond(key: tuple, values: list, *, forward: bool) -> Q:
    """Products after `values` in the order of `key` (before them, going backwards): the
    key compared as a tuple, most significant field first, each in its own direction."""

    def past(name: str, descending: bool, value, *, or_equal: bool = False) -> Q:
        lookup = "lt" if descending == forward else "gt"
        return Q(**{f"{name}__{lookup}{'e' if or_equal else ''}": value})

    branches, same = [], Q()
    for (name, descending), value in zip(key, values, strict=True):
        branches.append(same & past(name, descending, value))
        same &= Q(**{name: value})
    # The first field alone as well: a range an index on it can read.
    (name, descending), value = key[0], values[0]
    return past(name, descending, value, or_equal=True) & reduce(or_, branches)


def _cursor(product: Product, key: tuple) -> str:
    """The product's place in the order of `key`: its values, joined by "_" (a time in
    microseconds since 1970, a rank as Python writes it, which reads back exactly)."""
    values = []
    for name, _ in key:
        value = getattr(product, name)
        if isinstance(value, datetime):
            value = (value - _EPOCH) // timedelta(microseconds=1)
        values.append(repr(value))
    return "_".join(values)


def _position(cursor: str, key: tuple) -> list | None:
    """The values a cursor carries for `key`; None where it carries none (bad input is
    ignored, as every other parameter of the catalog is)."""
    parts = cursor.split("_") if cursor else []
    if len(parts) != len(key):
        return None
    try:
        return [_cursor_value(name, part) for (name, _), part in zip(key, parts, strict=True)]
    except (ValueError, OverflowError):
        return None


def _cursor_value(name: str, text: str):
    if name == "rank":
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value
    value = int(text)
    if not -_BIGINT < value < _BIGINT:
        raise ValueError(text)
    if name == "published_at":
        return _EPOCH + timedelta(microseconds=value)
    return value
