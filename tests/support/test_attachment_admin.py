"""Staff see a message's files in the admin (the request's thread, the message's own page)
and delete a message through the service, its files going from storage on commit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.models import SupportAttachment, SupportMessage
from support.services import message_post
from tests.support.attachments import checked, stored

pytestmark = pytest.mark.django_db
URL = "/admin/support/supportrequest/"
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
