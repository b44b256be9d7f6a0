import pytest
from django.core.cache import cache

from shop.models import ShortLink
from shop.services import (
    product_unpublish,
    short_link_create,
    short_link_flush_visits,
    short_link_pending_visits,
    short_link_set_active,
)
from tests.shop.test_catalog import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = publish(seller, "Budget Kit")
    return product.short_links.get()


def test_a_short_link_redirects_to_its_product(client, link):
    response = client.get(f"/s/{link.code}")

    assert response.status_code == 302
    assert response["Location"] == "/p/budget-kit/"


def test_an_unknown_code_is_404_and_leaves_no_counter(client, db):
    assert client.get("/s/zzzzzzzz").status_code == 404
    assert client.get("/s/zzzzzzzz").status_code == 404

    assert cache.get("shortlink-visits:zzzzzzzz") is None


def test_the_second_hit_is_served_without_the_database(client, link, django_assert_num_queries):
    client.get(f"/s/{link.code}")

    with django_assert_num_queries(0):
        assert client.get(f"/s/{link.code}").status_code == 302


def test_visits_are_counted_in_the_cache_then_flushed(client, link):
    for _ in range(3):
        client.get(f"/s/{link.code}")

    assert short_link_pending_visits(links=[link]) == {link.pk: 3}
    link.refresh_from_db()
    assert link.visits == 0

    assert short_link_flush_visits() == 3
    link.refresh_from_db()
    assert link.visits == 3
    assert short_link_pending_visits(links=[link]) == {link.pk: 0}


def test_disabling_a_link_takes_effect_at_once(client, link, django_capture_on_commit_callbacks):
    client.get(f"/s/{link.code}")

    with django_capture_on_commit_callbacks(execute=True):
        short_link_set_active(link=link, active=False)

    assert client.get(f"/s/{link.code}").status_code == 404


def test_unpublishing_the_product_clears_the_cached_redirect(
    client, link, django_capture_on_commit_callbacks
):
    client.get(f"/s/{link.code}")

    with django_capture_on_commit_callbacks(execute=True):
        product_unpublish(product=link.product)

    assert client.get(f"/s/{link.code}").status_code == 404


def test_a_new_link_works_at_once_even_after_a_miss(
    client, link, django_capture_on_commit_callbacks, monkeypatch
):
    code_field = ShortLink._meta.get_field("code")
    monkeypatch.setitem(code_field.__dict__, "_get_default", lambda: "abcdefgh")
    assert client.get("/s/abcdefgh").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        short_link_create(product=link.product, label="Newsletter")

    assert client.get("/s/abcdefgh").status_code == 302


def test_the_redirect_works_and_counts_with_the_cache_down(client, link, cache_down):

    responses = [client.get(f"/s/{link.code}") for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    link.refresh_from_db()
    assert link.visits == 2


def test_the_short_link_refuses_post(client, link):
    assert client.post(f"/s/{link.code}").status_code == 405
    assert cache.get(f"shortlink-visits:{link.code}") is None


def test_a_seller_adds_a_labelled_link_and_sees_its_visits(client, seller, link):
    client.force_login(seller)

    client.post(f"/studio/products/{link.product.pk}/links/", {"label": "Newsletter"})
    new = link.product.short_links.get(label="Newsletter")
    client.get(f"/s/{new.code}")
    client.get(f"/s/{new.code}")
    page = client.get(f"/studio/products/{link.product.pk}/").content.decode()

    assert new.code in page
    assert "2 visits" in page


def test_a_link_label_is_one_line(client, seller, link):
    client.force_login(seller)

    response = client.post(
        f"/studio/products/{link.product.pk}/links/", {"label": "News\nletter"}, follow=True
    )

    assert "No short link: Keep it on one line" in response.content.decode()
    assert link.product.short_links.count() == 1


def test_a_seller_disables_and_enables_a_link(
    client, seller, link, django_capture_on_commit_callbacks
):
    client.force_login(seller)
    toggle = f"/studio/products/{link.product.pk}/links/{link.pk}/toggle/"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(toggle)
    assert client.get(f"/s/{link.code}").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        client.post(toggle)
    assert client.get(f"/s/{link.code}").status_code == 302


def test_another_seller_cannot_touch_the_links(client, link):
    from tests.conftest import make_seller

    client.force_login(make_seller("rival@example.com"))

    assert (
        client.post(f"/studio/products/{link.product.pk}/links/{link.pk}/toggle/").status_code
        == 404
    )
    assert (
        client.post(f"/studio/products/{link.product.pk}/links/", {"label": "x"}).status_code == 404
    )
    link.refresh_from_db()
    assert link.is_active


def test_link_actions_need_post(client, seller, link):
    client.force_login(seller)

    assert (
        client.get(f"/studio/products/{link.product.pk}/links/{link.pk}/toggle/").status_code == 405
    )
