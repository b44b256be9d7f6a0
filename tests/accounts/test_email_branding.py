"""allauth's emails name the shop (SITE_NAME) and link to SITE_URL, whatever host the request
came in on: never "Hello from 127.0.0.1", example.com or testserver."""

import re

import pytest
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SITE = "https://shop.tessera.test"
# The host a request comes in on behind a proxy, or in development.
LOCAL = {"host": "127.0.0.1:8000"}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Tessera"


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def _assert_branded(body: str) -> None:
    assert "Hello from Tessera!" in body
    assert "Thank you for using Tessera!\nshop.tessera.test" in body
    for elsewhere in ("127.0.0.1", "example.com", "testserver", "localhost"):
        assert elsewhere not in body
    assert _links(body)
    assert all(link.startswith(SITE + "/") for link in _links(body))


def test_the_verification_email_names_the_site_and_links_to_it(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@mail.test", "password1": PASSWORD, "password2": PASSWORD},
            headers=LOCAL,
        )

    [message] = mail.outbox
    assert message.subject == "[Tessera] Confirm your email address"
    assert "new@mail.test" in message.body
    _assert_branded(message.body)
    link = re.search(r"https://shop\.tessera\.test(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert client.get(link[1]).status_code == 200


def test_the_password_reset_email_links_to_the_site(client, django_capture_on_commit_callbacks):
    from tests.conftest import make_user

    make_user("forgetful@mail.test")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "forgetful@mail.test"}, headers=LOCAL)

    [message] = mail.outbox
    _assert_branded(message.body)
    assert re.search(r"https://shop\.tessera\.test/accounts/password/reset/key/\S+/", message.body)


def test_a_reset_for_an_unknown_address_links_to_signing_up_on_the_site(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "nobody@mail.test"}, headers=LOCAL)

    [message] = mail.outbox
    _assert_branded(message.body)
    assert f"{SITE}/accounts/signup/" in message.body


def test_a_link_elsewhere_is_left_alone():
    from django.test import RequestFactory

    from accounts.adapter import _on_site

    request = RequestFactory().get("/", headers=LOCAL)

    assert _on_site("https://other.example/x", request) == "https://other.example/x"
    assert _on_site("http://127.0.0.1:8000/a/?b=1#c", request) == f"{SITE}/a/?b=1#c"
    assert _on_site(42, request) == 42
