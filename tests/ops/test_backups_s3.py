"""Backups in a private S3 bucket (S3_BACKUP_BUCKET), against the moto server access's tests
use: stored privately, restored from the bucket, and a bucket that refuses leaves a recorded,
alerted failure and nothing listed."""

import io

import boto3
import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from config.settings import _s3
from ops.backups import backup_create, backups_stored
from ops.models import Backup, Notice
from tests.access.test_s3_downloads import moto_endpoint  # noqa: F401
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "tessera-backups"


def backups_s3(bucket: str, endpoint: str) -> dict:
    """STORAGES["backups"] as config/settings.py builds it for S3_BACKUP_BUCKET."""
    config = _s3(bucket, default_acl="private", querystring_auth=True, querystring_expire=60)
    credentials = {"region_name": "us-east-1", "access_key": "testing", "secret_key": "testing"}
    return {**config, "OPTIONS": {**config["OPTIONS"], **credentials, "endpoint_url": endpoint}}


@pytest.fixture
def s3(moto_endpoint):  # noqa: F811
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


@pytest.fixture
def bucket(s3, moto_endpoint, settings):  # noqa: F811
    settings.DEBUG = True  # restore takes DEBUG off for production
    settings.STORAGES = {**settings.STORAGES, "backups": backups_s3(BUCKET, moto_endpoint)}

    def keys() -> list[str]:
        return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))

    return keys


def test_a_backup_goes_to_the_bucket_privately(bucket, s3, buyer):
    backup = backup_create()

    assert backup.status == Backup.Status.OK
    assert bucket() == [f"{backup.name}.json", f"{backup.name}.tar"]
    for key in bucket():
        grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
        assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)
    archive = s3.get_object(Bucket=BUCKET, Key=f"{backup.name}.tar")["Body"].read()
    assert len(archive) == backup.size
    assert [stored.name for stored in backups_stored()] == [backup.name]


def test_a_backup_in_the_bucket_restores(bucket, buyer):
    if connection.vendor != "sqlite":
        pytest.skip("restores into the test database on SQLite; PostgreSQL has its drill")
    backup = backup_create()
    make_user("after@example.com")

    call_command("restore", backup.name, "--yes", stdout=io.StringIO())

    assert list(User.objects.values_list("email", flat=True)) == ["buyer@example.com"]


def test_a_bucket_that_refuses_records_and_alerts_the_failure(
    s3,
    moto_endpoint,  # noqa: F811
    settings,
    staff,
):
    refusing = backups_s3("no-such-bucket", moto_endpoint)
    settings.STORAGES = {**settings.STORAGES, "backups": refusing}

    backup = backup_create()

    assert backup.status == Backup.Status.FAILED
    assert "NoSuchBucket" in backup.error
    assert Notice.objects.filter(key=f"backup-failed-{backup.name}-{staff.pk}").exists()
    assert s3.list_objects_v2(Bucket=BUCKET).get("Contents", []) == []
