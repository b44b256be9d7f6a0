"""A dead download link (a file replaced, deleted, or someone else's) answers a friendly 404
page with the way back to the shop and the library, with DEBUG off and on alike: `make run`
runs with DEBUG on, where Django would otherwise show its technical 404 page."""

import pytest
from django.test import override_settings

from shop.models import ProductFile
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db


def assert_friendly(response) -> None:
    html = response.content.decode()
    assert response.status_code == 404
    assert "This download isn\u2019t available" in html
    assert '<a class="btn btn--primary" href="/">Back to the shop</a>' in html
    assert '<a class="btn btn--secondary" href="/library/">Your library</a>' in html
    assert '<link rel="icon" href="/static/img/favicon.svg"' in html


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_file_that_does_not_exist(client, buyer, debug):
    client.force_login(buyer)

    with override_settings(DEBUG=debug):
        response = client.get("/download/999999/")

    assert_friendly(response)
    assert b"technical_404" not in response.content
    assert b"Using the URLconf" not in response.content


def test_someone_elses_file(client, buyer, seller, stranger):
    owned_product(buyer, seller)
    client.force_login(stranger)

    response = client.get(f"/download/{ProductFile.objects.get().pk}/")

    assert_friendly(response)


def test_anonymous_visitors_sign_in_first(client):
    response = client.get("/download/999999/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/download/999999/"


def test_any_unknown_page_links_a_customer_to_the_library(client, buyer):
    client.force_login(buyer)

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b'href="/library/">Your library</a>' in response.content


def test_an_unknown_page_offers_an_anonymous_visitor_the_shop_only(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"Back to the shop" in response.content
    assert b"Your library" not in response.content


def test_a_dead_link_is_friendly_with_the_cache_down(client, buyer, cache_down):
    client.force_login(buyer)

    assert_friendly(client.get("/download/999999/"))
