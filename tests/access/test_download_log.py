"""Every download is logged before the file is handed over (it is dispute evidence): queued for
a task, or written in the request when the queue is out of reach (access.downloads)."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from access.models import Download, PurchasedProduct
from access.services import download_record
from shop.models import ProductFile
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued():
    """Huey as in production: tasks wait in the queue (Redis on CI, memory otherwise)."""
    HUEY.immediate = False
    HUEY.storage.flush_queue()
    yield
    HUEY.storage.flush_queue()
    HUEY.immediate = True


@pytest.fixture
def file(buyer, seller) -> ProductFile:
    return ProductFile.objects.get(version__product=owned_product(buyer, seller))


def run_queued_tasks() -> int:
    """Run what waits in the queue, in this test's transaction; how many tasks there were."""
    messages = []
    while (message := HUEY.dequeue()) is not None:
        messages.append(message)
    HUEY.immediate = True  # run here, without closing the test's database connection
    for message in messages:
        HUEY.execute(message)
    HUEY.immediate = False
    return len(messages)


def last_downloaded_at():
    return PurchasedProduct.objects.get().last_downloaded_at


def a_download(file: ProductFile, **fields) -> dict:
    return {
        "key": uuid.uuid4(),
        "user_id": PurchasedProduct.objects.get().user_id,
        "file_id": file.pk,
        "product_id": file.version.product_id,
        "at": timezone.now(),
        "ip": "203.0.113.9",
        "user_agent": "Tester/1.0",
    } | fields


def test_a_download_is_queued_and_logged_by_its_task(queued, client, buyer, file):
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/", headers={"User-Agent": "Tester/1.0"})

    assert response.status_code == 200
    assert not Download.objects.exists()
    assert run_queued_tasks() == 1
    download = Download.objects.get()
    assert (download.user, download.file, download.user_agent) == (buyer, file, "Tester/1.0")
    assert last_downloaded_at() == download.at


@pytest.mark.parametrize("error", [redis.ConnectionError, redis.TimeoutError])
def test_a_queue_out_of_reach_logs_the_download_in_the_request(
    queued, client, buyer, file, caplog, error
):
    client.force_login(buyer)

    with mock.patch.object(HUEY.storage, "enqueue", side_effect=error("queue down")):
        response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 200
    download = Download.objects.get()
    assert last_downloaded_at() == download.at
    assert "logged in its request" in caplog.text


def test_a_download_recorded_twice_is_logged_once(file):
    download = a_download(file)

    download_record(download=download)
    download_record(download=download)

    assert Download.objects.count() == 1


def test_the_stamp_only_moves_forward(file):
    now = timezone.now()
    download_record(download=a_download(file, at=now))
    download_record(download=a_download(file, at=now - timedelta(minutes=5)))

    assert Download.objects.count() == 2
    assert last_downloaded_at() == now


def test_an_earlier_download_logged_late_keeps_the_cached_library(file):
    now = timezone.now()
    download_record(download=a_download(file, at=now))

    with mock.patch("access.services.library_changed") as library_changed:
        download_record(download=a_download(file, at=now - timedelta(minutes=5)))

    library_changed.assert_not_called()


def test_a_file_deleted_before_its_download_is_logged_leaves_nothing_to_log(file):
    download = a_download(file)
    file.delete()

    download_record(download=download)

    assert not Download.objects.exists()
