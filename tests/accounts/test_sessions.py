"""Sessions in Django's cached_db engine, their user read from the cache (accounts.backends),
and sessions stored before the switch still valid."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import KEY_PREFIX, SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.backends import user_cache_keys

pytestmark = pytest.mark.django_db
PAGE = "/library/account/"


@pytest.fixture
def cache_reads():
    """The keys of every read from the default cache, one list per call (the local-memory
    cache's get_many calls its own get: those are not calls of their own)."""
    cache = caches["default"]
    reads = []
    inside = []

    def read(real, keys, *args, **kwargs):
        if not inside:
            reads.append(keys)
        inside.append(True)
        try:
            return real(*args, **kwargs)
        finally:
            inside.pop()

    def get_many(keys, *args, **kwargs):
        return read(real_get_many, list(keys), keys, *args, **kwargs)

    def get(key, *args, **kwargs):
        return read(real_get, [key], key, *args, **kwargs)

    real_get_many, real_get = cache.get_many, cache.get
    with (
        mock.patch.object(cache, "get_many", get_many),
        mock.patch.object(cache, "get", get),
    ):
        yield reads


def _store_session_as_before(user, backend_path: str) -> str:
    """A session written the way the engine before (accounts.sessions, a cached_db subclass
    with the same keys) and its backends wrote it: a row in django_session and a copy under
    cached_db's key prefix. Returns its key."""
    key = get_random_string(32)
    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: backend_path,
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    store = SessionStore()
    Session.objects.create(
        session_key=key,
        session_data=store.encode(data),
        expire_date=timezone.now() + timedelta(days=7),
    )
    caches["default"].set(KEY_PREFIX + key, data, 3600)
    return key


def test_a_signed_in_request_reads_its_user_from_the_cache_in_one_round_trip(
    client, buyer, cache_reads, django_assert_num_queries
):
    client.force_login(buyer)
    client.get(PAGE)
    cache_reads.clear()

    with django_assert_num_queries(0):
        response = client.get(PAGE)

    assert response.wsgi_request.user == buyer
    assert [keys for keys in cache_reads if user_cache_keys(buyer.pk)[0] in keys] == [
        user_cache_keys(buyer.pk)
    ]


@pytest.mark.parametrize(
    "backend_path",
    [
        "accounts.backends.CachedModelBackend",
        "accounts.backends.CachedAllauthBackend",
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
@pytest.mark.parametrize("cache_kept", [True, False], ids=["cached", "database-only"])
def test_a_session_stored_before_the_switch_still_signs_in(client, buyer, backend_path, cache_kept):
    key = _store_session_as_before(buyer, backend_path)
    if not cache_kept:
        caches["default"].clear()
    client.cookies["sessionid"] = key

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response.wsgi_request.user == buyer


def test_a_session_signed_out_elsewhere_is_anonymous(client, buyer):
    client.force_login(buyer)
    client.get(PAGE)

    SessionStore(client.cookies["sessionid"].value).delete()

    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_with_the_cache_down_the_session_and_user_come_from_the_database(client, buyer, request):
    client.force_login(buyer)
    client.get(PAGE)
    request.getfixturevalue("cache_down")

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response.wsgi_request.user == buyer
