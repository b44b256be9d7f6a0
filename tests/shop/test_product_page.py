import pytest

from access.services import access_grant
from shop import extensions
from shop.services import product_archive, product_publish, product_update
from tests.conftest import add_version, make_product, make_seller

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(seller):
    product = make_product(
        seller,
        title="Budget Kit",
        price=1250,
        description="**Bold** claim\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    )
    add_version(
        product, "2.1.0", files={"kit.zip": b"PK\x03\x04" + b"\0" * 2044, "README.md": b"hi"}
    )
    return product_publish(product=product)


def test_a_published_product_is_public(client, product):
    response = client.get("/p/budget-kit/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "$12.50" in page
    assert "Version 2.1.0" in page
    assert "kit.zip" in page
    assert "2.0\xa0KB" in page


def test_seller_markdown_is_rendered_safely(client, product):
    page = client.get("/p/budget-kit/").content.decode()

    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "javascript:" not in page


def test_the_url_survives_a_new_title(client, product):
    product_update(product=product, title="Budget Kit Pro")

    assert client.get("/p/budget-kit/").status_code == 200


@pytest.mark.parametrize("state", ["draft", "archived"])
def test_unpublished_products_are_hidden_from_the_public(client, seller, product, state):
    if state == "archived":
        product_archive(product=product)
    else:
        draft = make_product(seller, title="Budget Kit Draft")
        product = draft

    assert client.get(f"/p/{product.slug}/").status_code == 404
    client.force_login(make_seller("rival@example.com"))
    assert client.get(f"/p/{product.slug}/").status_code == 404
    client.force_login(seller)
    owner_view = client.get(f"/p/{product.slug}/")
    assert owner_view.status_code == 200
    assert b"only you can see this page" in owner_view.content


def test_an_unknown_slug_is_404(client, db):
    assert client.get("/p/nothing-here/").status_code == 404


def test_post_is_refused(client, product):
    assert client.post("/p/budget-kit/").status_code == 405


def test_home_shows_featured_and_newest(client, product):
    from shop.services import product_set_featured

    product_set_featured(products=[product], featured=True)

    response = client.get("/")

    assert [p.title for p in response.context["featured"]] == ["Budget Kit"]
    assert [p.title for p in response.context["newest"]] == ["Budget Kit"]


def test_each_apps_offer_is_shown_in_the_order_registered(client, product, monkeypatch):
    monkeypatch.setattr(
        extensions,
        "_offers",
        [
            lambda request, product: "<p>first offer</p>",
            lambda request, product: "  ",
            lambda request, product: "<p>second offer</p>",
        ],
    )

    page = client.get(f"/p/{product.slug}/").content.decode()

    assert (
        '<div id="call-to-action">\n        <p>first offer</p><p>second offer</p>\n      </div>'
        in page
    )


def test_a_paid_product_offers_buy_and_an_owner_their_downloads_never_both(client, buyer, product):
    client.force_login(buyer)

    before = client.get(f"/p/{product.slug}/").content.decode()
    access_grant(user=buyer, product=product, source="staff", via="test")
    after = client.get(f"/p/{product.slug}/").content.decode()

    assert ">Buy" in before
    assert "Download" not in before
    assert "Download kit.zip" in after
    assert ">Buy" not in after
