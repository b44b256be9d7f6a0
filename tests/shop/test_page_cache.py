import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from shop.models import Product
from shop.services import product_set_featured, product_unpublish, product_update
from tests.shop.test_catalog import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(seller):
    return publish(seller, "Budget Kit", tagline="Spreadsheets that balance.")


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]


@pytest.mark.parametrize("path", ["/", "/products/", "/products/?q=budget", "/p/budget-kit/"])
def test_an_anonymous_page_is_served_again_without_the_database(
    client, product, path, django_assert_num_queries
):
    first = client.get(path)

    with django_assert_num_queries(0):
        second = client.get(path)

    assert second.status_code == 200
    assert b"Budget Kit" in second.content
    assert second.content.replace(nonce_of(second).encode(), b"") == first.content.replace(
        nonce_of(first).encode(), b""
    )


def test_each_cached_page_carries_its_own_request_nonce(client, product):
    client.get("/products/")

    second, third = client.get("/products/"), client.get("/products/")

    assert nonce_of(second) != nonce_of(third)
    assert f'nonce="{nonce_of(third)}"'.encode() in third.content
    assert nonce_of(second).encode() not in third.content


def test_the_partial_and_the_full_page_are_cached_apart(client, product):
    client.get("/products/?q=budget")

    partial = client.get("/products/?q=budget", headers={"HX-Request": "true"})
    page = client.get("/products/?q=budget")

    assert b"<html" not in partial.content
    assert b"<html" in page.content
    assert partial["Vary"] == page["Vary"]
    assert "HX-Request" in partial["Vary"]


@pytest.mark.parametrize("path", ["/", "/products/", "/p/budget-kit/"])
def test_a_retitled_product_shows_at_once(client, product, path):
    client.get(path)

    product_update(product=product, title="Budget Kit Deluxe")

    assert b"Budget Kit Deluxe" in client.get(path).content


def test_a_change_is_forgotten_again_on_commit(client, product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        product_update(product=product, title="Budget Kit Deluxe")
    client.get("/products/")  # a page rendered between the write and the commit
    # What the commit brings, as a later read sees it; written without signals, so that only
    # the commit's own bump can forget the page stored in between.
    Product.objects.filter(pk=product.pk).update(title="Budget Kit Pro")
    for callback in callbacks:
        callback()

    assert b"Budget Kit Pro" in client.get("/products/").content


def test_an_unpublished_product_leaves_the_cached_pages(client, product):
    client.get("/products/")
    client.get("/p/budget-kit/")

    product_unpublish(product=product)

    assert b"Budget Kit" not in client.get("/products/").content
    assert client.get("/p/budget-kit/").status_code == 404


def test_featuring_in_bulk_shows_on_the_home_page(client, product):
    client.get("/")

    product_set_featured(products=[product], featured=True)

    assert "Featured" in client.get("/").content.decode()


def test_a_renamed_seller_shows_at_once(client, product, seller):
    client.get("/p/budget-kit/")

    seller.display_name = "Renamed"
    seller.save()

    assert b"Renamed" in client.get("/p/budget-kit/").content


def test_a_seller_logging_in_does_not_forget_the_pages(
    client, product, seller, django_assert_num_queries
):
    client.get("/products/")

    client.force_login(seller)  # stamps last_login
    client.logout()

    with django_assert_num_queries(0):
        client.get("/products/")


def test_a_signed_in_visitor_is_never_served_an_anonymous_page(client, product, buyer):
    client.get("/products/")
    client.force_login(buyer)

    page = client.get("/products/").content.decode()

    assert "Sign out" in page or "Log out" in page


def test_an_anonymous_page_is_not_stored_for_a_signed_in_visitor(client, product, buyer):
    client.force_login(buyer)
    client.get("/products/")
    client.logout()

    page = client.get("/products/").content.decode()

    assert buyer.email not in page


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(client, product):
    client.get("/products/")
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "You have signed out.")
    response = client.get("/")  # any response to carry the cookie over
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value

    page = client.get("/products/")

    assert b"You have signed out." in page.content
    assert b"You have signed out." not in client.get("/products/").content


def test_pages_are_rendered_with_the_cache_down(client, product, cache_down):

    responses = [client.get("/products/") for _ in range(2)]

    assert [r.status_code for r in responses] == [200, 200]
    assert all(b"Budget Kit" in r.content for r in responses)


def test_a_404_is_not_cached(client, product, django_assert_num_queries):
    client.get("/p/no-such-thing/")

    with django_assert_num_queries(1):
        assert client.get("/p/no-such-thing/").status_code == 404
