"""Support on the product page, and the buyer's list of requests in both panels."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import PurchasedProduct
from support import views
from support.services import (
    request_close,
    request_grant,
    request_open_included,
    support_offer_set,
)
from tests.access.helpers import owned_product
from tests.conftest import make_seller

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LIST = "/library/support/"


def open_request(buyer, product, subject="Help"):
    return request_open_included(buyer=buyer, product=product, subject=subject, body="Broken")


def product_page(client, product) -> str:
    return client.get(f"/p/{product.slug}/").content.decode()


# The product page


def test_an_owner_with_included_support_gets_a_way_to_ask(client, buyer, product):
    client.force_login(buyer)

    page = product_page(client, product)

    assert f'href="/support/new/{product.slug}/">Get support</a>' in page
    assert page.index("In your library") < page.index("Get support")


def test_an_owner_with_an_active_request_continues_it(client, buyer, product):
    opened = open_request(buyer, product)
    client.force_login(buyer)

    page = product_page(client, product)

    assert f'href="/support/{opened.pk}/">Continue your support request</a>' in page
    assert "Get support" not in page


def test_a_granted_request_is_continued_after_the_included_days(client, buyer, seller, product):
    PurchasedProduct.objects.update(granted_at=timezone.now() - timedelta(days=31))
    granted = request_grant(buyer=buyer, product=product, actor=seller, reason="Goodwill")
    client.force_login(buyer)

    assert f'href="/support/{granted.pk}/"' in product_page(client, product)


@pytest.mark.parametrize(("days", "price", "age"), [(30, 0, 31), (0, 0, 0)])
def test_an_owner_without_included_support_now_sees_nothing_of_support(
    client, buyer, product, days, price, age
):
    support_offer_set(product=product, included_days=days, price=price)
    PurchasedProduct.objects.update(granted_at=timezone.now() - timedelta(days=age))
    client.force_login(buyer)

    page = product_page(client, product)

    assert "In your library" in page
    assert "/support/" not in page


@pytest.mark.parametrize(("days", "age"), [(0, 0), (30, 31)])
def test_where_support_is_sold_an_owner_sees_its_price(client, buyer, product, days, age):
    support_offer_set(product=product, included_days=days, price=500)
    PurchasedProduct.objects.update(granted_at=timezone.now() - timedelta(days=age))
    client.force_login(buyer)

    page = product_page(client, product)

    assert "The seller answers one request for $5.00." in page
    assert f'href="/support/new/{product.slug}/"' in page


def test_after_an_ended_request_the_owner_may_ask_again(client, buyer, product):
    request_close(request=open_request(buyer, product), actor=buyer, reason="done")
    client.force_login(buyer)

    assert "Get support" in product_page(client, product)


def test_visitors_who_do_not_own_the_product_see_nothing_of_support(client, stranger, product):
    anonymous = product_page(client, product)
    client.force_login(stranger)

    assert "/support/" not in anonymous
    assert "/support/" not in product_page(client, product)


def test_support_s_offer_comes_after_access_s_and_billing_s():
    from shop import extensions

    names = [f"{render.__module__}.{render.__name__}" for render in extensions._offers]

    assert names == ["access.views.offer", "billing.views.offer", "support.views.offer"]


# The list of requests


def test_anonymous_is_sent_to_login(client):
    assert client.get(LIST)["Location"] == f"/accounts/login/?next={LIST}"


def test_a_staff_only_account_has_no_library_support_page(client, staff):
    client.force_login(staff)

    assert client.get(LIST).status_code == 403


def test_a_buyer_without_the_seller_role_has_no_studio_support_page(client, buyer):
    client.force_login(buyer)

    assert client.get("/studio/support/").status_code == 403


def test_the_list_refuses_post(client, buyer):
    client.force_login(buyer)

    assert client.post(LIST).status_code == 405


def test_a_buyer_sees_their_own_requests_and_no_one_elses(client, buyer, stranger, seller):
    kit, theirs = owned_product(buyer, seller, title="Mine"), owned_product(stranger, seller)
    for product in (kit, theirs):
        support_offer_set(product=product, included_days=30, price=0)
    mine = open_request(buyer, kit, subject="My question")
    open_request(stranger, theirs, subject="Their question")
    client.force_login(buyer)

    page = client.get(LIST).content.decode()

    assert f'href="/support/{mine.pk}/">My question</a>' in page
    assert "Mine" in page
    assert 'badge--open">Open' in page
    assert f"{timezone.localtime(mine.last_message_at):%Y-%m-%dT%H:%M}" in page
    assert "Their question" not in page
    assert f'href="{LIST}" aria-current="page">Your support requests</a>' in page


def test_the_latest_message_comes_first(client, buyer, seller, product):
    request_close(request=open_request(buyer, product, subject="Older"), actor=buyer, reason="x")
    open_request(buyer, product, subject="Newer")
    client.force_login(buyer)

    page = client.get(LIST).content.decode()

    assert page.index("Newer") < page.index("Older")


def test_a_seller_who_buys_sees_the_same_page_in_the_studio(client, seller):
    bought = owned_product(seller, make_seller("maker@example.com"), title="Bought Kit")
    support_offer_set(product=bought, included_days=30, price=0)
    open_request(seller, bought, subject="About the kit")
    client.force_login(seller)

    page = client.get("/studio/support/").content.decode()

    assert "About the kit" in page
    assert 'href="/studio/support/" aria-current="page"' in page


def test_an_empty_list_says_where_support_comes_from(client, buyer):
    client.force_login(buyer)

    assert "No support requests" in client.get(LIST).content.decode()


def test_an_htmx_page_turn_returns_only_the_list(client, buyer, product, monkeypatch):
    monkeypatch.setattr(views, "REQUESTS_PAGE_SIZE", 1)
    request_close(request=open_request(buyer, product, subject="First"), actor=buyer, reason="x")
    open_request(buyer, product, subject="Second")
    client.force_login(buyer)

    response = client.get(LIST, {"page": 2}, headers=HTMX)

    page = response.content.decode()
    assert "<html" not in page
    assert 'id="requests"' in page
    assert "First" in page
    assert "Second" not in page
    assert 'hx-target="#requests"' in page


def _requests(buyer, product, count: int) -> None:
    for n in range(count):
        asked = open_request(buyer, product, subject=f"Q{n}")
        request_close(request=asked, actor=buyer, reason="x")


def test_the_query_count_is_pinned_and_flat(client, buyer, product, django_assert_num_queries):
    client.force_login(buyer)
    client.get("/library/account/")  # the user is cached from here on
    _requests(buyer, product, 1)
    # The count and the page (the session and the user come from the cache).
    with django_assert_num_queries(2):
        client.get(LIST)

    _requests(buyer, product, 9)

    with django_assert_num_queries(2):
        assert client.get(LIST).content.decode().count("badge--closed") == 10
