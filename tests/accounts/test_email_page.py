"""The email page (allauth's, changing to a new address once it is confirmed), inside the
panel the user opens it from."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_only(db):
    return make_user("ops@example.com", is_customer=False, is_staff=True)


def pending(user) -> list[str]:
    return list(
        EmailAddress.objects.filter(user=user, verified=False).values_list("email", flat=True)
    )


def change_to(client, url: str, email: str, capture):
    with capture(execute=True):
        return client.post(url, {"action_add": "", "email": email})


@pytest.mark.parametrize(
    ("cast", "url"), [("buyer", "/library/account/email/"), ("seller", "/studio/account/email/")]
)
def test_the_page_is_in_the_panel_with_its_nav(client, request, cast, url):
    user = request.getfixturevalue(cast)
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<nav aria-label="' in html
    assert f'<a href="{url}" aria-current="page">Email</a>' in html
    assert "<h1>Email address</h1>" in html
    assert user.email in html


@pytest.mark.parametrize(
    ("cast", "panel_url"),
    [("buyer", "/library/account/email/"), ("seller", "/studio/account/email/")],
)
def test_allauths_email_url_sends_the_user_to_their_panel(client, request, cast, panel_url):
    client.force_login(request.getfixturevalue(cast))

    response = client.get("/accounts/email/")

    assert response.status_code == 302
    assert response["Location"] == panel_url


def test_staff_without_a_panel_get_allauths_page_in_the_shops_words(client, staff_only):
    client.force_login(staff_only)

    response = client.get("/accounts/email/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Email address</h1>" in html
    assert 'class="panel__nav"' not in html
    assert "ops@example.com" in html


@pytest.mark.parametrize("url", ["/library/account/email/", "/accounts/email/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_studios_page_is_for_sellers(client, buyer):
    client.force_login(buyer)

    response = client.get("/studio/account/email/")

    assert response.status_code == 403
    assert b"This page is for sellers" in response.content


def test_the_librarys_page_is_for_customers(client, staff_only):
    client.force_login(staff_only)

    assert client.get("/library/account/email/").status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, buyer, method):
    client.force_login(buyer)

    response = getattr(client, method)("/library/account/email/", "email=new%40example.com")

    assert response.status_code == 405
    assert pending(buyer) == []


def test_an_htmx_request_gets_the_whole_page(client, buyer):
    # The page swaps nothing in place: a history restore asks for it whole.
    client.force_login(buyer)

    response = client.get("/library/account/email/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert b"<!doctype html>" in response.content
    assert b'class="panel__nav"' in response.content


def test_a_change_waits_in_the_panel_for_the_new_address(
    client, seller, django_capture_on_commit_callbacks
):
    client.force_login(seller)

    response = change_to(
        client, "/studio/account/email/", "New@Example.com", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response["Location"] == "/studio/account/email/"
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    page = client.get(response["Location"]).content.decode()
    assert "We\u2019ve sent a link to <strong>new@example.com</strong>" in page
    assert "We\u2019ve sent a confirmation link to new@example.com." in page
    seller.refresh_from_db()
    assert seller.email == "seller@example.com"


def test_the_new_address_takes_over_once_confirmed(
    client, buyer, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    change_to(
        client, "/library/account/email/", "new@example.com", django_capture_on_commit_callbacks
    )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body)[1]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)

    buyer.refresh_from_db()
    assert buyer.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=buyer).values_list("email", "verified")) == [
        ("new@example.com", True)
    ]


def test_the_link_can_be_sent_again_and_the_change_cancelled(
    client, buyer, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    url = "/library/account/email/"
    change_to(client, url, "new@example.com", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    cache.clear()  # allauth sends one link per address in three minutes (its rate limit)

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(url, {"action_send": "", "email": "new@example.com"})
    cancelled = client.post(url, {"action_remove": "", "email": "new@example.com"})

    assert (resent["Location"], cancelled["Location"]) == (url, url)
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert pending(buyer) == []
    page = client.get(url).content.decode()
    assert "new@example.com is no longer on your account." in page
    assert "Send the link again" not in page


def test_a_bad_address_re_renders_with_the_error_and_changes_nothing(client, buyer):
    client.force_login(buyer)

    response = client.post("/library/account/email/", {"action_add": "", "email": "not-an-email"})

    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert b'class="panel__nav"' in response.content
    assert pending(buyer) == []
    assert mail.outbox == []


def test_each_user_sees_only_their_own_addresses(
    client, buyer, stranger, django_capture_on_commit_callbacks
):
    other = Client()
    other.force_login(stranger)
    change_to(
        other,
        "/library/account/email/",
        "elsewhere@example.com",
        django_capture_on_commit_callbacks,
    )
    client.force_login(buyer)

    page = client.get("/library/account/email/").content.decode()

    assert "buyer@example.com" in page
    assert "stranger@example.com" not in page
    assert "elsewhere@example.com" not in page


@pytest.mark.parametrize(
    ("cast", "profile", "email_page"),
    [
        ("buyer", "/library/account/", "/library/account/email/"),
        ("seller", "/studio/account/", "/studio/account/email/"),
        ("seller", "/library/account/", "/library/account/email/"),
    ],
)
def test_the_profile_links_to_its_own_panels_email_page(client, request, cast, profile, email_page):
    client.force_login(request.getfixturevalue(cast))

    assert f'href="{email_page}">Change email</a>'.encode() in client.get(profile).content


def test_the_change_works_with_the_cache_down(
    client, buyer, cache_down, django_capture_on_commit_callbacks
):
    # allauth's rate limits and the sessions live in the cache: they let the change through.
    client.force_login(buyer)

    response = change_to(
        client, "/library/account/email/", "new@example.com", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert pending(buyer) == ["new@example.com"]
    assert b"new@example.com" in client.get("/library/account/email/").content
