"""Signing out: allauth's page of confirmation, inside the panel the user opens it from."""

import pytest

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_only(db):
    return make_user("ops@example.com", is_customer=False, is_staff=True)


@pytest.mark.parametrize(
    ("cast", "url"),
    [("buyer", "/library/account/sign-out/"), ("seller", "/studio/account/sign-out/")],
)
def test_the_page_is_in_the_panel_and_posts_to_allauths_sign_out(client, request, cast, url):
    client.force_login(request.getfixturevalue(cast))

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{url}" aria-current="page">Sign out</a>' in html
    assert "<h1>Sign out</h1>" in html
    assert '<form class="form" method="post" action="/accounts/logout/">' in html
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("cast", "panel_url"),
    [("buyer", "/library/account/sign-out/"), ("seller", "/studio/account/sign-out/")],
)
def test_allauths_sign_out_page_sends_the_user_to_their_panel(client, request, cast, panel_url):
    client.force_login(request.getfixturevalue(cast))

    response = client.get("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == panel_url
    assert "_auth_user_id" in client.session


def test_staff_without_a_panel_get_allauths_page_in_the_shops_words(client, staff_only):
    client.force_login(staff_only)

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert b"<h1>Sign out</h1>" in response.content
    assert b'class="panel__nav"' not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/library/account/sign-out/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_allauths_page_sends_anonymous_visitors_home(client):
    response = client.get("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_studios_page_is_for_sellers(client, buyer):
    client.force_login(buyer)

    assert client.get("/studio/account/sign-out/").status_code == 403


def test_the_page_itself_signs_no_one_out(client, buyer):
    client.force_login(buyer)

    response = client.post("/library/account/sign-out/")

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_an_htmx_request_gets_the_whole_page(client, buyer):
    client.force_login(buyer)

    response = client.get("/library/account/sign-out/", headers={"HX-Request": "true"})

    assert b"<!doctype html>" in response.content
    assert b'class="panel__nav"' in response.content


def test_the_form_signs_out_and_lands_home(client, buyer):
    client.force_login(buyer)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_signing_out_works_with_the_cache_down(client, buyer, cache_down):
    client.force_login(buyer)

    assert client.get("/library/account/sign-out/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
