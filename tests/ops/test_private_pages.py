"""A signed-in visitor's pages and files carry `Cache-Control: private, no-store`."""

import pytest

from shop.models import ProductFile
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "url", ["/", "/products/", "/library/", "/library/account/", "/library/account/password/"]
)
def test_signed_in_pages_are_private_and_not_stored(client, buyer, url):
    client.force_login(buyer)

    response = client.get(url)

    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_an_htmx_fragment_is_private_too(client, buyer):
    client.force_login(buyer)

    response = client.get("/library/", headers={"HX-Request": "true"})

    assert {"private", "no-store"} <= _directives(response)


def test_a_cached_signed_in_page_is_private_the_second_time_too(client, buyer):
    client.force_login(buyer)
    client.get("/library/")

    assert {"private", "no-store"} <= _directives(client.get("/library/"))


def test_a_download_is_private_and_not_stored(client, buyer, seller):
    product = owned_product(buyer, seller)
    file = ProductFile.objects.get(version__product=product)
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_the_studio_and_the_admin_are_private(client, seller, staff):
    client.force_login(seller)
    assert {"private", "no-store"} <= _directives(client.get("/studio/"))
    client.force_login(staff)
    assert {"private", "no-store"} <= _directives(client.get("/admin/"))


def test_anonymous_pages_stay_cacheable(client):
    response = client.get("/products/")

    assert "private" not in _directives(response)
    assert "no-store" not in _directives(response)
