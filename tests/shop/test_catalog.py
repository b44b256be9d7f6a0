import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.models import Category
from shop.services import product_archive, product_publish
from tests.conftest import add_version, make_product, make_seller, warm_maintenance_state

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def publish(seller, title, **fields):
    categories = fields.pop("categories", [])
    product = make_product(seller, title=title, **fields)
    product.categories.set(categories)
    add_version(product)
    return product_publish(product=product)


def titles(response) -> list[str]:
    return [product.title for product in response.context["page"].products]


@pytest.fixture
def shelf(seller):
    templates = Category.objects.create(name="Templates", slug="templates")
    icons = Category.objects.create(name="Icons", slug="icons")
    publish(seller, "Budget Kit", tagline="Plan your money", price=1200, categories=[templates])
    publish(seller, "Outline Icons", tagline="Line icons", price=2900, categories=[icons])
    publish(seller, "Free Planner", tagline="A weekly planner", price=0, categories=[templates])
    make_product(seller, title="Secret Draft")
    archived = publish(seller, "Old Thing")
    product_archive(product=archived)
    return {"templates": templates, "icons": icons}


def test_the_catalog_lists_only_published_products_newest_first(client, shelf):
    response = client.get("/products/")

    assert response.status_code == 200
    assert titles(response) == ["Free Planner", "Outline Icons", "Budget Kit"]
    assert response["Vary"].count("HX-Request") == 1


def test_search_matches_words_in_title_and_tagline(client, shelf):
    assert titles(client.get("/products/?q=planner")) == ["Free Planner"]
    assert titles(client.get("/products/?q=icons")) == ["Outline Icons"]
    assert titles(client.get("/products/?q=secret")) == []


def test_categories_filter_and_combine(client, shelf):
    assert titles(client.get("/products/?category=icons")) == ["Outline Icons"]
    both = client.get("/products/?category=icons&category=templates")
    assert sorted(titles(both)) == ["Budget Kit", "Free Planner", "Outline Icons"]


def test_price_range_is_in_major_units(client, shelf):
    assert titles(client.get("/products/?min_price=10&max_price=20")) == ["Budget Kit"]
    assert titles(client.get("/products/?max_price=0")) == ["Free Planner"]


def test_sort_by_price_both_ways(client, shelf):
    assert titles(client.get("/products/?sort=price")) == [
        "Free Planner",
        "Budget Kit",
        "Outline Icons",
    ]
    assert titles(client.get("/products/?sort=-price"))[0] == "Outline Icons"


def test_bad_parameters_are_ignored_not_errors(client, shelf):
    response = client.get("/products/?min_price=abc&sort=evil&category=nope&page=999")

    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_pages_hold_24_products(client, seller):
    for n in range(30):
        publish(seller, f"Product {n:02}")

    first = client.get("/products/")
    second = client.get(f"/products/?after={first.context['page'].next_cursor}")

    assert len(titles(first)) == 24
    assert len(titles(second)) == 6
    assert b'rel="next"' in first.content
    assert b'rel="next"' not in second.content


def test_htmx_gets_only_the_results(client, shelf):
    response = client.get("/products/?q=kit", headers=HTMX)

    assert b"<html" not in response.content
    assert b'id="results"' in response.content
    assert titles(response) == ["Budget Kit"]


def test_a_history_restore_gets_the_full_page(client, shelf):
    response = client.get(
        "/products/?q=kit", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )

    assert b"<html" in response.content


def choices_in(page: str) -> str:
    """The chosen filters' block (categories and sort) as the response carries it."""
    start = page.index('<div id="catalog-choices"')
    return page[start : page.index("</select>", start)]


def test_an_htmx_update_draws_the_chosen_filters_again_out_of_band(client, shelf):
    page = client.get("/products/?category=templates&sort=price", headers=HTMX).content.decode()

    choices = choices_in(page)
    assert 'hx-swap-oob="true"' in choices.split(">", 1)[0]
    assert re.search(r'value="templates" id="[^"]+" checked>', choices)
    assert not re.search(r'value="icons" id="[^"]+" checked>', choices)
    assert '<option value="price" selected>' in choices


def test_an_htmx_update_leaves_the_typed_fields_alone(client, shelf):
    # The visitor may still be typing in them when the results arrive.
    page = client.get("/products/?q=kit&min_price=1", headers=HTMX).content.decode()

    assert 'id="id_q"' not in page
    assert 'id="id_min_price"' not in page


@pytest.mark.parametrize(
    "headers", [{}, {**HTMX, "HX-History-Restore-Request": "true"}], ids=["page", "restore"]
)
def test_the_whole_page_draws_every_filter_from_the_url(client, shelf, headers):
    page = client.get(
        "/products/?q=kit&category=templates&min_price=10&max_price=20&sort=price",
        headers=headers,
    ).content.decode()

    assert re.search(r'<input type="search" name="q" id="id_q" value="kit"', page)
    assert (
        'id="id_min_price" min="0" step="0.01" inputmode="decimal" placeholder="Min" value="10"'
        in page
    )
    assert 'placeholder="Max" value="20"' in page
    choices = choices_in(page)
    assert re.search(r'value="templates" id="[^"]+" checked>', choices)
    assert '<option value="price" selected>' in choices
    # A restore swaps the whole body: an out-of-band element in it would be taken out of it.
    assert "hx-swap-oob" not in page


def test_htmx_keeps_no_snapshot_of_the_catalog_so_back_fetches_it_again(client, shelf):
    page = client.get("/products/?category=icons").content.decode()

    assert '<div class="catalog" hx-history="false">' in page


def test_responses_vary_on_htmx_and_on_a_history_restore(client, shelf):
    vary = client.get("/products/")["Vary"]

    assert "HX-Request" in vary
    assert "HX-History-Restore-Request" in vary


@pytest.mark.parametrize(
    ("query", "opened"),
    [
        ("", False),
        ("?q=kit&sort=price", False),
        ("?category=icons", True),
        ("?max_price=0", True),
        ("?min_price=5", True),
    ],
)
def test_the_filters_are_folded_until_one_is_on(client, shelf, query, opened):
    page = client.get(f"/products/{query}").content.decode()

    assert ('<details class="catalog__more" open>' in page) is opened
    assert '<details class="catalog__more"' in page


def test_the_catalog_form_works_without_javascript(client, shelf):
    page = client.get("/products/").content.decode()

    assert 'method="get" action="/products/"' in page
    assert 'hx-push-url="true"' in page


@pytest.mark.parametrize("url", ["/products/", "/products/?q=product", "/"])
def test_query_count_does_not_grow_with_products(client, seller, url):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    publish(seller, "Product first")
    warm_maintenance_state()
    few = count()
    for n in range(20):
        publish(seller, f"Product {n}")

    assert count() == few


def test_catalog_query_counts_are_pinned(client, shelf, django_assert_num_queries):
    warm_maintenance_state()
    # session-less anonymous request: count, page, categories for the filter (the partial
    # draws the filters again, out of band)
    with django_assert_num_queries(3):
        client.get("/products/")
    with django_assert_num_queries(3):
        client.get("/products/?q=kit", headers=HTMX)


def test_the_catalog_refuses_post(client):
    assert client.post("/products/").status_code == 405


def test_another_sellers_drafts_never_show(client, shelf):
    client.force_login(make_seller("rival@example.com"))

    assert "Secret Draft" not in titles(client.get("/products/"))


def test_a_search_ranks_only_the_newest_matches(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.SEARCH_CANDIDATES", 2)
    for title in ["Oldest Planner", "Older Planner", "Newest Planner"]:
        publish(seller, title)

    response = client.get("/products/?q=planner")

    assert sorted(titles(response)) == ["Newest Planner", "Older Planner"]
    assert "Over 2 products" in response.content.decode()


def test_sorts_and_pages_of_one_filter_share_a_count(client, shelf, buyer):
    client.force_login(buyer)  # past the page cache
    client.get("/products/?category=templates&sort=price")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/products/?category=templates&sort=-price")

    assert titles(response) == ["Budget Kit", "Free Planner"]
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_new_product_is_counted_at_once(client, shelf, buyer):
    client.force_login(buyer)
    client.get("/products/?category=templates")

    publish(make_seller("new@example.com"), "Fresh Kit", categories=[shelf["templates"]])

    response = client.get("/products/?category=templates&sort=price")

    assert response.context["page"].count == 3


@pytest.mark.postgres
def test_a_title_match_outranks_a_description_match(client, seller):
    publish(seller, "Quiet Icons", description="A calm set of glyphs for a budget.")
    publish(seller, "Budget Sheets", description="Spreadsheets.")

    assert titles(client.get("/products/?q=budget")) == ["Budget Sheets", "Quiet Icons"]


def test_counting_stops_at_the_limit_and_the_pages_do_not(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.COUNT_LIMIT", 2)
    for title in ["One Kit", "Two Kit", "Three Kit"]:
        publish(seller, title)

    response = client.get("/products/")

    assert "Over 2 products" in response.content.decode()
    assert len(titles(response)) == 3
