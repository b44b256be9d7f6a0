"""The library's pages, cached per buyer (ops.pagecache).

What a buyer's library shows changes when a grant is given, revoked or restored, when they
download (the "Update available" mark), when their own account changes (the navigation), and
when anything in the catalog changes (titles, versions, files). The first two bump the
buyer's library scope, the account its own (accounts.pages), the catalog the catalog's
(shop.catalog.PAGES).
"""

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
