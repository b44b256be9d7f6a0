"""Maintenance mode in the admin: one row, its list showing the state, its page switching it
through the services."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from ops.maintenance import maintenance_state
from ops.models import Maintenance
from tests.ops.maintenance_helpers import close_shop

pytestmark = pytest.mark.django_db

LIST = "/admin/ops/maintenance/"
PAGE = "/admin/ops/maintenance/1/change/"


def row() -> Maintenance:
    return Maintenance.objects.get(pk=1)


def local(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def switch(client, *, is_on: bool, message: str = "", ends_at=None, **extra):
    data = {"message": message, **extra}
    if is_on:
        data["is_on"] = "on"
    if ends_at is not None:
        data["ends_at_0"], data["ends_at_1"] = local(ends_at).split()
    else:
        data["ends_at_0"] = data["ends_at_1"] = ""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(PAGE, data)


def test_the_list_shows_the_state_with_no_add_or_delete(admin_client_staff):
    close_shop(message="Moving shelves")

    response = admin_client_staff.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Closed for maintenance" in page
    assert "Moving shelves" in page
    assert "/admin/ops/maintenance/add/" not in page
    assert admin_client_staff.get("/admin/ops/maintenance/add/").status_code == 403
    assert admin_client_staff.get("/admin/ops/maintenance/1/delete/").status_code == 403


def test_switching_on_with_a_message_and_an_end_closes_the_shop(admin_client_staff, staff):
    ends_at = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)

    response = switch(admin_client_staff, is_on=True, message="Back by tea time", ends_at=ends_at)

    assert response.status_code == 302
    closed = row()
    assert (closed.is_on, closed.message, closed.ends_at, closed.changed_by) == (
        True,
        "Back by tea time",
        ends_at,
        staff,
    )
    assert maintenance_state().is_on  # the cached copy was forgotten on commit
    # Every admin page now says so, with the way back.
    index = admin_client_staff.get("/admin/").content.decode()
    assert "The shop is closed for maintenance" in index
    assert PAGE in index


def test_switching_off_opens_the_shop(admin_client_staff):
    close_shop(message="Closed")
    maintenance_state()

    response = switch(admin_client_staff, is_on=False, message="Closed")

    assert response.status_code == 302
    assert row().is_on is False
    assert maintenance_state().is_on is False
    assert "The shop is closed" not in admin_client_staff.get("/admin/").content.decode()


def test_an_end_in_the_past_is_refused_and_changes_nothing(admin_client_staff):
    response = switch(admin_client_staff, is_on=True, ends_at=timezone.now() - timedelta(hours=1))

    assert response.status_code == 200
    assert "has already passed" in response.content.decode()
    assert row().is_on is False


def test_a_missing_row_shows_open_and_saving_makes_it(admin_client_staff):
    Maintenance.objects.all().delete()

    assert admin_client_staff.get(LIST)["Location"] == PAGE
    assert admin_client_staff.get(PAGE).status_code == 200
    switch(admin_client_staff, is_on=True, message="Made")

    assert row().message == "Made"


def test_a_customer_cannot_reach_it(client, buyer):
    client.force_login(buyer)

    assert client.get(PAGE).status_code == 302
    assert row().is_on is False


@pytest.fixture
def admin_client_staff(client, staff):
    client.force_login(staff)
    return client
