"""Staff read requests with their thread, grant free ones and close them, through services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.models import SupportAttachment, SupportMessage, SupportRequest
from support.services import message_post
from tests.support.attachments import checked, stored

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


# Attachments, and deleting a message


MESSAGES = "/admin/support/supportmessage/"


@pytest.fixture
def attached(buyer, opened):
    return message_post(
        request=opened, author=buyer, body="Leaked my key", files=[checked("key.txt", b"sk_1")]
    )


def test_the_thread_inline_lists_attachments_with_links(client, staff, opened, attached):
    client.force_login(staff)

    page = client.get(f"{URL}{opened.pk}/change/").content.decode()

    attachment = attached.attachments.get()
    assert f'href="/support/attachments/{attachment.pk}/"' in page
    assert "key.txt" in page
    assert f'href="{MESSAGES}{attached.pk}/change/"' in page  # the message's page, to delete it


def test_the_request_page_costs_the_same_queries_for_more_attachments(
    client, staff, buyer, opened, attached, django_assert_num_queries
):
    client.force_login(staff)
    client.get(f"{URL}{opened.pk}/change/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{URL}{opened.pk}/change/")
    for n in range(3):
        message_post(request=opened, author=buyer, body=f"More {n}", files=[checked()] * 2)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"{URL}{opened.pk}/change/")


def test_a_message_page_shows_its_attachments_read_only(client, staff, attached):
    client.force_login(staff)

    response = client.get(f"{MESSAGES}{attached.pk}/change/")

    assert response.status_code == 200
    assert b"key.txt" in response.content
    assert b"text/plain" in response.content
    assert client.get(f"{MESSAGES}add/").status_code == 403


def test_staff_delete_a_message_and_its_file_goes_once_committed(
    client, staff, attached, settings, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert len(stored(settings)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{MESSAGES}{attached.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not SupportMessage.objects.filter(pk=attached.pk).exists()
    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []


def test_the_bulk_delete_goes_through_the_service_too(
    client, staff, attached, settings, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    chosen = {"action": "delete_selected", "_selected_action": [attached.pk], "post": "yes"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(MESSAGES, chosen)

    assert stored(settings) == []


def test_only_staff_reach_messages(client, buyer, attached):
    client.force_login(buyer)

    assert client.get(f"{MESSAGES}{attached.pk}/change/").status_code == 302
    assert client.post(f"{MESSAGES}{attached.pk}/delete/", {"post": "yes"}).status_code == 302
    assert attached.attachments.exists()
