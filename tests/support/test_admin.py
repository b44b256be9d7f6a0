"""Staff read requests with their thread, grant free ones and close them, through services."""

import pytest

from support.models import SupportRequest

pytestmark = pytest.mark.django_db
URL = "/admin/support/supportrequest/"


def test_staff_read_a_request_with_its_thread(client, staff, opened):
    client.force_login(staff)

    listing = client.get(URL, {"status": "answered"})
    page = client.get(f"{URL}{opened.pk}/change/")

    assert list(listing.context["cl"].result_list) == [opened]
    assert page.status_code == 200
    assert b"Fixed in 1.1" in page.content


def test_only_staff_get_in(client, buyer, opened):
    client.force_login(buyer)

    assert client.get(URL).status_code == 302


def test_staff_grant_a_free_request_to_an_owner(client, staff, buyer, product):
    client.force_login(staff)

    response = client.post(
        f"{URL}add/",
        {"buyer": buyer.pk, "product": product.pk, "subject": "On the house", "reason": "Press"},
    )

    assert response.status_code == 302
    granted = SupportRequest.objects.get()
    assert (granted.funding, granted.granted_by, granted.grant_reason) == (
        "granted",
        staff,
        "Press",
    )


def test_a_grant_for_someone_who_does_not_own_the_product_is_refused(
    client, staff, stranger, product
):
    client.force_login(staff)

    response = client.post(
        f"{URL}add/",
        {"buyer": stranger.pk, "product": product.pk, "subject": "Hi", "reason": "Press"},
    )

    assert response.status_code == 200
    assert b"does not own" in response.content
    assert not SupportRequest.objects.exists()


def test_staff_close_requests_with_a_reason(client, staff, opened):
    client.force_login(staff)
    chosen = {"action": "close", "_selected_action": [opened.pk]}

    asked = client.post(URL, chosen)
    client.post(URL, chosen | {"apply": "1", "reason": "Duplicate of a ticket"})

    assert asked.status_code == 200
    opened.refresh_from_db()
    assert (opened.status, opened.end_reason) == ("closed", "Duplicate of a ticket")


def test_a_request_cannot_be_edited_or_deleted(client, staff, opened):
    client.force_login(staff)

    client.post(f"{URL}{opened.pk}/change/", {"status": "resolved"})

    assert client.post(f"{URL}{opened.pk}/delete/").status_code == 403
    opened.refresh_from_db()
    assert opened.status == "answered"
