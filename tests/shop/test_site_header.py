import re

import pytest

from tests.conftest import make_seller
from tests.shop.test_catalog import publish

pytestmark = pytest.mark.django_db

SEARCH_FORM = re.compile(
    r'<form class="site-search" method="get" action="/products/" role="search"[^>]*>\s*'
    r'<label for="site-search-q" class="visually-hidden">Search products</label>\s*'
    r'<input type="search" name="q" id="site-search-q"'
)


@pytest.fixture
def product(seller):
    return publish(seller, "Budget Kit")


@pytest.mark.parametrize("path", ["/", "/p/budget-kit/", "/accounts/login/"])
def test_everyone_gets_the_shop_link_and_a_labelled_search_box(client, product, path):
    page = client.get(path).content.decode()

    assert SEARCH_FORM.search(page)
    assert '<a href="/products/">Shop</a>' in page


@pytest.mark.parametrize("who", ["buyer", "seller", "staff"])
def test_signed_in_people_get_them_too(client, product, request, who):
    client.force_login(request.getfixturevalue(who))

    page = client.get("/p/budget-kit/").content.decode()

    assert SEARCH_FORM.search(page)
    assert '<a href="/products/">Shop</a>' in page


def test_the_header_search_lands_on_the_catalog_searching(client, product):
    page = client.get("/").content.decode()
    action = re.search(r'<form class="site-search" method="get" action="([^"]+)"', page)[1]

    response = client.get(action, {"q": "budget"})

    assert [p.title for p in response.context["page"].products] == ["Budget Kit"]


def test_on_the_catalog_the_shop_link_is_current_and_its_own_search_box_is_the_only_one(
    client, product
):
    page = client.get("/products/").content.decode()

    assert '<a href="/products/" aria-current="page">Shop</a>' in page
    assert "site-search" not in page
    assert page.count('type="search"') == 1


def test_a_signed_in_seller_s_own_places_stay_beside_the_shop(client, product):
    client.force_login(make_seller("rival@example.com"))

    page = client.get("/").content.decode()

    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    assert nav.index(">Shop</a>") < nav.index(">Studio</a>")
