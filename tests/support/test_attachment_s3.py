"""Support attachments in the private S3 storage, against the moto S3 server access's tests
use: stored in the bucket under random names, handed out as short-lived presigned URLs to those
the view lets through, and never left behind by a refusal, a rollback or a deleted message."""

import boto3
import pytest
from django.core.files.storage import storages

from support import services
from support.models import SupportAttachment
from support.services import SupportRefused, message_delete, message_post, request_close
from tests.access.test_s3_downloads import BUCKET, fetch, moto_endpoint, private_s3  # noqa: F401
from tests.support.attachments import PDF, checked, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(moto_endpoint, settings, monkeypatch):  # noqa: F811
    """The private storage switched to the moto bucket; returns a function listing the keys
    under support/."""
    settings.STORAGES = {**settings.STORAGES, "private": private_s3(endpoint_url=moto_endpoint)}
    # The field took its storage from the callable when the model loaded, and keeps it.
    monkeypatch.setattr(SupportAttachment._meta.get_field("file"), "storage", storages["private"])
    s3 = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    def keys() -> list[str]:
        listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="support/")
        return sorted(item["Key"] for item in listed.get("Contents", []))

    for key in keys():
        s3.delete_object(Bucket=BUCKET, Key=key)
    return keys


def test_an_uploaded_file_goes_to_the_bucket_under_a_random_name(client, buyer, opened, bucket):
    client.force_login(buyer)

    client.post(f"/support/{opened.pk}/", {"body": "PDF", "files": [upload("My notes.pdf", PDF)]})

    attachment = SupportAttachment.objects.get()
    assert bucket() == [attachment.file.name]
    assert "notes" not in attachment.file.name


@pytest.mark.parametrize("who", ["buyer", "seller", "staff"])
def test_those_let_through_get_a_presigned_url_serving_the_file_as_an_attachment(
    client, request, buyer, opened, bucket, who
):
    message = message_post(
        request=opened, author=buyer, body="PDF", files=[checked("Résumé.pdf", PDF)]
    )
    attachment = message.attachments.get()
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/support/attachments/{attachment.pk}/")

    assert response.status_code == 302
    assert "Signature=" in response["Location"]
    status, headers, body = fetch(response["Location"])
    assert status == 200
    assert body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == "attachment; filename*=utf-8''R%C3%A9sum%C3%A9.pdf"


def test_a_stranger_gets_404_and_no_url(client, stranger, buyer, opened, bucket):
    message = message_post(request=opened, author=buyer, body="PDF", files=[checked("a.pdf", PDF)])
    client.force_login(stranger)

    response = client.get(f"/support/attachments/{message.attachments.get().pk}/")

    assert response.status_code == 404
    assert not response.has_header("Location")


def test_a_refused_message_leaves_nothing_in_the_bucket(buyer, opened, bucket):
    request_close(request=opened, actor=buyer, reason="done")

    with pytest.raises(SupportRefused):
        message_post(request=opened, author=buyer, body="Late", files=[checked(), checked()])

    assert bucket() == []


def test_a_rolled_back_message_leaves_nothing_in_the_bucket(buyer, opened, bucket, monkeypatch):
    monkeypatch.setattr(services, "_notify", lambda *a, **k: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        message_post(request=opened, author=buyer, body="Hi", files=[checked()])

    assert bucket() == []
    assert not SupportAttachment.objects.exists()


def test_a_deleted_message_takes_its_object_out_of_the_bucket_on_commit(
    staff, buyer, opened, bucket, django_capture_on_commit_callbacks
):
    message = message_post(request=opened, author=buyer, body="Oops", files=[checked()])
    assert len(bucket()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        message_delete(message=message, actor=staff)

    assert bucket() == []
