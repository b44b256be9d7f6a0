"""The signed-in user, read from the cache: fewer queries, never a stale identity."""

import pytest
from django.core.cache import cache

from accounts.backends import CachedModelBackend
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
PAGE = "/library/account/"


def test_the_second_request_reads_the_user_from_the_cache(client, buyer, django_assert_num_queries):
    client.force_login(buyer)
    client.get(PAGE)

    with django_assert_num_queries(0):
        assert CachedModelBackend().get_user(buyer.pk) == buyer


def test_a_deactivated_user_is_signed_out_at_once(client, buyer):
    client.force_login(buyer)
    assert client.get(PAGE).status_code == 200

    buyer.is_active = False
    buyer.save()

    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_a_password_change_elsewhere_signs_other_sessions_out(client, buyer):
    client.force_login(buyer)
    assert client.get(PAGE).status_code == 200

    buyer.set_password("an entirely new passphrase")
    buyer.save()

    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_a_deleted_user_is_forgotten(client, stranger):
    client.force_login(stranger)
    client.get(PAGE)

    stranger.delete()

    assert CachedModelBackend().get_user(stranger.pk) is None


def test_a_cached_user_that_may_no_longer_sign_in_is_refused(buyer):
    CachedModelBackend().get_user(buyer.pk)
    generation, _ = cache.get(f"auth:user:{buyer.pk}")
    buyer.is_active = False
    cache.set(f"auth:user:{buyer.pk}", (generation, buyer))  # deactivated behind the ORM's back

    assert CachedModelBackend().get_user(buyer.pk) is None


def test_a_copy_read_before_a_change_and_stored_after_it_is_never_served(buyer):
    backend = CachedModelBackend()
    backend.get_user(buyer.pk)
    stale = cache.get(f"auth:user:{buyer.pk}")  # what a slow request read before the change

    buyer.is_active = False
    buyer.save()
    cache.set(f"auth:user:{buyer.pk}", stale)  # ...and stored after it

    assert backend.get_user(buyer.pk) is None


def test_with_the_cache_down_users_come_from_the_database(client, buyer, cache_down):
    client.force_login(buyer)

    assert client.get(PAGE).status_code == 200


def test_signing_in_with_a_password_still_works(client, buyer):
    response = client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(PAGE).status_code == 200


def _sign_in(client, form: str, email: str, password: str):
    if form == "allauth":
        return client.post("/accounts/login/", {"login": email, "password": password})
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password})


@pytest.mark.parametrize("form", ["allauth", "admin"])
@pytest.mark.parametrize(
    ("email", "password"),
    [("staff@example.com", "a-wrong-password"), ("nobody@example.com", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_a_failed_sign_in_hashes_the_password_once(
    client, staff, password_hashes, form, email, password
):
    response = _sign_in(client, form, email, password)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert len(password_hashes) == 1


@pytest.mark.parametrize(("form", "landing"), [("allauth", "/admin/"), ("admin", "/admin/")])
def test_both_sign_in_forms_still_sign_in(client, staff, password_hashes, form, landing):
    response = _sign_in(client, form, staff.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == landing
    assert len(password_hashes) == 1
    assert client.get("/admin/").status_code == 200
