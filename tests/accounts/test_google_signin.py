"""Sign-in with Google, through allauth's Google provider talking to a local stub of Google's
endpoints over HTTP (tests/accounts/google_stub.py): nothing reaches the network."""

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.accounts.google_stub import CLIENT_ID
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/google/login/"
CALLBACK = "/accounts/google/login/callback/"
REFUSED = "We couldn\N{RIGHT SINGLE QUOTATION MARK}t sign you in with Google"


def _start(client, data=None, **headers) -> dict:
    """Press "Continue with Google": the query Google's sign-in page is sent."""
    response = client.post(LOGIN, data or {}, **headers)
    assert response.status_code == 302, response
    return dict(parse_qsl(urlsplit(response["Location"]).query))


def _sign_in(client, stub, email, capture, *, data=None, **claims):
    """The whole dance: start, choose the Google account `email`, come back."""
    query = _start(client, data)
    code = stub.code_for(email, **claims)
    with capture(execute=True):
        return client.get(CALLBACK, {"code": code, "state": query["state"]})


def _signed_in(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_new_google_account_becomes_a_customer_signed_in(
    client, google_stub, django_capture_on_commit_callbacks
):
    response = _sign_in(
        client, google_stub, "New@Gmail.com", django_capture_on_commit_callbacks, name="New Nia"
    )

    user = User.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/"  # the shop, as after confirming an email sign-up
    assert _signed_in(client) == user
    assert user.email == "new@gmail.com"
    assert (user.is_customer, user.is_seller, user.is_staff) == (True, False, False)
    assert not user.has_usable_password()
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("new@gmail.com", True, True)
    ]
    assert SocialAccount.objects.get().user == user
    assert user.name == ""  # sellers see a name only once the customer chooses to give one
    assert mail.outbox == []  # nothing to confirm: Google has verified the address


def test_the_code_is_traded_with_the_secret_and_the_pkce_verifier(
    client, google_stub, django_capture_on_commit_callbacks
):
    query = _start(client)
    code = google_stub.code_for("new@gmail.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(CALLBACK, {"code": code, "state": query["state"]})

    (trade,) = google_stub.token_requests
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/accounts/google/login/callback/"
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == "S256"
    assert trade["redirect_uri"] == query["redirect_uri"]
    assert trade["code_verifier"]
    assert trade["client_secret"] == "google-test-secret"


@pytest.mark.parametrize(
    ("cast", "landing"),
    [("buyer", "/library/"), ("seller", "/studio/"), ("staff", "/admin/")],
)
def test_a_verified_google_address_signs_into_the_user_who_has_it(
    client, request, google_stub, django_capture_on_commit_callbacks, cast, landing
):
    user = request.getfixturevalue(cast)

    response = _sign_in(client, google_stub, user.email.upper(), django_capture_on_commit_callbacks)

    assert response["Location"] == landing
    assert _signed_in(client) == user
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # their password still works too
    assert SocialAccount.objects.get().user == user
    (notice,) = mail.outbox
    assert notice.to == [user.email]
    assert "Google is connected to your account" in notice.subject


def test_the_next_sign_in_finds_the_connected_account_without_a_second_notice(
    client, buyer, google_stub, django_capture_on_commit_callbacks
):
    _sign_in(client, google_stub, buyer.email, django_capture_on_commit_callbacks, sub="42")
    client.post("/accounts/logout/")
    mail.outbox.clear()

    response = _sign_in(
        client, google_stub, buyer.email, django_capture_on_commit_callbacks, sub="42"
    )

    assert response["Location"] == "/library/"
    assert _signed_in(client) == buyer
    assert SocialAccount.objects.count() == 1
    assert mail.outbox == []


def test_an_unverified_google_address_does_not_take_over_the_account_that_has_it(
    client, buyer, google_stub, django_capture_on_commit_callbacks
):
    response = _sign_in(
        client, google_stub, buyer.email, django_capture_on_commit_callbacks, verified=False
    )

    assert _signed_in(client) is None
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"  # as any sign-up with the address
    assert User.objects.get() == buyer
    assert not SocialAccount.objects.exists()
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)
    # The owner hears that someone tried; the person at Google learns nothing from the page.
    (notice,) = mail.outbox
    assert notice.to == [buyer.email]
    assert "You already have an account" in notice.subject


def test_an_unverified_google_address_that_is_free_must_be_confirmed_first(
    client, google_stub, django_capture_on_commit_callbacks
):
    response = _sign_in(
        client, google_stub, "new@example.com", django_capture_on_commit_callbacks, verified=False
    )

    assert response["Location"] == "/accounts/confirm-email/"
    assert _signed_in(client) is None
    assert EmailAddress.objects.get().verified is False
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


def test_an_inactive_user_is_refused(client, google_stub, django_capture_on_commit_callbacks):
    user = make_user("gone@example.com", is_active=False)

    response = _sign_in(client, google_stub, user.email, django_capture_on_commit_callbacks)

    assert _signed_in(client) is None
    assert response["Location"] == "/accounts/inactive/"
    assert "This account is inactive" in client.get("/accounts/inactive/").text


def test_cancelling_at_google_lands_on_a_page_in_our_words(client, google_stub):
    query = _start(client)

    response = client.get(
        CALLBACK, {"error": "access_denied", "state": query["state"]}, follow=True
    )

    assert response.redirect_chain == [("/accounts/3rdparty/login/cancelled/", 302)]
    assert response.status_code == 200
    assert "Signing in with Google was cancelled" in response.text
    assert 'href="/accounts/login/"' in response.text
    assert _signed_in(client) is None
    assert google_stub.token_requests == []


@pytest.mark.parametrize("state", ["forged", ""])
def test_a_bad_state_is_refused_before_any_code_is_traded(client, google_stub, state):
    _start(client)
    code = google_stub.code_for("new@gmail.com")

    response = client.get(CALLBACK, {"code": code, "state": state})

    assert response.status_code == 401
    assert REFUSED in response.text
    assert google_stub.token_requests == []
    assert not User.objects.exists()


def test_a_state_is_good_for_one_return_only(
    client, google_stub, django_capture_on_commit_callbacks
):
    query = _start(client)
    code = google_stub.code_for("new@gmail.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(CALLBACK, {"code": code, "state": query["state"]})
    client.post("/accounts/logout/")

    again = client.get(CALLBACK, {"code": code, "state": query["state"]})

    assert REFUSED in again.text
    assert _signed_in(client) is None


def test_a_state_from_another_browser_is_refused(client, google_stub):
    query = _start(Client())
    code = google_stub.code_for("new@gmail.com")

    response = client.get(CALLBACK, {"code": code, "state": query["state"]})

    assert REFUSED in response.text
    assert google_stub.token_requests == []


def test_an_id_token_made_for_another_client_is_refused(
    client, buyer, google_stub, django_capture_on_commit_callbacks
):
    google_stub.audience = "someone-else.apps.googleusercontent.com"

    response = _sign_in(client, google_stub, buyer.email, django_capture_on_commit_callbacks)

    assert REFUSED in response.text
    assert _signed_in(client) is None
    assert not SocialAccount.objects.exists()


def test_a_code_google_refuses_ends_on_the_error_page(client, google_stub):
    query = _start(client)

    response = client.get(CALLBACK, {"code": "made-up", "state": query["state"]})

    assert response.status_code == 401
    assert REFUSED in response.text
    assert not User.objects.exists()


def test_google_out_of_reach_ends_on_the_error_page(client, google_stub):
    query = _start(client)
    code = google_stub.code_for("new@gmail.com")
    google_stub.server.shutdown()
    google_stub.server.server_close()

    response = client.get(CALLBACK, {"code": code, "state": query["state"]})

    assert response.status_code == 401
    assert REFUSED in response.text
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("next_page", "lands_on"), [("/support/", "/support/"), ("https://evil.example/", "/")]
)
def test_the_next_page_survives_the_trip_to_google_unless_it_is_elsewhere(
    client, google_stub, django_capture_on_commit_callbacks, next_page, lands_on
):
    response = _sign_in(
        client,
        google_stub,
        "new@gmail.com",
        django_capture_on_commit_callbacks,
        data={"next": next_page},
    )

    assert response["Location"] == lands_on


def test_a_google_account_without_an_address_asks_for_one(
    client, google_stub, django_capture_on_commit_callbacks
):
    query = _start(client)
    code = google_stub.code_for("placeholder@example.com")
    google_stub.codes[code].pop("email")
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)

    assert asked.redirect_chain[-1][0] == "/accounts/3rdparty/signup/"
    assert "One more step" in asked.text
    assert 'class="card auth__card"' in asked.text  # inside our layout
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/3rdparty/signup/", {"email": "Mine@Example.com"})

    user = User.objects.get()
    assert response["Location"] == "/accounts/confirm-email/"
    assert (user.email, user.is_customer, user.is_seller) == ("mine@example.com", True, False)
    assert [m.to for m in mail.outbox] == [["mine@example.com"]]


def test_a_signed_in_user_who_continues_with_google_becomes_that_google_user(
    client, buyer, stranger, google_stub, django_capture_on_commit_callbacks
):
    client.force_login(buyer)

    response = _sign_in(client, google_stub, stranger.email, django_capture_on_commit_callbacks)

    assert response["Location"] == "/library/"
    assert _signed_in(client) == stranger


def test_continuing_with_google_takes_a_post(client, google_stub):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "Google will ask you to choose an account" in response.text
    assert '<form class="form" method="post">' in response.text


def test_continuing_with_google_needs_the_csrf_token(google_stub):
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN)

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url"), [("put", LOGIN), ("post", CALLBACK)])
def test_wrong_methods_are_refused(client, google_stub, method, url):
    assert getattr(client, method)(url).status_code == 405


def test_an_htmx_press_is_sent_to_google_by_a_full_page_load(client, google_stub):
    response = client.post(LOGIN, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(f"{google_stub.url}/o/oauth2/v2/auth?")


@pytest.mark.parametrize("page", ["/accounts/login/", "/accounts/signup/"])
def test_the_button_shows_when_google_is_on(client, google_stub, page):
    response = client.get(page)

    assert "Continue with Google" in response.text
    assert f'<form class="form" method="post" action="{LOGIN}">' in response.text


def test_the_button_carries_the_next_page(client, google_stub):
    response = client.get("/accounts/login/?next=/support/")

    assert f'action="{LOGIN}?next=%2Fsupport%2F"' in response.text


@pytest.mark.parametrize("page", ["/accounts/login/", "/accounts/signup/"])
def test_nothing_google_shows_when_it_is_off(client, page):
    response = client.get(page)

    assert response.status_code == 200
    assert "Google" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        LOGIN,
        CALLBACK + "?code=x&state=y",
        "/accounts/google/login/token/",
        "/accounts/3rdparty/",
        "/accounts/3rdparty/signup/",
        "/accounts/3rdparty/login/cancelled/",
        "/accounts/3rdparty/login/error/",
        "/accounts/social/login/cancelled/",
        "/accounts/social/connections/",
    ],
)
def test_every_page_of_it_is_not_found_when_it_is_off(client, url):
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


@pytest.mark.parametrize(
    "url", ["/accounts/google/login/token/", "/accounts/3rdparty/", "/accounts/social/signup/"]
)
def test_pages_not_offered_are_not_found_when_it_is_on(client, buyer, google_stub, url):
    client.force_login(buyer)

    assert client.get(url).status_code == 404


def test_the_google_pages_speak_our_words_inside_our_layout(client, google_stub):
    for url, title in [
        (LOGIN, "Continue with Google"),
        ("/accounts/3rdparty/login/cancelled/", "Signing in with Google was cancelled"),
        ("/accounts/3rdparty/login/error/", REFUSED),
    ]:
        response = client.get(url)
        assert response.status_code == (401 if url.endswith("error/") else 200), url
        assert f"<h1>{title}</h1>" in response.text
        assert 'class="card auth__card"' in response.text


def test_google_sign_in_works_with_the_cache_down(
    client, buyer, google_stub, cache_down, django_capture_on_commit_callbacks
):
    response = _sign_in(client, google_stub, "new@gmail.com", django_capture_on_commit_callbacks)

    assert response["Location"] == "/"
    assert _signed_in(client) == User.objects.get(email="new@gmail.com")
    client.post("/accounts/logout/")
    again = _sign_in(client, google_stub, buyer.email, django_capture_on_commit_callbacks)
    assert again["Location"] == "/library/"
    assert _signed_in(client) == buyer


def test_no_query_asks_whether_google_is_on(client, google_stub, django_assert_num_queries):
    client.get("/accounts/login/")  # warm: the session and what a first visit sets up

    with django_assert_num_queries(0):
        response = client.get("/accounts/login/")

    assert "Continue with Google" in response.text


def test_staff_see_a_users_google_account_and_no_google_client_to_edit(
    client, staff, buyer, google_stub, django_capture_on_commit_callbacks
):
    _sign_in(client, google_stub, buyer.email, django_capture_on_commit_callbacks)
    client.force_login(staff)

    listed = client.get("/admin/socialaccount/socialaccount/")

    assert listed.status_code == 200
    assert buyer.email in listed.text
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404
    assert client.get("/admin/socialaccount/socialtoken/").status_code == 404


def test_a_verified_google_address_over_an_unconfirmed_sign_up_locks_out_its_password(
    client, google_stub, django_capture_on_commit_callbacks
):
    # Someone signed up with the address and never confirmed it, perhaps not its owner: the
    # owner, coming by Google, must confirm it by email, and the password set by whoever
    # signed up stops working (allauth's rule).
    squatter = make_user("owner@gmail.com", verified=False)

    response = _sign_in(client, google_stub, squatter.email, django_capture_on_commit_callbacks)

    assert response["Location"] == "/accounts/confirm-email/"
    assert _signed_in(client) is None
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()
    assert [m.to for m in mail.outbox][-1] == ["owner@gmail.com"]


def test_google_answering_too_slowly_ends_on_the_error_page_in_time(client, settings, google_stub):
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 0.5
    google_stub.delay = 3
    query = _start(client)
    code = google_stub.code_for("new@gmail.com")

    started = time.monotonic()
    response = client.get(CALLBACK, {"code": code, "state": query["state"]})

    assert time.monotonic() - started < 2
    assert response.status_code == 401
    assert REFUSED in response.text
    assert not User.objects.exists()
