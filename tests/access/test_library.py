import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import PurchasedProduct
from access.services import access_grant, access_revoke
from shop.services import product_archive, product_publish
from tests.access.helpers import owned_product
from tests.conftest import add_version, make_product, make_seller, warm_maintenance_state

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def titles(response) -> list[str]:
    return [entry["product"].title for entry in response.context["entries"]]


def test_anonymous_is_sent_to_login(client):
    response = client.get("/library/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/library/")


def test_a_user_without_the_customer_role_is_refused(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("staffonly@example.com", is_customer=False, is_staff=True))

    assert client.get("/library/").status_code == 403


def test_the_library_refuses_post(client, buyer):
    client.force_login(buyer)

    assert client.post("/library/").status_code == 405


def test_the_library_lists_what_the_buyer_owns_with_downloads(client, buyer, seller, stranger):
    product = owned_product(buyer, seller, files={"kit.zip": b"PK\x03\x04 zip"})
    owned_product(stranger, seller, title="Someone Else's")
    client.force_login(buyer)

    response = client.get("/library/")

    assert titles(response) == ["Budget Kit"]
    file = product.versions.get().files.get()
    assert f'href="/download/{file.pk}/"'.encode() in response.content


def test_revoked_products_disappear_and_archived_ones_stay(client, buyer, seller):
    kept = owned_product(buyer, seller, title="Archived Kit")
    product_archive(product=kept)
    gone = owned_product(buyer, seller, title="Refunded Kit")
    access_revoke(user=buyer, product=gone, reason="refund", via="test")
    client.force_login(buyer)

    response = client.get("/library/")

    assert titles(response) == ["Archived Kit"]
    assert b"No longer sold" in response.content


def test_a_new_version_after_the_last_download_shows_update_available(client, buyer, seller):
    product = owned_product(buyer, seller)
    PurchasedProduct.objects.filter(user=buyer).update(last_downloaded_at=timezone.now())
    client.force_login(buyer)
    assert b"Update available" not in client.get("/library/").content

    add_version(product, label="2.0.0")

    response = client.get("/library/")
    assert b"Update available" in response.content
    assert b"version 2.0.0" in response.content
    assert titles(client.get("/library/?updates=1")) == ["Budget Kit"]


def test_never_downloaded_is_not_an_update(client, buyer, seller):
    product = owned_product(buyer, seller)
    add_version(product, label="2.0.0")
    client.force_login(buyer)

    assert b"Update available" not in client.get("/library/").content
    assert titles(client.get("/library/?updates=1")) == []


def test_search_within_the_library(client, buyer, seller):
    owned_product(buyer, seller, title="Budget Kit")
    owned_product(buyer, seller, title="Outline Icons")
    client.force_login(buyer)

    assert titles(client.get("/library/?q=icons")) == ["Outline Icons"]
    assert b"Nothing matches" in client.get("/library/?q=nothing-like-it").content


def test_htmx_gets_only_the_entries_and_history_restore_the_page(client, buyer, seller):
    owned_product(buyer, seller)
    client.force_login(buyer)

    partial = client.get("/library/?q=budget", headers=HTMX)
    restore = client.get(
        "/library/?q=budget", headers=HTMX | {"HX-History-Restore-Request": "true"}
    )

    assert b'id="entries"' in partial.content
    assert b"<html" not in partial.content
    assert b"<html" in restore.content
    assert "HX-Request" in partial["Vary"]


def test_the_library_paginates(client, buyer, seller):
    for n in range(21):
        owned_product(buyer, seller, title=f"Kit {n}")
    client.force_login(buyer)

    assert len(titles(client.get("/library/"))) == 20
    assert titles(client.get("/library/?page=2")) == ["Kit 0"]


def _library_queries(client) -> int:
    # Setting up 200 products may outlast the switch's cached copy (MAINTENANCE_CACHE_SECONDS).
    warm_maintenance_state()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/library/").status_code == 200
    return len(queries)


def test_the_query_count_is_the_same_for_1_and_200_products(client, buyer, settings):
    seller = make_seller("maker@example.com")
    owned_product(buyer, seller, title="Kit 0")
    client.force_login(buyer)
    client.get("/library/orders/")  # the signed-in user, cached from here on
    one = _library_queries(client)

    for n in range(1, 200):
        owned_product(
            buyer, seller, title=f"Kit {n}", files={"a.pdf": b"%PDF-1.4 a", "b.pdf": b"%PDF-1.4 b"}
        )

    assert _library_queries(client) == one


def test_every_version_is_a_click_away(client, buyer, seller):
    product = owned_product(buyer, seller)
    add_version(product, label="2.0.0")
    client.force_login(buyer)

    page = client.get(f"/library/p/{product.slug}/").content.decode()

    assert "Version 2.0.0" in page
    assert "Version 1.0.0" in page


def test_a_stranger_or_a_revoked_owner_cannot_open_the_versions(client, buyer, seller, stranger):
    product = owned_product(buyer, seller)
    client.force_login(stranger)
    assert client.get(f"/library/p/{product.slug}/").status_code == 404

    access_revoke(user=buyer, product=product, reason="refund", via="test")
    client.force_login(buyer)
    assert client.get(f"/library/p/{product.slug}/").status_code == 404


def test_a_repeat_visit_reads_nothing_from_the_database(
    client, buyer, seller, django_assert_num_queries
):
    owned_product(buyer, seller)
    client.force_login(buyer)
    client.get("/library/")

    with django_assert_num_queries(0):  # the user, the session and the entries are cached
        response = client.get("/library/")

    assert b"Budget Kit" in response.content


def test_a_grant_and_a_restore_show_in_a_cached_library_at_once(client, buyer, seller):
    product = make_product(seller, title="Outline Icons")
    add_version(product)
    product_publish(product=product)  # before the page is cached: the catalog's bump is spent
    client.force_login(buyer)
    assert b"Outline Icons" not in client.get("/library/").content

    access_grant(user=buyer, product=product, source="purchase", via="test")
    assert b"Outline Icons" in client.get("/library/").content

    access_revoke(user=buyer, product=product, reason="refund", via="test")
    assert b"Outline Icons" not in client.get("/library/").content
    access_grant(user=buyer, product=product, source="staff", via="test")
    assert b"Outline Icons" in client.get("/library/").content


def test_a_revoked_product_leaves_a_cached_library_at_once(client, buyer, seller):
    product = owned_product(buyer, seller)
    client.force_login(buyer)
    client.get("/library/")

    access_revoke(user=buyer, product=product, reason="refund", via="test")

    assert b"Budget Kit" not in client.get("/library/").content


def test_a_download_clears_the_update_mark_of_a_cached_library(
    client, buyer, seller, django_capture_on_commit_callbacks
):
    product = owned_product(buyer, seller)
    PurchasedProduct.objects.filter(user=buyer).update(last_downloaded_at=timezone.now())
    add_version(product, label="2.0.0")
    client.force_login(buyer)
    assert b"Update available" in client.get("/library/").content

    latest = product.versions.first().files.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/download/{latest.pk}/")

    assert b"Update available" not in client.get("/library/").content


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', page)[1]


def test_a_cached_library_page_carries_a_working_csrf_token_and_nonce(buyer, seller):
    owned_product(buyer, seller)
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    first = client.get("/library/")

    cached = client.get("/library/")

    page = cached.content.decode()
    assert _token(page) != _token(first.content.decode())
    nonce = re.search(r"'nonce-([^']+)'", cached["Content-Security-Policy"])[1]
    assert f'nonce="{nonce}"' in page
    assert (
        client.post("/accounts/logout/", {"csrfmiddlewaretoken": _token(page)}).status_code == 302
    )


def test_one_buyers_cached_library_is_never_anothers(client, buyer, seller, stranger):
    owned_product(buyer, seller, title="Bea's Kit")
    owned_product(stranger, seller, title="Stranger's Kit")
    client.force_login(buyer)
    client.get("/library/")
    client.force_login(stranger)

    page = client.get("/library/").content.decode()

    assert "Stranger" in page
    assert "Bea" not in page


def test_a_renamed_buyer_sees_the_new_name_at_once(client, buyer, seller):
    owned_product(buyer, seller)
    client.force_login(buyer)
    client.get("/library/")

    buyer.name = "Beatrice Buyer"
    buyer.save()

    assert "Beatrice" in client.get("/library/").content.decode()
