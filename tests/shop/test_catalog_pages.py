import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.catalog import catalog_changed
from shop.models import Product
from tests.conftest import make_product, warm_maintenance_state
from tests.shop.test_catalog import HTMX, publish, titles

pytestmark = pytest.mark.django_db


def shelve(seller, count: int, *, price=lambda n: 500, published_at=None) -> list[Product]:
    """`count` published products in one insert (the services would take minutes for a
    thousand); `published_at(n)` and `price(n)` set their sort keys."""
    now = timezone.now()
    made = Product.objects.bulk_create(
        Product(
            seller=seller,
            title=f"Shelved {n:04}",
            slug=f"shelved-{n:04}",
            price=price(n),
            status=Product.Status.PUBLISHED,
            published_at=published_at(n) if published_at else now - timedelta(minutes=n),
        )
        for n in range(count)
    )
    catalog_changed()  # a bulk insert sends no signals
    return made


def link(response, rel: str) -> str | None:
    """The URL of the page's `rel` link ("next" or "prev"), as a browser would follow it."""
    found = re.search(rf'<a href="([^"]+)"[^>]* rel="{rel}"', response.content.decode())
    return found[1].replace("&amp;", "&") if found else None


def walk(client, url: str, rel: str = "next", *, queries: list | None = None) -> list[list[str]]:
    """The titles of every page from `url` on, following `rel` links to the end (each URL
    once: the anonymous page cache would answer a second visit); with `queries`, how many
    each page cost."""
    pages = []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        pages.append(titles(response))
        if queries is not None:
            queries.append(len(captured))
        url = link(response, rel)
        if url:
            url = "/products/" + url
    return pages


def flat(pages: list[list[str]]) -> list[str]:
    return [title for page in pages for title in page]


def test_pages_go_on_past_the_count_limit(client, seller):
    shelved = shelve(seller, 1_030)

    pages = walk(client, "/products/")

    assert len(pages) == 43
    assert [len(page) for page in pages] == [24] * 42 + [22]
    assert flat(pages) == [product.title for product in shelved]  # newest first, once each


def test_query_counts_stay_flat_from_page_to_page(client, seller):
    shelve(seller, 1_030)
    warm_maintenance_state()
    queries = []

    walk(client, "/products/", queries=queries)

    # the count (once, cached for the pages after), the page, the categories for the filter
    assert queries == [3] + [2] * 42


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Ten products, in threes on one publication time and in fives on one price: every
        # sort meets ties that only the primary key breaks.
        ("", lambda ps: sorted(ps, key=lambda p: (p.published_at, p.pk), reverse=True)),
        ("sort=newest", lambda ps: sorted(ps, key=lambda p: (p.published_at, p.pk), reverse=True)),
        (
            "sort=price",
            lambda ps: sorted(ps, key=lambda p: (-p.price, p.published_at, p.pk), reverse=True),
        ),
        (
            "sort=-price",
            lambda ps: sorted(ps, key=lambda p: (p.price, p.published_at, p.pk), reverse=True),
        ),
    ],
)
def test_every_sort_pages_through_ties_both_ways_without_repeats_or_gaps(
    client, seller, monkeypatch, query, expected
):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 3)
    now = timezone.now()
    shelved = shelve(
        seller,
        10,
        price=lambda n: 500 if n % 2 else 900,
        published_at=lambda n: now - timedelta(minutes=n // 3),
    )
    order = [product.title for product in expected(shelved)]

    forward = walk(client, f"/products/?{query}")
    last = client.get(f"/products/?{query}")
    while link(last, "next"):
        last = client.get("/products/" + link(last, "next"))
    backward = walk(client, "/products/" + link(last, "prev"), rel="prev")

    assert flat(forward) == order
    assert [len(page) for page in forward] == [3, 3, 3, 1]
    assert flat(reversed(backward)) == order[:9]


def test_a_search_pages_by_rank_through_ties(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    for n in range(3):
        publish(seller, f"Planner {n}")
        publish(seller, f"Notebook {n}", tagline="A planner inside")

    pages = walk(client, "/products/?q=planner")

    assert flat(pages) == [
        "Planner 2",
        "Planner 1",
        "Planner 0",
        "Notebook 2",
        "Notebook 1",
        "Notebook 0",
    ]


def test_filters_stay_on_the_next_pages(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelve(seller, 6, price=lambda n: 100 * n + 500)

    first = client.get("/products/?max_price=8&sort=price")
    pages = walk(client, "/products/" + link(first, "next"))

    assert "max_price=8" in link(first, "next")
    assert "sort=price" in link(first, "next")
    assert titles(first) + flat(pages) == [
        "Shelved 0000",
        "Shelved 0001",
        "Shelved 0002",
        "Shelved 0003",
    ]


def test_a_product_published_meanwhile_moves_no_other_page(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelve(seller, 4)
    first = client.get("/products/")

    publish(seller, "Fresh Kit")
    second = client.get("/products/" + link(first, "next"))

    assert titles(first) == ["Shelved 0000", "Shelved 0001"]
    assert titles(second) == ["Shelved 0002", "Shelved 0003"]


def test_previous_from_the_second_page_is_the_first_page(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelve(seller, 5)
    second = client.get("/products/" + link(client.get("/products/"), "next"))

    first = client.get("/products/" + link(second, "prev"))

    assert titles(first) == ["Shelved 0000", "Shelved 0001"]
    assert link(first, "prev") is None
    assert link(first, "next")


@pytest.mark.parametrize(
    "cursor",
    [
        "after=nonsense",
        "after=1_2_3_4",
        "after=nan_1_2",
        "after=99999999999999999999999_1",
        "after=1_99999999999999999999999",
        "after=-99999999999999999999_1",
        "sort=relevance&q=shelved&after=inf_1_1",
        "before=%00",
        "after=",
    ],
)
def test_a_bad_cursor_shows_the_first_page(client, seller, monkeypatch, cursor):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelve(seller, 3)

    response = client.get(f"/products/?{cursor}")

    assert response.status_code in (200, 400)  # a NUL is refused before the view
    if response.status_code == 200:
        assert titles(response) == ["Shelved 0000", "Shelved 0001"]


def test_a_cursor_past_the_end_shows_the_first_page(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelved = shelve(seller, 3)
    oldest = shelved[-1]
    Product.objects.filter(pk=oldest.pk).update(status=Product.Status.ARCHIVED)
    catalog_changed()

    after_the_oldest = int(oldest.published_at.timestamp() * 1_000_000)
    response = client.get(f"/products/?after={after_the_oldest}_{oldest.pk}")

    assert titles(response) == ["Shelved 0000", "Shelved 0001"]


def test_an_htmx_page_swaps_the_results_and_pushes_its_url(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelve(seller, 3)
    next_url = link(client.get("/products/"), "next")

    response = client.get("/products/" + next_url, headers=HTMX)

    assert b"<html" not in response.content
    assert titles(response) == ["Shelved 0002"]
    page = response.content.decode()
    assert 'hx-target="#results"' in page
    assert 'hx-push-url="true"' in page
    assert f'hx-get="{link(response, "prev")}"'.replace("&", "&amp;") in page


def test_the_cursor_is_the_only_page_parameter(client, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelve(seller, 5)

    response = client.get("/products/?page=2")

    assert titles(response) == ["Shelved 0000", "Shelved 0001"]
    assert "page=" not in link(response, "next")


def test_the_database_refuses_a_published_product_without_a_publication_time(seller):
    product = make_product(seller, title="Timeless")

    with pytest.raises(IntegrityError):
        Product.objects.filter(pk=product.pk).update(status=Product.Status.PUBLISHED)


def test_with_the_cache_down_pages_searches_and_counts_come_from_the_database(
    client, seller, monkeypatch, cache_down
):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 2)
    shelve(seller, 5)

    pages = walk(client, "/products/?q=shelved&sort=price")
    misspelt = client.get("/products/?q=shelvde")

    assert flat(pages) == [f"Shelved {n:04}" for n in range(5)]
    assert misspelt.status_code == 200
    if connection.vendor == "postgresql":
        assert misspelt.context["page"].close
        assert len(titles(misspelt)) == 2
