"""Authentication backends that read the signed-in user from the cache.

Every signed-in request loads its user (Django's `get_user`): one query, a large share of a
cached page's time. Here the user row is cached for a minute under a generation
(ops.pagecache) that every save or delete of the row bumps (a password change, a deactivation,
a role), at once and again on commit: a copy read from the old row, even one stored after the
change, is never served. What is still checked on every request, from the cached row: that
the user may sign in (`is_active`) and that the session was made with their current password
(Django's session hash). A row changed behind the ORM's back (`QuerySet.update`) is seen
within USER_TTL. With the cache down, users are read from the database as usual.

One backend checks passwords: CachedAllauthBackend, for allauth's login form and the admin's
alike. A check is one hash on purpose slow (PBKDF2), and Django asks every listed backend in
turn until one says yes: the others are listed only so that the sessions they signed in stay
valid (Django reads a session's user with the backend named in it, if still listed), and a
failed sign-in stops at the first."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from ops.pagecache import PageScope, generation_key, generations_in

USER_TTL = 60


def _key(user_id) -> str:
    return f"auth:user:{user_id}"


# Not a page, but forgotten the same way: a copy is used only under its current generation.
CACHED_USER = PageScope("auth-user")


def user_cache_keys(user_id) -> list[str]:
    """What `get_user` reads from the cache: the copy and its scope's generation."""
    return [_key(user_id), generation_key(CACHED_USER.of(user_id))]


class CachedUserMixin:
    def get_user(self, user_id):
        # The copy and the current generation, in one round trip.
        found = cache.get_many(user_cache_keys(user_id))
        (generation,) = generations_in([CACHED_USER.of(user_id)], found)
        cached = found.get(_key(user_id))
        if cached is not None and generation is not None and cached[0] == generation:
            user = cached[1]
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None and generation is not None:
            cache.set(_key(user_id), (generation, user), USER_TTL)
        return user


class CachedAllauthBackend(CachedUserMixin, AuthenticationBackend):
    def authenticate(self, request, **credentials):
        # allauth's hashes the password once whether or not the address is known.
        user = super().authenticate(request, **credentials)
        if user is None and credentials.get("password"):
            # Django's documented way to stop asking the backends listed after this one,
            # each of which would hash the password again.
            raise PermissionDenied
        return user


class CachedModelBackend(CachedUserMixin, ModelBackend):
    """Reads the users of the sessions it signed in; checks no passwords any more."""

    def authenticate(self, request, **credentials):
        return None


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_cached_user(sender, instance: User, **kwargs) -> None:
    # Mirrors the row into the cache (DESIGN 6).
    CACHED_USER.changed(instance.pk)
