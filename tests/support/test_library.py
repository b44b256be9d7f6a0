"""Support's links in the buyer's library (access.library's registration point)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import PurchasedProduct
from support.services import request_close, request_open_included, support_offer_set
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(buyer, seller):
    return owned_product(buyer, seller)


def test_an_owner_with_included_support_gets_a_link_and_then_one_to_their_request(
    client, buyer, product
):
    support_offer_set(product=product, included_days=30, price=0)
    client.force_login(buyer)
    assert f'href="/support/new/{product.slug}/">Get support' in client.get("/library/").text

    request = request_open_included(buyer=buyer, product=product, subject="Help", body="?")
    # The library is cached per buyer: the request is there at once all the same.
    assert f'href="/support/{request.pk}/">Your support request' in client.get("/library/").text

    request_close(request=request, actor=buyer, reason="done")
    assert f'href="/support/new/{product.slug}/">Get support' in client.get("/library/").text


def test_no_link_without_support_or_after_the_included_days(client, buyer, product):
    client.force_login(buyer)
    assert "Get support" not in client.get("/library/").text

    support_offer_set(product=product, included_days=30, price=0)
    PurchasedProduct.objects.update(granted_at=timezone.now() - timedelta(days=31))
    support_offer_set(product=product, included_days=30, price=0)  # forgets cached pages
    assert "Get support" not in client.get("/library/").text


def test_support_sold_per_request_is_linked_too(client, buyer, product):
    support_offer_set(product=product, included_days=0, price=900)
    client.force_login(buyer)

    assert "Get support" in client.get("/library/").text


def test_the_links_cost_the_library_two_queries_however_many_products(
    client, buyer, seller, django_assert_num_queries
):
    for n in range(2):
        support_offer_set(
            product=owned_product(buyer, seller, title=f"Kit {n}"), included_days=30, price=0
        )
    client.force_login(buyer)
    client.get("/library/?q=Kit&page=1")  # the session and the user cached by then

    with django_assert_num_queries(6) as few:
        client.get("/library/?q=Kit")
    for n in range(2, 8):
        support_offer_set(
            product=owned_product(buyer, seller, title=f"Kit {n}"), included_days=30, price=0
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/library/?q=Kit&page=1")
