import pytest
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PANELS = [("/library/account/password/", "buyer"), ("/studio/account/password/", "seller")]
NEW = "a-brand-new-passphrase-77"


def _change(client, url, old=PASSWORD, **headers):
    return client.post(
        url,
        {"old_password": old, "new_password1": NEW, "new_password2": NEW},
        headers=headers,
    )


@pytest.mark.parametrize(("url", "cast"), PANELS)
def test_changing_the_password_keeps_this_session(
    client, request, url, cast, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(cast)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _change(client, url)

    assert response["Location"] == url
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(url).status_code == 200
    assert [m.to for m in mail.outbox] == [[user.email]]


@pytest.mark.parametrize(("url", "cast"), PANELS)
def test_changing_the_password_ends_other_sessions(client, request, url, cast):
    user = request.getfixturevalue(cast)
    other = Client()
    other.login(email=user.email, password=PASSWORD)
    assert other.get(url).status_code == 200
    client.force_login(user)

    _change(client, url)

    response = other.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_wrong_current_password_changes_nothing(client, buyer):
    client.force_login(buyer)

    response = _change(client, "/library/account/password/", old="not-my-password")

    assert response.status_code == 200
    assert b"errorlist" in response.content
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)


def test_an_htmx_change_returns_only_the_form(client, buyer):
    client.force_login(buyer)

    response = _change(client, "/library/account/password/", **{"HX-Request": "true"})

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Your password is changed." in response.content


def test_an_invalid_htmx_change_re_renders_with_200(client, buyer):
    client.force_login(buyer)

    response = client.post(
        "/library/account/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "other"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert b"<html" not in response.content


def test_anonymous_is_sent_to_login(client):
    assert client.get("/library/account/password/")["Location"].startswith("/accounts/login/")


def test_a_buyer_cannot_open_the_studio_password_page(client, buyer):
    client.force_login(buyer)

    assert client.get("/studio/account/password/").status_code == 403


def test_delete_is_refused(client, buyer):
    client.force_login(buyer)

    assert client.delete("/library/account/password/").status_code == 405


@pytest.mark.parametrize(("cast", "panel"), [("buyer", "library"), ("seller", "studio")])
def test_allauths_password_page_leads_to_the_panel(client, request, cast, panel):
    client.force_login(request.getfixturevalue(cast))

    response = client.get("/accounts/password/change/")

    assert response["Location"] == f"/{panel}/account/password/"


def test_after_five_attempts_a_minute_the_next_answers_429_and_changes_nothing(
    client, buyer, password_hashes
):
    client.force_login(buyer)
    url = "/library/account/password/"
    statuses = [_change(client, url, old=f"guess-{i}").status_code for i in range(5)]
    password_hashes.clear()

    response = _change(client, url)  # even the right current password

    assert statuses == [200] * 5
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert password_hashes == []
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)


def test_a_limited_htmx_attempt_shows_the_notice_in_the_form(client, buyer):
    client.force_login(buyer)
    url = "/library/account/password/"
    for i in range(5):
        _change(client, url, old=f"guess-{i}")

    response = _change(client, url, **{"HX-Request": "true"})

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Too many attempts" in response.content
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)


def test_the_limit_is_counted_per_user(client, buyer, seller):
    client.force_login(buyer)
    for i in range(6):
        _change(client, "/library/account/password/", old=f"guess-{i}")
    client.force_login(seller)

    response = _change(client, "/studio/account/password/")

    assert response.status_code == 302
