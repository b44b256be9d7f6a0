"""The download log is written in the request, before the file is handed over (it is dispute
evidence); the owner's last-download stamp follows on a task (access.services)."""

from datetime import timedelta
from unittest import mock

import pytest
from huey.contrib.djhuey import HUEY

from access.models import Download, PurchasedProduct
from access.services import download_stamp
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


# Transactions as in production (autocommit): the on-commit work runs as it would there.
@pytest.mark.django_db(transaction=True)
def test_the_download_is_logged_when_the_file_is_handed_over(queued, client, buyer, file):
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/", headers={"User-Agent": "Tester/1.0"})

    assert response.status_code == 200
    download = Download.objects.get()
    assert (download.user, download.file, download.user_agent) == (buyer, file, "Tester/1.0")
    assert last_downloaded_at() is None  # the stamp waits in the queue
    assert run_queued_tasks() == 1
    assert last_downloaded_at() == download.at


@pytest.mark.django_db(transaction=True)
def test_a_queue_out_of_reach_loses_the_stamp_not_the_download(queued, client, buyer, file, caplog):
    client.force_login(buyer)

    with mock.patch.object(HUEY.storage, "enqueue", side_effect=ConnectionError("queue down")):
        response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 200
    assert Download.objects.count() == 1
    assert last_downloaded_at() is None
    assert "queue down" in caplog.text


def test_the_stamp_only_moves_forward(client, buyer, file, django_capture_on_commit_callbacks):
    client.force_login(buyer)
    with django_capture_on_commit_callbacks() as stamps:  # run by hand, out of order
        client.get(f"/download/{file.pk}/")
        client.get(f"/download/{file.pk}/")
    earlier, later = Download.objects.order_by("at", "pk")
    Download.objects.filter(pk=earlier.pk).update(at=later.at - timedelta(minutes=5))

    stamps[1]()
    stamps[0]()

    assert last_downloaded_at() == later.at


def test_a_stamp_that_moves_nothing_keeps_the_cached_library(buyer, file):
    download = Download.objects.create(
        user=buyer, file=file, product=file.version.product, ip=None, user_agent=""
    )
    download_stamp(download=download)

    with mock.patch("access.services.library_changed") as library_changed:
        download_stamp(download=download)

    library_changed.assert_not_called()
