"""What every cached panel page shows of its user's own account (their name and roles, in the
navigation), as a page-cache scope (ops.pagecache): a panel page that is cached per user lists
`ACCOUNT.of(user.pk)` among its scopes, and it is forgotten when the account changes."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from ops.pagecache import PageScope

ACCOUNT = PageScope("account")


@receiver(post_save, sender=User)
def forget_account_pages(sender, instance: User, update_fields=None, **kwargs) -> None:
    # Mirrors the account into cached pages (DESIGN 6); a login, which only stamps
    # last_login, changes nothing shown.
    if set(update_fields or ()) != {"last_login"}:
        ACCOUNT.changed(instance.pk)
