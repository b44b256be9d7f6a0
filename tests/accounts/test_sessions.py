"""Sessions read with their user's cached copy in one round trip (accounts.sessions), and
never the wrong user or a stale copy."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches

from accounts import sessions
from accounts.backends import user_cache_keys
from tests.conftest import DeadCache

pytestmark = pytest.mark.django_db
PAGE = "/library/account/"


@pytest.fixture(autouse=True)
def _forget_sessions_seen():
    sessions._users_of_sessions.clear()
    yield
    sessions._users_of_sessions.clear()


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


def _session_cache_key(client) -> str:
    return KEY_PREFIX + client.cookies["sessionid"].value


def test_a_session_seen_before_is_read_with_its_user_in_one_round_trip(client, buyer, cache_reads):
    client.force_login(buyer)
    client.get(PAGE)
    cache_reads.clear()

    assert client.get(PAGE).status_code == 200

    session_reads = [keys for keys in cache_reads if _session_cache_key(client) in keys]
    assert session_reads == [[_session_cache_key(client), *user_cache_keys(buyer.pk)]]
    assert not [keys for keys in cache_reads if user_cache_keys(buyer.pk)[0] in keys[:1]]


def test_the_fetched_copy_is_used_only_for_the_user_the_session_names(
    client, buyer, stranger, cache_reads
):
    client.force_login(buyer)
    client.get(PAGE)
    client.force_login(stranger)  # a new session key: remembered for nobody yet
    sessions._users_of_sessions[hash(client.cookies["sessionid"].value)] = str(buyer.pk)

    response = client.get(PAGE)

    assert response.wsgi_request.user == stranger
    # The buyer's keys were fetched on the wrong guess; the stranger's were read on their own.
    assert user_cache_keys(stranger.pk) in cache_reads
    assert sessions._users_of_sessions[hash(client.cookies["sessionid"].value)] == str(stranger.pk)


def test_a_deactivated_user_fetched_with_the_session_is_signed_out_at_once(client, buyer):
    client.force_login(buyer)
    client.get(PAGE)
    client.get(PAGE)  # the copy is now read with the session

    buyer.is_active = False
    buyer.save()

    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_a_session_signed_out_elsewhere_is_anonymous(client, buyer):
    client.force_login(buyer)
    client.get(PAGE)
    key = client.cookies["sessionid"].value

    sessions.SessionStore(key).delete()

    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_session_keys_themselves_are_not_kept(client, buyer):
    client.force_login(buyer)
    client.get(PAGE)

    assert client.cookies["sessionid"].value not in sessions._users_of_sessions
    assert hash(client.cookies["sessionid"].value) in sessions._users_of_sessions


def test_with_the_cache_down_the_session_and_user_come_from_the_database(
    client, buyer, monkeypatch
):
    client.force_login(buyer)
    client.get(PAGE)
    monkeypatch.setattr(caches["default"], "get_many", DeadCache().get_many)
    monkeypatch.setattr("ops.cache.cache", DeadCache())

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response.wsgi_request.user == buyer
