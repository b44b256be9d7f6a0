"""The library's pages, cached per buyer (ops.pagecache).

What a buyer's library shows changes when a grant is given, revoked or restored, when they
download (the "Update available" mark), when their own account changes (the navigation), and
when anything in the catalog changes (titles, versions, files). The first three bump the
buyer's own scope; the last bumps the catalog's (shop.catalog.PAGES).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User
from ops.pagecache import bump_generation
from shop.catalog import PAGES

LIBRARY_TTL = 600


def _scope(user_id: int) -> str:
    return f"library-{user_id}"


def library_scopes(request: HttpRequest) -> list[str]:
    return [_scope(request.user.pk), PAGES]


def library_changed(*, user_id: int) -> None:
    bump_generation(_scope(user_id))


@receiver(post_save, sender=User)
def forget_library_pages(sender, instance: User, update_fields=None, **kwargs) -> None:
    # Mirrors the account into the cached pages (name and roles in the navigation); a login,
    # which only stamps last_login, changes nothing shown.
    if set(update_fields or ()) != {"last_login"}:
        library_changed(user_id=instance.pk)
