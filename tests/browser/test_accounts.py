"""Accounts in the browser: a newcomer signs up, confirms the address from the email and lands
signed in; signs out from the panel and in again; resets a forgotten password by email;
changes the email address from the panel; meets a dead confirmation link and a dead download.
The same sign-up and sign-in work without JavaScript. Staff see an order's status at 1280 px."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.billing.helpers import paid_product, pending_order
from tests.browser.conftest import VIEWPORTS, check_page
from tests.conftest import PASSWORD, make_seller

NEWCOMER = "new@example.com"
NEW_PASSWORD = "a-fresh-start-9876"
# Wider than a phone, with nowhere the browser would wrap it by itself.
NEW_ADDRESS = "momaker.withalongaddressindeed@studio.example.com"


def mailed_link(to: str, path: str) -> str:
    """The path of the last link to `path…` emailed to `to` (the outbox task has run: Huey is
    immediate in tests)."""
    links = [
        link
        for message in mail.outbox
        if message.to == [to]
        for link in re.findall(rf"https?://[^/\s]+({re.escape(path)}[^\s]+/)", message.body)
    ]
    assert links, f"no link to {path} emailed to {to}"
    return links[-1]


def sign_up(page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()


def confirm(page, email: str) -> None:
    page.goto(mailed_link(email, "/accounts/confirm-email/"))
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()


def sign_in_by_form(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def panel_nav(page):
    return page.locator(".panel__nav")


def test_a_newcomer_signs_up_confirms_signs_out_and_in_again(transactional_db, page):
    page.goto("/accounts/signup/")
    check_page(page)
    sign_up(page, NEWCOMER)
    check_page(page)

    page.goto(mailed_link(NEWCOMER, "/accounts/confirm-email/"))
    expect(page.get_by_text(f"Is {NEWCOMER} yours?")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Confirm").click()

    # Signed in, back in the shop (allauth's redirect after a sign-up), and told so.
    expect(page.get_by_text(f"Thanks: {NEWCOMER} is confirmed.")).to_be_visible()
    expect(page.get_by_text(f"You\u2019re signed in as {NEWCOMER}.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    check_page(page)

    # Signing out asks first, inside the panel.
    page.get_by_role("link", name="Library").first.click()
    panel_nav(page).get_by_role("link", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/library/account/sign-out/$"))
    expect(panel_nav(page).get_by_role("link", name="Sign out")).to_have_attribute(
        "aria-current", "page"
    )
    check_page(page)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You\u2019re signed out. See you soon.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.goto("/accounts/login/")
    check_page(page)
    sign_in_by_form(page, NEWCOMER, PASSWORD)
    expect(page).to_have_url(re.compile(r"/library/$"))


def test_a_forgotten_password_is_reset_by_email(transactional_db, buyer, page):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    check_page(page)
    page.get_by_label("Email").fill(buyer.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    check_page(page)

    page.goto(mailed_link(buyer.email, "/accounts/password/reset/key/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_page(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()
    check_page(page)

    sign_in_by_form(page, buyer.email, NEW_PASSWORD)

    # The same link again: spent, and said so kindly.
    page.get_by_role("button", name="Sign out").click()
    page.goto(mailed_link(buyer.email, "/accounts/password/reset/key/"))
    expect(page.get_by_role("heading", name="This reset link has expired")).to_be_visible()
    check_page(page)


def test_the_email_address_is_changed_from_the_panel(transactional_db, page, sign_in):
    seller = make_seller("maker@example.com", name="Mo Maker")
    sign_in(page, seller)
    page.goto("/studio/account/")
    page.get_by_role("link", name="Change email").click()
    expect(page).to_have_url(re.compile(r"/studio/account/email/$"))
    expect(panel_nav(page).get_by_role("link", name="Email")).to_have_attribute(
        "aria-current", "page"
    )
    check_page(page)

    page.get_by_label("New email address").fill(NEW_ADDRESS)
    page.get_by_role("button", name="Change email").click()
    expect(page.get_by_text(f"We\u2019ve sent a link to {NEW_ADDRESS}.")).to_be_visible()
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()
    check_page(page)

    page.goto(mailed_link(NEW_ADDRESS, "/accounts/confirm-email/"))
    check_page(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text(f"Thanks: {NEW_ADDRESS} is confirmed.")).to_be_visible()
    seller.refresh_from_db()
    assert seller.email == NEW_ADDRESS
    page.goto("/accounts/email/")
    expect(page).to_have_url(re.compile(r"/studio/account/email/$"))
    expect(page.locator(".account-email")).to_have_text(NEW_ADDRESS)


def test_dead_links_say_so_kindly(transactional_db, buyer, page, problems, sign_in):
    page.goto("/accounts/confirm-email/no-such-key/")
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    check_page(page)

    sign_in(page, buyer)
    problems.expect("404")
    page.goto("/download/999999/")
    expect(page.get_by_role("heading", name="This download isn\u2019t available")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Your library").click()
    expect(page).to_have_url(re.compile(r"/library/$"))


def test_signing_up_and_in_works_without_javascript(transactional_db, page_without_js):
    page = page_without_js
    sign_up(page, NEWCOMER)
    confirm(page, NEWCOMER)
    expect(page.get_by_text(f"Thanks: {NEWCOMER} is confirmed.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    sign_in_by_form(page, NEWCOMER, PASSWORD)
    expect(page).to_have_url(re.compile(r"/library/$"))


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_see_an_orders_status_at_1280_px(transactional_db, staff, buyer, page, viewport):
    seller = make_seller("seller@example.com", name="Sam Seller")
    pending_order(buyer, paid_product(seller, title="A Product With A Rather Long Title"))

    page.goto("/admin/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Orders").first.click()

    # The list scrolls sideways inside its own box, beside the filters: the status must be
    # in the part of that box shown without scrolling.
    status = page.locator("th.column-status")
    expect(status).to_be_visible()
    box, shown = status.bounding_box(), page.locator("#changelist .results").bounding_box()
    assert box["x"] + box["width"] <= shown["x"] + shown["width"]
    assert shown["x"] + shown["width"] <= VIEWPORTS["desktop"]["width"]
    expect(page.locator("td.field-total")).to_have_text("$12.00")
