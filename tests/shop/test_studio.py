from html.parser import HTMLParser

import pytest
from django.conf import settings

from shop.models import Category, Product
from tests.conftest import add_version, make_product, make_seller

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def product(seller):
    return make_product(seller, title="Budget Kit", price=1200)


@pytest.fixture
def rival(db):
    return make_seller("rival@example.com")


def field_url(product, name):
    return f"/studio/products/{product.pk}/{name}/"


def test_the_studio_lists_only_the_sellers_products(client, seller, product, rival):
    make_product(rival, title="Rival Thing")
    client.force_login(seller)

    response = client.get("/studio/")

    assert response.status_code == 200
    assert [p.title for p in response.context["products"]] == ["Budget Kit"]


def test_the_studio_list_has_a_constant_query_count(client, seller, django_assert_num_queries):
    client.force_login(seller)
    client.get("/studio/account/")  # the user and the session are cached from here on
    make_product(seller, title="One")
    with django_assert_num_queries(1):  # the products
        client.get("/studio/")
    for n in range(10):
        add_version(make_product(seller, title=f"More {n}"))
    with django_assert_num_queries(1):
        client.get("/studio/")


@pytest.mark.parametrize(
    "url",
    ["/studio/", "/studio/products/new/", "/studio/products/{pk}/", "/studio/products/{pk}/title/"],
)
def test_anonymous_is_sent_to_login(client, product, url):
    response = client.get(url.format(pk=product.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "url",
    ["/studio/", "/studio/products/new/", "/studio/products/{pk}/", "/studio/products/{pk}/title/"],
)
def test_a_buyer_without_the_seller_role_gets_403(client, buyer, product, url):
    client.force_login(buyer)

    assert client.get(url.format(pk=product.pk)).status_code == 403


@pytest.mark.parametrize("url", ["/studio/products/{pk}/", "/studio/products/{pk}/title/"])
def test_another_seller_gets_404(client, rival, product, url):
    client.force_login(rival)

    assert client.get(url.format(pk=product.pk)).status_code == 404
    assert client.post(url.format(pk=product.pk), {"title": "Stolen"}).status_code in (404, 405)
    product.refresh_from_db()
    assert product.title == "Budget Kit"


def test_creating_a_product_makes_a_draft_and_opens_it(client, seller):
    client.force_login(seller)

    response = client.post(
        "/studio/products/new/",
        {"title": "Icon Pack", "tagline": "Icons", "price": "9.99", "currency": "EUR"},
    )

    product = Product.objects.get(title="Icon Pack")
    assert response["Location"] == f"/studio/products/{product.pk}/"
    assert (product.price, product.currency, product.status) == (999, "EUR", "draft")
    assert product.seller == seller


def test_an_invalid_new_product_re_renders_with_errors(client, seller):
    client.force_login(seller)

    response = client.post("/studio/products/new/", {"title": "  ", "price": "-1"})

    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Product.objects.exists()


def test_a_new_product_s_title_and_tagline_are_one_line(client, seller):
    client.force_login(seller)

    response = client.post(
        "/studio/products/new/",
        {"title": "Icon\nPack", "tagline": "Icons\r\nfor all", "price": "0", "currency": "EUR"},
    )

    assert response.status_code == 200
    assert response.content.count(b"Keep it on one line") == 2
    assert not Product.objects.exists()


def test_the_edit_page_shows_every_field(client, seller, product):
    client.force_login(seller)

    page = client.get(f"/studio/products/{product.pk}/").content.decode()

    for name in ["title", "tagline", "price", "description", "categories", "status"]:
        assert f'id="field-{name}"' in page


def test_htmx_opens_one_field_for_editing(client, seller, product):
    client.force_login(seller)

    response = client.get(field_url(product, "title"), headers=HTMX)

    assert b"<html" not in response.content
    assert b'name="title"' in response.content
    assert b'value="Budget Kit"' in response.content


@pytest.mark.parametrize(
    ("name", "data", "check"),
    [
        ("title", {"title": "Budget Kit Pro"}, lambda p: p.title == "Budget Kit Pro"),
        ("tagline", {"tagline": "Plan it"}, lambda p: p.tagline == "Plan it"),
        (
            "price",
            {"price": "15.50", "currency": "GBP"},
            lambda p: (p.price, p.currency) == (1550, "GBP"),
        ),
        ("description", {"description": "# Hi"}, lambda p: p.description == "# Hi"),
    ],
)
def test_an_htmx_save_changes_one_field_and_returns_its_display(
    client, seller, product, name, data, check
):
    client.force_login(seller)

    response = client.post(field_url(product, name), data, headers=HTMX)

    assert response.status_code == 200
    assert f'id="field-{name}"'.encode() in response.content
    assert b"inline-field__form" not in response.content
    product.refresh_from_db()
    assert check(product)


def test_categories_are_saved_inline(client, seller, product):
    icons = Category.objects.create(name="Icons", slug="icons")
    client.force_login(seller)

    client.post(field_url(product, "categories"), {"categories": [icons.pk]}, headers=HTMX)

    assert list(product.categories.all()) == [icons]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("title", {"title": "   "}, b"This field is required"),
        ("title", {"title": "x" * 121}, b"at most 120 characters"),
        ("title", {"title": "Budget\nKit"}, b"Keep it on one line"),
        ("title", {"title": "Budget\rBcc: x@example.com"}, b"Keep it on one line"),
        ("title", {"title": "Budget\tKit"}, b"Keep it on one line"),
        ("tagline", {"tagline": "Plan\u2028it"}, b"Keep it on one line"),
        ("price", {"price": "-1", "currency": "USD"}, b"greater than or equal to 0"),
        ("price", {"price": "abc", "currency": "USD"}, b"Enter a number"),
        ("price", {"price": "5", "currency": "XYZ"}, b"Select a valid choice"),
        ("price", {"price": "0.30", "currency": "USD"}, b"costs at least 0.50"),
        ("status", {"status": "published"}, b"at least one file"),
        ("status", {"status": "deleted"}, b"Select a valid choice"),
    ],
)
def test_invalid_input_re_renders_in_place_with_200_and_changes_nothing(
    client, seller, product, name, data, message
):
    client.force_login(seller)

    response = client.post(field_url(product, name), data, headers=HTMX)

    assert response.status_code == 200
    assert message in response.content
    assert b"<form" in response.content
    product.refresh_from_db()
    assert (product.title, product.price, product.status) == ("Budget Kit", 1200, "draft")


def test_publishing_inline_works_once_a_version_has_a_file(client, seller, product):
    add_version(product)
    client.force_login(seller)

    client.post(field_url(product, "status"), {"status": "published"}, headers=HTMX)

    product.refresh_from_db()
    assert product.status == "published"
    assert product.short_links.count() == 1


def test_without_javascript_a_save_redirects_back_to_the_field(client, seller, product):
    client.force_login(seller)

    page = client.get(field_url(product, "title"))
    response = client.post(field_url(product, "title"), {"title": "New"})

    assert b"<html" in page.content
    assert response["Location"] == f"/studio/products/{product.pk}/#field-title"


def test_without_javascript_cancel_leads_back_to_the_field(client, seller, product):
    client.force_login(seller)

    page = client.get(field_url(product, "title")).content.decode()

    assert f'href="/studio/products/{product.pk}/#field-title"' in page


def test_the_editor_s_own_page_saves_as_a_plain_form(client, seller, product):
    """That page has no heading or short links for an htmx save to update."""
    client.force_login(seller)

    page = client.get(field_url(product, "title")).content.decode()

    assert f'action="{field_url(product, "title")}"' in page
    assert "hx-post" not in page
    assert "hx-get" not in page


def test_cancel_returns_the_display(client, seller, product):
    client.force_login(seller)

    response = client.get(field_url(product, "title") + "?cancel", headers=HTMX)

    assert b"<form" not in response.content
    assert b"Budget Kit" in response.content


def test_an_unknown_field_is_404(client, seller, product):
    client.force_login(seller)

    assert client.get(field_url(product, "seller")).status_code == 404
    assert client.post(field_url(product, "featured"), {"featured": "on"}).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, seller, product, method):
    client.force_login(seller)

    assert getattr(client, method)(field_url(product, "title")).status_code == 405


def test_the_studio_list_counts_visits_once_whatever_the_versions(client, seller, product):
    add_version(product, "1.0")
    add_version(product, "2.0")
    product.short_links.create(label="a", visits=3)
    product.short_links.create(label="b", visits=4)
    client.force_login(seller)

    listed = client.get("/studio/").context["products"][0]

    assert (listed.version_count, listed.visits) == (2, 7)


class Texts(HTMLParser):
    """The page's text, one entry per text node, and the tags that carry `autofocus`."""

    def __init__(self, html: str):
        super().__init__()
        self.texts, self.autofocused = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "autofocus" in attrs:
            self.autofocused.append((tag, attrs.get("name") or attrs.get("href")))

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())


def test_a_title_saved_inline_updates_the_heading_and_the_window_title_out_of_band(
    client, seller, product
):
    client.force_login(seller)

    response = client.post(field_url(product, "title"), {"title": "Budget Kit Pro"}, headers=HTMX)

    page = response.content.decode()
    assert '<h1 id="product-heading" hx-swap-oob="true">Budget Kit Pro</h1>' in page
    assert f"<title>Budget Kit Pro · Studio · {settings.SITE_NAME}</title>" in page
    assert "Budget Kit<" not in page.replace("Budget Kit Pro", "")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("tagline", {"tagline": "Plan it"}),
        ("price", {"price": "15.50", "currency": "GBP"}),
        ("description", {"description": "# Hi"}),
    ],
)
def test_every_inline_save_carries_the_heading_and_short_links(client, seller, product, name, data):
    client.force_login(seller)

    page = client.post(field_url(product, name), data, headers=HTMX).content.decode()

    assert '<h1 id="product-heading" hx-swap-oob="true">Budget Kit</h1>' in page
    assert 'id="short-links" hx-swap-oob="true"' in page


def test_publishing_inline_shows_the_new_short_link_out_of_band(client, seller, product):
    add_version(product)
    client.force_login(seller)

    page = client.post(
        field_url(product, "status"), {"status": "published"}, headers=HTMX
    ).content.decode()

    link = product.short_links.get()
    assert 'id="short-links" hx-swap-oob="true"' in page
    assert f"http://testserver/s/{link.code}" in page
    assert "Publishing creates a short link" not in page


def test_publishing_inline_with_the_cache_down_still_shows_the_short_link(
    client, seller, product, cache_down
):
    add_version(product)
    client.force_login(seller)

    response = client.post(field_url(product, "status"), {"status": "published"}, headers=HTMX)

    assert response.status_code == 200
    assert f"/s/{product.short_links.get().code}" in response.content.decode()


def test_the_edit_page_gives_the_swapped_elements_stable_ids(client, seller, product):
    client.force_login(seller)

    page = client.get(f"/studio/products/{product.pk}/").content.decode()

    assert '<h1 id="product-heading">Budget Kit</h1>' in page
    assert 'id="short-links"' in page
    assert "hx-swap-oob" not in page


@pytest.mark.parametrize(
    ("request_", "data"),
    [("post", {"title": "  "}), ("get", {"cancel": ""}), ("get", {})],
)
def test_only_a_save_swaps_out_of_band(client, seller, product, request_, data):
    client.force_login(seller)

    response = getattr(client, request_)(field_url(product, "title"), data, headers=HTMX)

    assert b"hx-swap-oob" not in response.content
    assert b"<title>" not in response.content


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("title", ["Title"]),
        ("tagline", ["Tagline"]),
        ("price", ["Price", "Currency"]),
        ("description", ["Description"]),
        ("categories", ["Categories"]),
        ("status", ["Status"]),
    ],
)
@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "page"])
def test_a_field_being_edited_is_labelled_once(client, seller, product, name, labels, headers):
    Category.objects.create(name="Icons", slug="icons")
    client.force_login(seller)

    texts = Texts(client.get(field_url(product, name), headers=headers).content.decode()).texts

    for label in labels:
        assert texts.count(label) == 1, label


@pytest.mark.parametrize(
    ("name", "focused"),
    [
        ("title", ("input", "title")),
        ("price", ("input", "price")),
        ("description", ("textarea", "description")),
        ("categories", ("input", "categories")),
        ("status", ("select", "status")),
    ],
)
def test_an_opened_editor_focuses_its_first_input(client, seller, product, name, focused):
    Category.objects.create(name="Icons", slug="icons")
    Category.objects.create(name="Fonts", slug="fonts")
    client.force_login(seller)

    response = client.get(field_url(product, name), headers=HTMX)

    assert Texts(response.content.decode()).autofocused == [focused]


def test_an_editor_with_an_error_focuses_the_field_in_error(client, seller, product):
    client.force_login(seller)

    response = client.post(
        field_url(product, "price"), {"price": "5", "currency": "XYZ"}, headers=HTMX
    )

    assert Texts(response.content.decode()).autofocused == [("select", "currency")]


@pytest.mark.parametrize(
    ("request_", "data"),
    [("post", {"title": "Budget Kit Pro"}), ("get", {"cancel": ""})],
    ids=["save", "cancel"],
)
def test_after_save_or_cancel_the_edit_button_takes_the_focus(
    client, seller, product, request_, data
):
    client.force_login(seller)

    response = getattr(client, request_)(field_url(product, "title"), data, headers=HTMX)

    assert Texts(response.content.decode()).autofocused == [("a", field_url(product, "title"))]


def test_the_edit_page_focuses_nothing_by_itself(client, seller, product):
    client.force_login(seller)

    response = client.get(f"/studio/products/{product.pk}/")

    assert Texts(response.content.decode()).autofocused == []
