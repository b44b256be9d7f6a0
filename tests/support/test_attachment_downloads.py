"""Files attached to support messages, downloaded by the request's buyer, the product's
seller and staff alone (/support/attachments/<pk>/), the way product files are served."""

import pytest

from access.services import access_grant, access_revoke
from support.models import SupportAttachment
from support.services import message_post, request_open_included
from tests.access.helpers import owned_product
from tests.conftest import make_seller, make_user
from tests.support.attachments import PDF, checked

pytestmark = pytest.mark.django_db


def thread_url(support_request) -> str:
    return f"/support/{support_request.pk}/"


def download_url(attachment) -> str:
    return f"/support/attachments/{attachment.pk}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def attachment(buyer, opened) -> SupportAttachment:
    message = message_post(
        request=opened, author=buyer, body="Here it is.", files=[checked("Crash report.pdf", PDF)]
    )
    return message.attachments.get()


@pytest.mark.parametrize("who", ["buyer", "seller", "staff"])
def test_the_buyer_the_seller_and_staff_download_it_as_an_attachment(
    client, request, attachment, who
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(download_url(attachment))

    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Crash report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= directives(response)


def test_a_text_file_is_served_as_the_type_sniffed_not_as_html(client, buyer, opened):
    message = message_post(
        request=opened, author=buyer, body="Log", files=[checked("page.txt", b"<script>1</script>")]
    )
    client.force_login(buyer)

    response = client.get(download_url(message.attachments.get()))

    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


def test_behind_nginx_the_file_is_handed_over_by_x_accel_redirect(
    client, buyer, attachment, settings
):
    settings.DOWNLOAD_X_ACCEL_PREFIX = "/protected/"
    client.force_login(buyer)

    response = client.get(download_url(attachment))

    assert response["X-Accel-Redirect"] == f"/protected/{attachment.file.name}"
    assert response["Content-Disposition"] == 'attachment; filename="Crash report.pdf"'


def test_a_stranger_and_another_seller_get_404(client, stranger, attachment):
    for user in (stranger, make_seller("rival@example.com")):
        client.force_login(user)

        assert client.get(download_url(attachment)).status_code == 404


def test_another_owner_with_a_request_of_their_own_gets_404(client, product, attachment):
    other = make_user("other@example.com")
    access_grant(user=other, product=product, source="staff", via="test")
    theirs = request_open_included(buyer=other, product=product, subject="Mine", body="Hi")
    client.force_login(other)

    assert client.get(thread_url(theirs)).status_code == 200

    assert client.get(download_url(attachment)).status_code == 404


def test_a_seller_of_another_product_the_buyer_owns_gets_404(client, buyer, attachment):
    rival = make_seller("rival@example.com")
    owned_product(buyer, rival, title="Rival Kit")
    client.force_login(rival)

    assert client.get(download_url(attachment)).status_code == 404


def test_an_unknown_attachment_is_a_404(client, buyer, attachment):
    client.force_login(buyer)

    assert client.get(f"/support/attachments/{attachment.pk + 1}/").status_code == 404
    assert client.get(f"/support/attachments/{2**63}/").status_code == 404


def test_anonymous_visitors_are_sent_to_login_and_back(client, attachment):
    response = client.get(download_url(attachment))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={download_url(attachment)}"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_refused(client, buyer, attachment, method):
    client.force_login(buyer)

    assert getattr(client, method)(download_url(attachment)).status_code == 405
    assert SupportAttachment.objects.filter(pk=attachment.pk).exists()


def test_the_buyer_still_downloads_after_access_is_revoked(client, buyer, product, attachment):
    access_revoke(user=buyer, product=product, reason="refund", via="test")
    client.force_login(buyer)

    response = client.get(download_url(attachment))

    assert response.status_code == 200
    assert body(response) == PDF
