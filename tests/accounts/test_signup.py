import re

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import User
from ops.models import Notice
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_up(client, email="new@example.com", capture=None):
    with capture(execute=True):
        return client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )


def _confirmation_link(message) -> str:
    site = re.escape(settings.SITE_URL)
    return re.search(site + r"(/accounts/confirm-email/[^/\s]+/)", message.body)[1]


def test_signup_sends_a_verification_email_and_does_not_sign_in(
    client, django_capture_on_commit_callbacks
):
    response = _sign_up(client, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert "_auth_user_id" not in client.session


def test_new_users_are_customers_only(client, django_capture_on_commit_callbacks):
    _sign_up(client, email="New@Example.com", capture=django_capture_on_commit_callbacks)

    user = User.objects.get()
    assert user.email == "new@example.com"
    assert (user.is_customer, user.is_seller, user.is_staff) == (True, False, False)


def test_signup_then_verification_then_login_lands_in_the_library(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, capture=django_capture_on_commit_callbacks)
    link = _confirmation_link(mail.outbox[0])

    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)
    assert confirmed.status_code == 302
    client.post("/accounts/logout/")

    response = client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/library/"


def test_login_before_verification_is_held_at_the_verification_page(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, capture=django_capture_on_commit_callbacks)
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/login/", {"login": "new@example.com", "password": PASSWORD}
        )

    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_an_address_cannot_sign_up_twice_in_another_case(
    client, buyer, django_capture_on_commit_callbacks
):
    _sign_up(client, email="BUYER@example.com", capture=django_capture_on_commit_callbacks)

    assert User.objects.filter(email__iexact="buyer@example.com").count() == 1


def test_a_bad_signup_re_renders_with_errors_and_creates_nothing(client):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
    )

    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not User.objects.exists()


@pytest.mark.parametrize("email", ["new@example.com", "BUYER@example.com"], ids=["new", "taken"])
def test_signing_up_hashes_the_password_once_whether_or_not_the_address_is_taken(
    client, buyer, password_hashes, django_capture_on_commit_callbacks, email
):
    response = _sign_up(client, email=email, capture=django_capture_on_commit_callbacks)

    assert response["Location"] == "/accounts/confirm-email/"
    assert len(password_hashes) == 1


def test_a_taken_address_gets_its_notice_through_the_outbox_after_commit(
    client, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/accounts/signup/",
            {"email": "buyer@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response["Location"] == "/accounts/confirm-email/"
    assert mail.outbox == []
    assert Notice.objects.get().message["to"] == ["buyer@example.com"]

    for callback in callbacks:
        callback()

    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]
    assert "already" in mail.outbox[0].body
