"""The catalog's filters in a browser: the form always shows what the URL asks for, through
htmx updates, Back and Forward, and the filters fold away on a phone."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from shop.models import Category
from tests.browser.conftest import check_page
from tests.shop.test_catalog import publish


@pytest.fixture
def shelf(transactional_db, seller):
    templates = Category.objects.create(name="Templates", slug="templates")
    icons = Category.objects.create(name="Icons", slug="icons")
    publish(seller, "Budget Kit", price=1200, categories=[templates])
    publish(seller, "Weekly Planner", price=0, categories=[templates])
    publish(seller, "Outline Icons", price=2900, categories=[icons])
    publish(seller, "Icon Kit", price=900, categories=[icons])


def query(page) -> dict[str, list[str]]:
    """The page URL's query, without the empty fields a form sends."""
    return parse_qs(urlsplit(page.url).query)


def shown(page) -> list[str]:
    return page.locator("#results .product-card__title").all_inner_texts()


def expect_form(page, *, q: str, ticked: list[str], sort: str) -> None:
    """The form shows these values (folded away or not)."""
    expect(page.get_by_role("searchbox", name="Search", exact=True)).to_have_value(q)
    for name in ["Templates", "Icons"]:
        box = page.get_by_role("checkbox", name=name, include_hidden=True)
        expect(box).to_be_checked() if name in ticked else expect(box).not_to_be_checked()
    expect(page.get_by_role("combobox", name="Sort by", include_hidden=True)).to_have_value(sort)


def settled(page) -> None:
    """The results have faded back in after an update (axe would read the fading colours)."""
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#results')).opacity === '1'"
    )


def open_filters(page) -> None:
    """On a phone the filters are folded until one is on; on a desktop they are always shown."""
    filters = page.locator("details.catalog__more")
    if not filters.evaluate("details => details.open") and page.viewport_size["width"] < 800:
        page.get_by_text("Filters and sort").click()


def test_back_and_forward_keep_the_form_and_the_results_together(shelf, page):
    page.goto("/products/")
    check_page(page)

    page.get_by_role("searchbox", name="Search", exact=True).fill("kit")
    expect(page).to_have_url(re.compile(r"q=kit"))
    expect(page.locator("#results")).to_contain_text("2 products")
    open_filters(page)
    page.get_by_role("checkbox", name="Templates").check()
    expect(page).to_have_url(re.compile(r"category=templates"))
    expect(page.locator("#results")).to_contain_text("1 product ")
    page.get_by_label("Sort by").select_option("price")
    expect(page).to_have_url(re.compile(r"sort=price"))
    assert query(page) == {"q": ["kit"], "category": ["templates"], "sort": ["price"]}
    settled(page)
    check_page(page)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort=price"))
    assert query(page) == {"q": ["kit"], "category": ["templates"], "sort": ["relevance"]}
    expect_form(page, q="kit", ticked=["Templates"], sort="relevance")
    assert shown(page) == ["Budget Kit"]

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"category="))
    assert query(page) == {"q": ["kit"], "sort": ["relevance"]}
    expect_form(page, q="kit", ticked=[], sort="relevance")
    assert sorted(shown(page)) == ["Budget Kit", "Icon Kit"]

    page.go_forward()
    expect(page).to_have_url(re.compile(r"category=templates"))
    expect_form(page, q="kit", ticked=["Templates"], sort="relevance")
    assert shown(page) == ["Budget Kit"]

    # The next change keeps what the URL asked for (it used to drop the search).
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"category="))
    open_filters(page)
    page.get_by_role("checkbox", name="Icons").check()
    expect(page).to_have_url(re.compile(r"category=icons"))
    assert query(page) == {"q": ["kit"], "category": ["icons"], "sort": ["relevance"]}
    expect(page.locator("#results")).to_contain_text("1 product ")
    assert shown(page) == ["Icon Kit"]
    expect_form(page, q="kit", ticked=["Icons"], sort="relevance")

    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/products/$"))
    expect_form(page, q="", ticked=[], sort="relevance")
    expect(page.locator("#results .product-card__title")).to_have_count(4)


def test_a_phone_folds_the_filters_until_one_is_on(shelf, page):
    page.goto("/products/")
    more = page.get_by_role("checkbox", name="Icons")
    if page.viewport_size["width"] >= 800:
        expect(more).to_be_visible()
        expect(page.get_by_text("Filters and sort")).to_be_hidden()
        return
    expect(more).to_be_hidden()
    page.get_by_text("Filters and sort").click()
    expect(more).to_be_visible()
    check_page(page)

    page.goto("/products/?category=icons")
    expect(more).to_be_visible()


def test_pages_go_on_with_the_filters_and_come_back(shelf, page, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 1)
    page.goto("/products/?category=templates")

    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"category=templates&after="))
    expect(page.locator("#results .product-card__title")).to_have_text(["Budget Kit"])
    expect(page.get_by_role("checkbox", name="Templates")).to_be_checked()
    page.go_back()
    expect(page.locator("#results .product-card__title")).to_have_text(["Weekly Planner"])
    expect(page.get_by_role("checkbox", name="Templates")).to_be_checked()


def test_the_header_search_leads_to_the_catalog(shelf, page):
    page.goto("/")
    page.get_by_role("searchbox", name="Search products").fill("planner")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(r"/products/\?q=planner$"))
    assert shown(page) == ["Weekly Planner"]
    expect(page.get_by_role("searchbox", name="Search", exact=True)).to_have_value("planner")


def test_back_twice_quickly_draws_the_last_page_only(shelf, page, monkeypatch):
    from shop import views

    drawn = views.catalog_page

    def slow_for_the_search(*, filters, **cursors):
        if filters["q"] == "kit" and not filters["categories"]:
            time.sleep(1.5)  # the first Back's page answers after the second's
        return drawn(filters=filters, **cursors)

    page.goto("/products/")
    page.get_by_role("searchbox", name="Search", exact=True).fill("kit")
    expect(page.locator("#results")).to_contain_text("2 products")
    open_filters(page)
    page.get_by_role("checkbox", name="Templates").check()
    expect(page.locator("#results")).to_contain_text("1 product ")
    monkeypatch.setattr(views, "catalog_page", slow_for_the_search)

    page.go_back()
    page.go_back()
    page.wait_for_timeout(2500)

    expect(page).to_have_url(re.compile(r"/products/$"))
    expect_form(page, q="", ticked=[], sort="relevance")
    expect(page.locator("#results .product-card__title")).to_have_count(4)
