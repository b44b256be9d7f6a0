"""Downloads from the private S3 storage, against a moto S3 server over HTTP: the redirect, what
the presigned URL serves, how long it lives, and who never gets one.

moto checks neither the signature nor the expiry of a presigned URL, so the server here puts
S3's own check in front of it (tests/access/s3_server.py)."""

import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

from access import downloads
from access.downloads import presigned_expiry, refuse_unsigned_private_storage
from access.models import Download
from access.services import access_grant, access_revoke
from config.settings import _s3
from shop.models import ProductFile
from tests.access.s3_server import S3Server
from tests.conftest import add_version, make_product

pytestmark = pytest.mark.django_db

BUCKET = "tessera-private"
PDF = b"%PDF-1.4 the real bytes"


def private_s3(**options) -> dict:
    """STORAGES["private"] as config/settings.py builds it for S3, with `options` on top."""
    config = _s3(BUCKET, default_acl="private", querystring_auth=True, querystring_expire=60)
    credentials = {"region_name": "us-east-1", "access_key": "testing", "secret_key": "testing"}
    return {**config, "OPTIONS": {**config["OPTIONS"], **credentials, **options}}


@pytest.fixture(scope="module")
def moto_endpoint():
    server = S3Server(secrets={"testing": "testing"})
    server.start()
    endpoint = server.endpoint
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def private_bucket(moto_endpoint, settings, monkeypatch) -> str:
    """The private storage switched to the moto bucket; returns the bucket's URL."""
    settings.STORAGES = {**settings.STORAGES, "private": private_s3(endpoint_url=moto_endpoint)}
    # The field took its storage from the callable when the model loaded, and keeps it.
    monkeypatch.setattr(ProductFile._meta.get_field("file"), "storage", storages["private"])
    return f"{moto_endpoint}/{BUCKET}"


def owned_file(owner, seller, name: str = "guide.pdf", content: bytes = PDF) -> ProductFile:
    """A file uploaded through the version service (so stored in the bucket), owned by `owner`."""
    product = make_product(seller)
    add_version(product, files={name: content})
    access_grant(user=owner, product=product, source="purchase", via="test")
    return ProductFile.objects.get(version__product=product)


def fetch(url: str):
    """GET `url` as the browser does after the redirect: (status, headers, body)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (moto's http URL)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def seconds_left(url: str) -> int:
    """How long from now the URL's signature stays valid, for SigV4 or SigV2 URLs."""
    params = query(url)
    if "X-Amz-Expires" in params:
        signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires_at = signed_at.timestamp() + int(params["X-Amz-Expires"])
    else:
        expires_at = int(params["Expires"])
    return round(expires_at - time.time())


def tampered(url: str) -> str:
    """The URL with one character of its signature changed."""
    name = "X-Amz-Signature" if "X-Amz-Signature=" in url else "Signature"
    head, tail = url.split(f"{name}=", 1)
    return f"{head}{name}={'b' if tail[0] == 'a' else 'a'}{tail[1:]}"


def test_the_owner_is_redirected_to_a_presigned_url_for_the_object(
    client, buyer, seller, private_bucket
):
    file = owned_file(buyer, seller)
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{private_bucket}/{file.file.name}?")
    assert "Signature=" in location
    assert Download.objects.filter(user=buyer, file=file).exists()


@pytest.mark.parametrize(
    ("uploaded_name", "stored_name", "disposition"),
    [
        ("guide.pdf", "guide.pdf", 'attachment; filename="guide.pdf"'),
        ('field "notes".pdf', 'field "notes".pdf', r'attachment; filename="field \"notes\".pdf"'),
        (
            'C:\\Users\\bea\\Résumé "final".pdf',
            'Résumé "final".pdf',
            "attachment; filename*=utf-8''R%C3%A9sum%C3%A9%20%22final%22.pdf",
        ),
    ],
)
def test_the_presigned_url_serves_the_uploaded_bytes_under_the_stored_name(
    client, buyer, seller, private_bucket, uploaded_name, stored_name, disposition
):
    file = owned_file(buyer, seller, name=uploaded_name)
    assert file.original_name == stored_name
    client.force_login(buyer)

    status, headers, body = fetch(client.get(f"/download/{file.pk}/")["Location"])

    assert status == 200
    assert body == PDF
    assert headers["Content-Disposition"] == disposition


def test_the_presigned_url_serves_the_checked_content_type(client, buyer, seller, private_bucket):
    file = owned_file(buyer, seller)
    client.force_login(buyer)

    _, headers, _ = fetch(client.get(f"/download/{file.pk}/")["Location"])

    assert headers["Content-Type"] == file.content_type == "application/pdf"


def test_the_bucket_refuses_the_object_without_the_signature(client, buyer, seller, private_bucket):
    file = owned_file(buyer, seller)
    client.force_login(buyer)
    location = client.get(f"/download/{file.pk}/")["Location"]

    status, _, body = fetch(location.split("?", 1)[0])

    assert status == 403
    assert PDF not in body


def test_the_presigned_url_lives_as_long_as_the_file_needs(
    client, buyer, seller, private_bucket, monkeypatch
):
    monkeypatch.setattr(downloads, "SLOW_BYTES_PER_SECOND", 100)
    file = owned_file(buyer, seller, content=PDF + b"0" * (10_000 - len(PDF)))
    assert presigned_expiry(file.size) == 60 + 100
    client.force_login(buyer)

    location = client.get(f"/download/{file.pk}/")["Location"]

    assert 160 - 2 <= seconds_left(location) <= 160


def test_an_expired_presigned_url_is_refused(client, buyer, seller, private_bucket, monkeypatch):
    monkeypatch.setattr(downloads, "MIN_EXPIRY", 1)
    file = owned_file(buyer, seller)
    client.force_login(buyer)
    location = client.get(f"/download/{file.pk}/")["Location"]
    assert fetch(location)[0] == 200

    time.sleep(2.1)

    assert fetch(location)[0] == 403


def test_a_tampered_signature_is_refused(client, buyer, seller, private_bucket):
    file = owned_file(buyer, seller)
    client.force_login(buyer)
    location = client.get(f"/download/{file.pk}/")["Location"]

    assert fetch(tampered(location))[0] == 403


def test_the_presigned_url_is_signed_with_signature_version_4(
    client, buyer, seller, private_bucket
):
    file = owned_file(buyer, seller)
    client.force_login(buyer)

    location = client.get(f"/download/{file.pk}/")["Location"]

    assert query(location).get("X-Amz-Algorithm") == "AWS4-HMAC-SHA256"


def test_a_stranger_gets_404_and_no_url(client, buyer, seller, stranger, private_bucket):
    file = owned_file(buyer, seller)
    client.force_login(stranger)

    response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 404
    assert not response.has_header("Location")
    assert not Download.objects.exists()


def test_a_revoked_owner_gets_404(client, buyer, seller, private_bucket):
    file = owned_file(buyer, seller)
    access_revoke(user=buyer, product=file.version.product, reason="refund", via="test")
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 404
    assert not Download.objects.exists()


def test_a_small_file_gets_a_minute():
    assert presigned_expiry(0) == 60
    assert presigned_expiry(len(PDF)) == 60
    assert presigned_expiry(99_999) == 60


def test_a_huge_file_gets_at_most_three_hours():
    assert presigned_expiry(10 * 2**30) == 3 * 60 * 60
    assert presigned_expiry(10**15) == 10_800


def test_the_expiry_grows_with_the_size():
    sizes = [0, 1, 100_000, 10**6, 500 * 2**20, 1_074_000_000, 1_074_100_000, 10**12]
    expiries = [presigned_expiry(size) for size in sizes]

    assert expiries == sorted(expiries)
    assert presigned_expiry(10**6) == 60 + 10
    assert presigned_expiry(500 * 2**20) == 60 + 5242


def test_a_private_s3_storage_with_a_custom_domain_is_refused(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": private_s3(custom_domain="files.example.com"),
    }

    with pytest.raises(ImproperlyConfigured, match="custom domain"):
        refuse_unsigned_private_storage()
    with pytest.raises(ImproperlyConfigured, match="custom domain"):
        apps.get_app_config("access").ready()


def test_a_private_s3_storage_on_the_bucket_endpoint_is_accepted(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": private_s3(endpoint_url="http://127.0.0.1:9"),
    }

    refuse_unsigned_private_storage()


def test_owners_share_a_presigned_url_for_half_its_life(
    client, buyer, seller, stranger, private_bucket
):
    file = owned_file(buyer, seller)
    access_grant(user=stranger, product=file.version.product, source="gift", via="test")
    client.force_login(buyer)
    first = client.get(f"/download/{file.pk}/")["Location"]
    client.force_login(stranger)

    second = client.get(f"/download/{file.pk}/")["Location"]

    assert second == first
    assert seconds_left(second) > presigned_expiry(file.size) // 2
    assert Download.objects.count() == 2
