"""With Redis refusing connections, or accepting them and never answering, the shop keeps
working from the database: signed-in pages, sign-in, the admin and a paid webhook, whose
notices wait in the outbox and go out once when Redis is back. /healthz says 503."""

import socket
import threading

import pytest
from django.core import mail
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from access.models import PurchasedProduct
from access.services import access_grant
from billing.models import Order
from ops import tasks
from ops.models import Notice
from ops.redis import fail_fast_pool, redis_forget_failures
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order
from tests.conftest import PASSWORD, add_version

pytestmark = pytest.mark.django_db

TIMEOUT = 0.25


class HungRedis:
    """A server that accepts connections and never answers; counts them."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.server.accept()[0])
            except OSError:
                return

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def close(self):
        self.server.close()
        for connection in self.accepted:
            connection.close()


def _refusing_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture(params=["refusing", "hung"])
def redis_down(request, settings):
    """The cache and the task queue on a Redis that is down, as `request.param` says."""
    hung = HungRedis() if request.param == "hung" else None
    url = hung.url if hung else _refusing_url()
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.redis_cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }
    HUEY.immediate = False  # before the storage: turning it off makes the storage anew
    HUEY.storage = RedisStorage(
        "tessera", connection_pool=fail_fast_pool(url, connect_timeout=TIMEOUT, timeout=TIMEOUT)
    )
    redis_forget_failures()
    yield hung
    HUEY.immediate = True  # in-process again, on a storage of its own
    redis_forget_failures()
    if hung:
        hung.close()


def _bought(buyer, seller):
    product = paid_product(seller)
    access_grant(user=buyer, product=product, source="staff", via="test")
    return product


def test_signed_in_pages_work_from_the_database(redis_down, client, buyer, seller):
    product = _bought(buyer, seller)
    file = add_version(product, "2.0").files.get()
    client.force_login(buyer)

    assert client.get("/library/").status_code == 200
    assert client.get(f"/library/p/{product.slug}/").status_code == 200
    assert client.get(f"/download/{file.pk}/").status_code == 200
    client.force_login(seller)
    assert client.get("/studio/").status_code == 200
    assert client.get("/studio/sales/").status_code == 200


def test_signing_in_works(redis_down, client, buyer):
    response = client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/library/").status_code == 200


def test_the_admin_works(redis_down, client, staff):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/billing/order/").status_code == 200


def test_healthz_names_the_cache(redis_down, client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "down"}


def test_a_hung_redis_costs_one_timeout_and_then_nothing(redis_down, client, buyer, seller):
    if redis_down is None:
        pytest.skip("a refused connection costs nothing to wait for")
    _bought(buyer, seller)
    client.force_login(buyer)

    for _ in range(5):
        assert client.get("/library/").status_code == 200

    assert len(redis_down.accepted) == 1


def test_a_paid_webhook_is_applied_and_its_notices_wait_for_the_queue(
    redis_down, client, buyer, seller, django_capture_on_commit_callbacks
):
    order = pending_order(buyer, paid_product(seller))

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")

    assert response.status_code == 204
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert PurchasedProduct.objects.owned_by(buyer).filter(product=order.product).exists()
    assert Notice.objects.filter(sent_at=None).count() == 2
    assert mail.outbox == []

    # Redis is back: the periodic task sends what waited, once, and a retried delivery of the
    # same webhook adds nothing.
    HUEY.immediate = True
    tasks.send_due_notices.call_local()
    tasks.send_due_notices.call_local()
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, "payment.succeeded", payment_data(order), "msg_1").status_code == 204

    assert sorted(m.subject for m in mail.outbox) == [
        "You sold Budget Kit",
        "Your receipt for Budget Kit",
    ]
