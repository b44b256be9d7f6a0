"""The seller's support offer, edited in place on the product's studio page."""

import pytest

from support.models import SupportOffer
from tests.conftest import make_product, make_seller

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def product(seller):
    return make_product(seller, title="Budget Kit", price=1200)


def url(product) -> str:
    return f"/studio/inbox/offer/{product.pk}/"


def test_the_product_page_in_the_studio_shows_the_offer_form(client, seller, product):
    client.force_login(seller)

    page = client.get(f"/studio/products/{product.pk}/").content.decode()

    assert "No support is offered with this product." in page
    assert url(product) in page


def test_the_seller_sets_the_offer_in_place(client, seller, product):
    client.force_login(seller)

    response = client.post(url(product), {"included_days": "30", "price": "9.50"}, headers=HTMX)

    assert response.status_code == 200
    assert b"Included for 30 days after purchase." in response.content
    assert b"$9.50 a request" in response.content
    assert b"<html" not in response.content
    offer = SupportOffer.objects.get()
    assert (offer.included_days, offer.price) == (30, 950)


def test_without_javascript_saving_returns_to_the_product(client, seller, product):
    client.force_login(seller)

    response = client.post(url(product), {"included_days": "7", "price": "0"})

    assert response["Location"] == f"/studio/products/{product.pk}/"


@pytest.mark.parametrize(
    "data", [{"included_days": "-1", "price": "0"}, {"included_days": "0", "price": "0.10"}]
)
def test_a_bad_offer_is_refused_with_a_reason_and_nothing_saved(client, seller, product, data):
    client.force_login(seller)

    in_place = client.post(url(product), data, headers=HTMX)
    plain = client.post(url(product), data)

    assert in_place.status_code == 200
    assert b"errorlist" in in_place.content
    assert plain.status_code == 400
    assert not SupportOffer.objects.exists()


def test_another_seller_gets_404_and_a_buyer_is_refused(client, buyer, product):
    client.force_login(make_seller("other@example.com"))
    assert client.post(url(product), {"included_days": "3", "price": "0"}).status_code == 404

    client.force_login(buyer)
    assert client.post(url(product), {"included_days": "3", "price": "0"}).status_code == 403
    assert not SupportOffer.objects.exists()


def test_anonymous_is_sent_to_sign_in_and_get_is_refused(client, seller, product):
    assert client.post(url(product), {})["Location"].startswith("/accounts/login/")

    client.force_login(seller)
    assert client.get(url(product)).status_code == 405
