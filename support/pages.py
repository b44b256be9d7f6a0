"""Support's pages, cached per user (ops.pagecache): a seller's inbox, and a buyer's support
list and threads. Every change to a request forgets both sides' (`support_changed`), and the
buyer's library too (its support links); the account and catalog scopes as elsewhere."""

from django.http import HttpRequest

from access.library import library_changed
from accounts.pages import ACCOUNT
from ops.pagecache import PageScope
from shop.catalog import PAGES

INBOX = PageScope("support-inbox")
BUYER = PageScope("support")
SUPPORT_TTL = 300


def inbox_scopes(request: HttpRequest) -> list[str]:
    return [INBOX.of(request.user.pk), ACCOUNT.of(request.user.pk), PAGES.of()]


def buyer_scopes(request: HttpRequest) -> list[str]:
    return [BUYER.of(request.user.pk), ACCOUNT.of(request.user.pk), PAGES.of()]


def support_changed(*, buyer_id: int, seller_id: int) -> None:
    INBOX.changed(seller_id)
    BUYER.changed(buyer_id)
    library_changed(user_id=buyer_id)
