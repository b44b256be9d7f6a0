"""The library's rendered entries, cached per buyer.

A buyer's entries change when a grant is given, revoked or restored, when they download (the
"Update available" mark), and when anything in the catalog changes (titles, versions, files):
the first three bump the buyer's own generation, the last the catalog's (shop.catalog.PAGES).
"""

import hashlib

from django.http import HttpRequest

from ops.pagecache import bump_generation, page_generations
from shop.catalog import PAGES

LIBRARY_TTL = 600


def _scope(user_id: int) -> str:
    return f"library-{user_id}"


def library_changed(*, user_id: int) -> None:
    bump_generation(_scope(user_id))


def entries_key(request: HttpRequest) -> str | None:
    """The cache key of this buyer's entries for this query string; None without a cache."""
    generations = page_generations([_scope(request.user.pk), PAGES])
    if None in generations:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"library:{request.user.pk}:{':'.join(generations)}:{path}"
