"""The library's pages, cached per buyer (ops.pagecache).

What a buyer's library shows changes when a grant is given, revoked or restored, when they
download (the "Update available" mark), when their own account changes (the navigation), and
when anything in the catalog changes (titles, versions, files). The first two bump the
buyer's library scope, the account its own (accounts.pages), the catalog the catalog's
(shop.catalog.PAGES).
"""

from collections.abc import Callable

from django.http import HttpRequest

from accounts.pages import ACCOUNT
from ops.pagecache import PageScope
from shop.catalog import PAGES

LIBRARY = PageScope("library")
LIBRARY_TTL = 600


def library_scopes(request: HttpRequest) -> list[str]:
    return [LIBRARY.of(request.user.pk), ACCOUNT.of(request.user.pk), PAGES.of()]


def library_changed(*, user_id: int) -> None:
    LIBRARY.changed(user_id)


# What higher apps add to the entries of a page of a buyer's library (support: "Get support"),
# as (label, URL) links per purchase id. Called once per page with all its purchases, so that a
# page costs each app one read, not one per entry. A higher app whose links change calls
# `library_changed` for that buyer.
EntryLinks = Callable[[HttpRequest, list], dict[int, list[tuple[str, str]]]]
_entry_links: list[EntryLinks] = []


def register_entry_links(links: EntryLinks) -> None:
    if links not in _entry_links:
        _entry_links.append(links)


def entry_links(request: HttpRequest, purchases: list) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for links in _entry_links:
        for purchase_id, pairs in links(request, purchases).items():
            found.setdefault(purchase_id, []).extend(pairs)
    return found
