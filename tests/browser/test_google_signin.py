"""Sign-in with Google in the browser, the whole way round: the button posts to the shop, the
shop sends the browser to Google's sign-in page (a local stub that answers at once with the
account "chosen", or with a cancel), Google sends it back, and the shop trades the code with
Google's token endpoint (the same stub) server-side. Only Google's own page, where a person
picks an account, is not there: the stub picks for them."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.google_stub import google_stub_running
from tests.browser.conftest import check_page
from tests.conftest import make_seller, make_user


@pytest.fixture
def google(settings, monkeypatch):
    with google_stub_running(settings, monkeypatch) as stub:
        # The browser goes on to Google's page by the form's redirect, which the CSP's
        # form-action governs: the stub stands where production allows accounts.google.com.
        settings.SECURE_CSP = {
            **settings.SECURE_CSP,
            "form-action": [*settings.SECURE_CSP["form-action"], stub.url],
        }
        yield stub


def test_a_newcomer_continues_with_google_and_is_a_customer_signed_in(
    transactional_db, page, google
):
    google.chosen = {"email": "newcomer@gmail.com"}
    page.goto("/accounts/signup/")
    check_page(page)

    page.get_by_role("button", name="Continue with Google").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    check_page(page)
    page.goto("/library/")
    expect(page).to_have_url(re.compile(r"/library/$"))
    check_page(page)


def test_a_seller_continues_with_google_into_their_studio(transactional_db, page, google):
    seller = make_seller("maker@example.com")
    google.chosen = {"email": seller.email}
    page.goto("/accounts/login/")
    check_page(page)

    page.get_by_role("button", name="Continue with Google").click()

    expect(page).to_have_url(re.compile(r"/studio/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_it_works_without_javascript(transactional_db, page_without_js, google):
    buyer = make_user("reader@example.com")
    google.chosen = {"email": buyer.email}
    page_without_js.goto("/accounts/login/")

    page_without_js.get_by_role("button", name="Continue with Google").click()

    expect(page_without_js).to_have_url(re.compile(r"/library/$"))


def test_cancelling_at_google_comes_back_to_a_page_in_our_words(transactional_db, page, google):
    google.chosen = None
    page.goto("/accounts/login/")

    page.get_by_role("button", name="Continue with Google").click()

    expect(page.get_by_role("heading", name="Signing in with Google was cancelled")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Back to sign in").click()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()


def test_the_page_that_asks_before_going_to_google(transactional_db, page, google):
    google.chosen = {"email": "asker@gmail.com"}
    page.goto("/accounts/google/login/")
    expect(page.get_by_role("heading", name="Continue with Google")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Continue with Google").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_without_google_there_is_no_button(transactional_db, page, path):
    page.goto(path)

    expect(page.get_by_role("button", name=re.compile("Sign in|Create account"))).to_be_visible()
    expect(page.get_by_text("Google")).to_have_count(0)
    check_page(page)
