import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.models import Category, Product
from shop.services import product_set_categories
from tests.conftest import warm_maintenance_state
from tests.shop.test_catalog import publish, titles

pytestmark = pytest.mark.django_db

SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the fallback for databases without PostgreSQL"
)


@pytest.fixture
def shelf(seller):
    templates = Category.objects.create(name="Templates", slug="templates")
    fonts = Category.objects.create(name="Fonts", slug="fonts")
    icons = Category.objects.create(name="Icons", slug="icons")
    publish(seller, "Notion Budget Kit", tagline="Plan your money", categories=[templates])
    publish(seller, "Weekly Planner", tagline="Seven days a page", categories=[templates])
    publish(seller, "Garamond Revival", tagline="An old face, redrawn", categories=[fonts])
    publish(seller, "Serif Font Pack", tagline="Six weights", categories=[fonts])
    publish(seller, "Outline Icons", tagline="Line glyphs", categories=[icons])
    return {"templates": templates, "fonts": fonts, "icons": icons}


def found(client, q: str) -> set[str]:
    return set(titles(client.get("/products/", {"q": q})))


def test_a_category_name_finds_the_products_filed_under_it(client, shelf):
    assert found(client, "templates") == {"Notion Budget Kit", "Weekly Planner"}
    assert found(client, "fonts") == {"Garamond Revival", "Serif Font Pack"}


def test_a_title_word_and_a_category_name_narrow_together(client, shelf):
    assert found(client, "notion templates") == {"Notion Budget Kit"}


def test_a_plural_finds_the_singular(client, shelf):
    assert "Serif Font Pack" in found(client, "fonts")
    assert found(client, "planners") == {"Weekly Planner"}


def test_a_renamed_category_is_found_by_its_new_name_at_once(client, shelf):
    shelf["fonts"].name = "Typefaces"
    shelf["fonts"].save()

    assert found(client, "typefaces") == {"Garamond Revival", "Serif Font Pack"}
    assert found(client, "fonts") == {"Serif Font Pack"}


@pytest.mark.postgres
def test_search_reads_english_stems(client, shelf):
    assert found(client, "budgeting") == {"Notion Budget Kit"}
    assert found(client, "weights") == {"Serif Font Pack"}


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("budegt", {"Notion Budget Kit"}),
        ("garamnod", {"Garamond Revival"}),
        ("outlnie", {"Outline Icons"}),
        ("tempaltes", {"Notion Budget Kit", "Weekly Planner"}),
        ("fonst", {"Garamond Revival", "Serif Font Pack"}),
    ],
)
def test_a_misspelt_title_or_category_finds_what_was_meant(client, shelf, typed, meant):
    response = client.get("/products/", {"q": typed})

    assert set(titles(response)) == meant
    assert response.context["page"].close
    assert f"Nothing matches “{typed}” as typed" in response.content.decode()


@pytest.mark.postgres
def test_close_matches_are_ranked_closest_first(client, shelf, seller):
    publish(seller, "Garamond Italic Revival Deluxe Edition")

    assert titles(client.get("/products/?q=garamond+revivl"))[0] == "Garamond Revival"


@pytest.mark.postgres
def test_close_matches_are_only_tried_when_nothing_matches_as_typed(client, shelf):
    response = client.get("/products/?q=planner")

    assert titles(response) == ["Weekly Planner"]
    assert not response.context["page"].close


@pytest.mark.postgres
def test_nothing_close_finds_nothing(client, shelf):
    response = client.get("/products/?q=xylophone")

    assert titles(response) == []
    assert b"No products match" in response.content


@pytest.mark.postgres
def test_a_misspelt_search_costs_a_fixed_number_of_queries(
    client, shelf, django_assert_num_queries
):
    warm_maintenance_state()
    # the count as typed (none), the threshold, the close count, the page, the categories
    with django_assert_num_queries(5):
        client.get("/products/?q=tempaltes")


@pytest.mark.postgres
def test_the_close_match_threshold_stays_in_the_search(client, shelf):
    with CaptureQueriesContext(connection) as queries:
        client.get("/products/?q=tempaltes")

    setting = [q["sql"] for q in queries if "set_config" in q["sql"]]
    assert setting == ["SELECT set_config('pg_trgm.word_similarity_threshold', '0.4', true)"]


@pytest.mark.postgres
def test_close_matches_page_on(client, shelf, seller, monkeypatch):
    monkeypatch.setattr("shop.catalog.PAGE_SIZE", 1)

    first = client.get("/products/?q=tempaltes")
    second = client.get(f"/products/?q=tempaltes&after={first.context['page'].next_cursor}")

    assert second.context["page"].close
    assert {*titles(first), *titles(second)} == {"Notion Budget Kit", "Weekly Planner"}


@SQLITE_ONLY
def test_without_postgresql_a_misspelling_finds_nothing_and_fails_nothing(client, shelf):
    response = client.get("/products/?q=tempaltes")

    assert response.status_code == 200
    assert titles(response) == []


def test_setting_categories_copies_their_names_into_the_row(shelf):
    product = Product.objects.get(title="Outline Icons")

    product_set_categories(product=product, categories=[shelf["icons"], shelf["templates"]])

    product.refresh_from_db()
    assert sorted(product.category_names.split()) == ["Icons", "Templates"]


def test_categories_changed_from_the_category_side_are_copied(shelf):
    icons = Product.objects.get(title="Outline Icons")
    kit = Product.objects.get(title="Notion Budget Kit")

    shelf["fonts"].products.add(icons, kit)
    assert Product.objects.get(pk=kit.pk).category_names.split() in (
        ["Templates", "Fonts"],
        ["Fonts", "Templates"],
    )
    shelf["fonts"].products.remove(kit)
    assert Product.objects.get(pk=kit.pk).category_names == "Templates"
    shelf["fonts"].products.clear()
    assert Product.objects.get(pk=icons.pk).category_names == "Icons"


def test_a_deleted_category_leaves_its_products_rows(shelf):
    shelf["fonts"].delete()

    assert Product.objects.get(title="Garamond Revival").category_names == ""


def test_a_whole_save_of_a_stale_product_keeps_its_category_names(shelf):
    stale = Product.objects.get(title="Outline Icons")
    product_set_categories(product=stale, categories=[shelf["fonts"]])

    stale.save()  # as the admin or a shell would, with the names it was loaded with

    assert Product.objects.get(pk=stale.pk).category_names == "Fonts"
