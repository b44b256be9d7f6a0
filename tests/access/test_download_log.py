"""Downloads reach the log in batches, one task per batch (access.download_log)."""

import os
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from access.download_log import DownloadBatches, download_log
from access.models import Download, PurchasedProduct
from shop.models import ProductFile
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued():
    """Huey as in production: tasks wait in the queue (Redis on CI, memory otherwise)."""
    HUEY.immediate = False
    HUEY.storage.flush_queue()
    yield
    download_log.flush()  # nothing left for the next test's immediate mode
    HUEY.storage.flush_queue()
    HUEY.immediate = True


@pytest.fixture
def file(buyer, seller) -> ProductFile:
    return ProductFile.objects.get(version__product=owned_product(buyer, seller))


@pytest.fixture
def batches():
    batches = DownloadBatches(flush_every=3600)  # flushed by the tests themselves
    yield batches
    batches._closed.set()


def a_download(file, *, at=None) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "user_id": file.version.product.purchases.get().user_id,
        "file_id": file.pk,
        "product_id": file.version.product_id,
        "at": at or timezone.now(),
        "ip": "203.0.113.9",
        "user_agent": "Tester/1.0",
    }


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


def test_downloads_wait_then_go_to_the_log_as_one_task(queued, batches, file):
    now = timezone.now()
    for minutes in (3, 1, 2):
        batches.add(a_download(file, at=now - timedelta(minutes=minutes)))

    assert HUEY.pending_count() == 0
    batches.flush()

    assert run_queued_tasks() == 1
    assert Download.objects.count() == 3
    assert PurchasedProduct.objects.get().last_downloaded_at == now - timedelta(minutes=1)


def test_waiting_downloads_go_on_their_own(queued, file):
    batches = DownloadBatches(flush_every=0.05)
    batches.add(a_download(file))

    deadline = time.monotonic() + 5
    while HUEY.pending_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)

    batches.close()
    assert HUEY.pending_count() == 1


def test_a_full_batch_goes_at_once(queued, file):
    batches = DownloadBatches(flush_every=3600, max_batch=2)
    batches.add(a_download(file))
    batches.add(a_download(file))

    assert HUEY.pending_count() == 1
    batches.close()


def test_while_the_queue_is_down_downloads_wait_for_the_next_batch(queued, batches, file):
    first, second = a_download(file), a_download(file)
    batches.add(first)
    with mock.patch("access.download_log.log_downloads", side_effect=ConnectionError):
        batches.flush()
    batches.add(second)

    batches.flush()

    assert run_queued_tasks() == 1
    assert set(Download.objects.values_list("key", flat=True)) == {
        uuid.UUID(first["key"]),
        uuid.UUID(second["key"]),
    }


def test_beyond_the_limit_the_oldest_waiting_downloads_are_dropped(queued, file):
    batches = DownloadBatches(flush_every=3600, max_waiting=2)
    downloads = [a_download(file) for _ in range(3)]
    for download in downloads:
        batches.add(download)

    with mock.patch("access.download_log.log_downloads", side_effect=ConnectionError):
        batches.flush()

    assert batches._waiting == downloads[1:]
    batches._closed.set()


# gunicorn forks its workers from a master without threads; here the flusher is running.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_a_forked_process_does_not_send_its_parents_downloads(queued, batches, file):
    batches.add(a_download(file))

    pid = os.fork()
    if pid == 0:  # the child
        os._exit(0 if batches._waiting == [] and batches._flusher is None else 1)
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert len(batches._waiting) == 1


def test_a_download_answers_before_its_log_is_written(queued, client, buyer, file):
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/", headers={"User-Agent": "Tester/1.0"})

    assert response.status_code == 200
    assert not Download.objects.exists()
    download_log.flush()
    run_queued_tasks()
    download = Download.objects.get()
    assert (download.user, download.file, download.user_agent) == (buyer, file, "Tester/1.0")


def test_in_immediate_mode_each_download_is_written_at_once(batches, file):
    batches.add(a_download(file))

    assert Download.objects.count() == 1
    assert batches._flusher is None


def test_a_download_of_a_file_deleted_since_does_not_fail_its_batch(buyer, seller, file):
    from access.services import downloads_record

    other = ProductFile.objects.get(version__product=owned_product(buyer, seller, title="Other"))
    gone = a_download(other)
    other.delete()

    downloads_record(downloads=[a_download(file), gone])

    assert list(Download.objects.values_list("file", flat=True)) == [file.pk]
