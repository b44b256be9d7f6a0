import pytest

from shop.models import Product
from tests.conftest import add_version, make_product

pytestmark = pytest.mark.django_db

PRODUCTS = "/admin/shop/product/"


def act(client, url, action, *objects):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True
    )


def test_staff_publish_through_the_service_which_refuses_products_without_files(
    client, staff, seller
):
    ready = make_product(seller, title="Ready")
    add_version(ready)
    empty = make_product(seller, title="Empty")
    client.force_login(staff)

    response = act(client, PRODUCTS, "publish", ready, empty)

    ready.refresh_from_db()
    empty.refresh_from_db()
    assert (ready.status, empty.status) == ("published", "draft")
    assert ready.short_links.count() == 1
    assert b"Add a version with at least one file" in response.content


def test_the_change_form_cannot_set_the_status(client, staff, seller):
    product = make_product(seller, title="Kit")
    client.force_login(staff)

    page = client.get(f"{PRODUCTS}{product.pk}/change/").content.decode()

    assert 'name="status"' not in page
    assert 'name="featured"' not in page


def test_the_change_form_refuses_a_title_on_two_lines(client, staff, seller):
    product = make_product(seller, title="Kit")
    client.force_login(staff)
    data = {
        "seller": seller.pk,
        "title": "Kit\nBcc: everyone@example.com",
        "price": 0,
        "currency": "USD",
    }
    data |= {f"{prefix}-TOTAL_FORMS": 0 for prefix in ("versions", "short_links")}
    data |= {f"{prefix}-INITIAL_FORMS": 0 for prefix in ("versions", "short_links")}

    response = client.post(f"{PRODUCTS}{product.pk}/change/", data)

    assert response.status_code == 200
    assert b"Keep it on one line" in response.content
    product.refresh_from_db()
    assert product.title == "Kit"


def test_feature_and_archive_actions(client, staff, seller):
    product = make_product(seller, title="Kit")
    add_version(product)
    client.force_login(staff)

    act(client, PRODUCTS, "feature", product)
    act(client, PRODUCTS, "archive", product)

    product.refresh_from_db()
    assert product.featured
    assert product.status == Product.Status.ARCHIVED


def test_staff_disable_a_short_link_and_the_redirect_stops(
    client, staff, seller, django_capture_on_commit_callbacks
):
    from shop.services import product_publish

    product = make_product(seller, title="Kit")
    add_version(product)
    product_publish(product=product)
    link = product.short_links.get()
    assert client.get(f"/s/{link.code}").status_code == 302
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, "/admin/shop/shortlink/", "disable", link)

    client.logout()
    assert client.get(f"/s/{link.code}").status_code == 404


def test_the_product_list_filters_by_status(client, staff, seller):
    make_product(seller, title="Draft one")
    client.force_login(staff)

    response = client.get(f"{PRODUCTS}?status__exact=published")

    assert list(response.context["cl"].result_list) == []
