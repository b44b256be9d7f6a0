"""Authentication backends that read the signed-in user from the cache.

Every signed-in request loads its user (Django's `get_user`): one query, a large share of a
cached page's time. Here the user row is cached for a minute, and forgotten the moment the
row is saved or deleted (a password change, a deactivation, a role), in this process at once
and again on commit. What is still checked on every request, from the cached row: that the
user may sign in (`is_active`) and that the session was made with their current password
(Django's session hash). A row changed behind the ORM's back (`QuerySet.update`) is seen
within USER_TTL. With the cache down, users are read from the database as usual."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from ops.cache import cache_delete_many, cache_get, cache_set

USER_TTL = 60


def _key(user_id) -> str:
    return f"auth:user:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id):
        cached = cache_get(_key(user_id))
        if cached is not None:
            return cached if self.user_can_authenticate(cached) else None
        user = super().get_user(user_id)
        if user is not None:
            cache_set(_key(user_id), user, USER_TTL)
        return user


class CachedModelBackend(CachedUserMixin, ModelBackend):
    pass


class CachedAllauthBackend(CachedUserMixin, AuthenticationBackend):
    pass


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_cached_user(sender, instance: User, **kwargs) -> None:
    # Mirrors the row into the cache (DESIGN 6): forgotten now, and again once the change is
    # committed, so a request that read the old row in between does not keep it.
    keys = [_key(instance.pk)]
    cache_delete_many(keys)
    transaction.on_commit(lambda: cache_delete_many(keys))
