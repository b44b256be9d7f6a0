"""The library's pages, cached per buyer (ops.pagecache).

What a buyer's library shows changes when a grant is given, revoked or restored, when they
download (the "Update available" mark), when their own account changes (the navigation), and
when anything in the catalog changes (titles, versions, files). The first two bump the
buyer's library scope, the account its own (accounts.pages), the catalog the catalog's
(shop.catalog.PAGES).
"""

from django.http import HttpRequest

from accounts.pages import account_scope
from ops.pagecache import bump_generation
from shop.catalog import PAGES

LIBRARY_TTL = 600


def _scope(user_id: int) -> str:
    return f"library-{user_id}"


def library_scopes(request: HttpRequest) -> list[str]:
    return [_scope(request.user.pk), account_scope(request.user.pk), PAGES]


def library_changed(*, user_id: int) -> None:
    bump_generation(_scope(user_id))
