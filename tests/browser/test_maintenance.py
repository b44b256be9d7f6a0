"""Maintenance mode in a browser: a visitor gets the closed page (also when the shop closes
under an htmx search), staff browse with a banner, and the admin switches it off and on."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ops.models import Maintenance
from ops.services import maintenance_end, maintenance_start
from tests.browser.conftest import check_page, overflow
from tests.conftest import PASSWORD
from tests.shop.test_catalog import publish

CLOSED = "We\u2019ll be back soon"


@pytest.fixture
def shelf(transactional_db, seller):
    publish(seller, "Budget Kit", price=1200)
    publish(seller, "Weekly Planner", price=0)


def test_a_visitor_sees_the_closed_page(transactional_db, page, problems):
    problems.expect("status of 503")
    maintenance_start(
        message="New shelves are going up.", ends_at=timezone.now() + timedelta(hours=2)
    )

    response = page.goto("/products/")

    assert response.status == 503
    assert response.headers["retry-after"].isdigit()
    expect(page.get_by_role("heading", name=CLOSED)).to_be_visible()
    expect(page.get_by_text("New shelves are going up.")).to_be_visible()
    expect(page.get_by_text("We expect to be open again by")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    check_page(page)
    # The narrowest phones too.
    page.set_viewport_size({"width": 320, "height": 640})
    assert overflow(page) <= 0


def test_an_htmx_search_after_the_shop_closed_lands_on_the_closed_page(shelf, page, problems):
    problems.expect("status of 503")
    page.goto("/products/")
    expect(page.locator("#results .product-card__title")).to_have_count(2)

    maintenance_start(message="Closed while you were looking.")
    page.get_by_role("searchbox", name="Search", exact=True).fill("kit")

    # htmx does not swap a 503: the closed page's HX-Refresh reloads the whole page into it,
    # never leaving the old results or half a page behind.
    expect(page.get_by_role("heading", name=CLOSED)).to_be_visible()
    expect(page.get_by_text("Closed while you were looking.")).to_be_visible()
    expect(page.locator("#results")).to_have_count(0)
    check_page(page)


def test_staff_browse_the_closed_shop_with_a_banner(shelf, staff, page, sign_in):
    sign_in(page, staff)
    maintenance_start(message="Stocktaking")

    assert page.goto("/").status == 200
    banner = page.get_by_role("status").filter(has_text="Closed for maintenance.")
    expect(banner).to_contain_text("Stocktaking")
    check_page(page)

    page.get_by_role("link", name="Shop", exact=True).click()
    expect(page.locator("#results .product-card__title")).to_have_count(2)
    expect(banner).to_be_visible()
    check_page(page)

    maintenance_end()
    page.reload()
    expect(page.get_by_text("Closed for maintenance.")).to_have_count(0)


def test_staff_close_and_open_the_shop_in_the_admin(
    transactional_db, staff, open_page, problems, viewport
):
    problems.expect("status of 503")
    # The row as its migration leaves it (the flush after another browser test removes it).
    Maintenance.objects.get_or_create(pk=1)
    admin, visitor = open_page(), open_page()
    admin.goto("/admin/")
    admin.get_by_label("Email").fill(staff.email)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Maintenance mode").first.click()
    expect(admin.locator("#result_list")).to_contain_text("Open")
    admin.get_by_role("link", name="Open").click()

    admin.get_by_label("Closed for maintenance").check()
    admin.get_by_label("Message").fill("Moving to a new server, back tonight.")
    admin.get_by_role("button", name="Save", exact=True).click()

    expect(admin.locator("#result_list")).to_contain_text("Closed for maintenance")
    expect(admin.get_by_text("The shop is closed for maintenance")).to_be_visible()
    assert visitor.goto("/").status == 503
    expect(visitor.get_by_text("Moving to a new server, back tonight.")).to_be_visible()

    admin.get_by_role("link", name="Open the shop").click()
    expect(admin).to_have_url(re.compile(r"/admin/ops/maintenance/1/change/$"))
    admin.get_by_label("Closed for maintenance").uncheck()
    admin.get_by_role("button", name="Save", exact=True).click()

    expect(admin.get_by_text("The shop is closed for maintenance")).to_have_count(0)
    assert visitor.goto("/").status == 200
