import uuid
from unittest import mock

import pytest

from billing.webhooks import signed_headers
from tests.billing.dodo_stub import DodoStub
from tests.billing.helpers import URL


@pytest.fixture
def webhooks_through(client):
    """The dev provider's webhooks, delivered to the endpoint through the test client."""

    def send(url, body):
        headers = signed_headers(f"msg_dev_{uuid.uuid4().hex}", body)
        return client.post(URL, body, content_type="application/json", headers=headers).status_code

    with mock.patch("billing.providers.dev.send", side_effect=send):
        yield


@pytest.fixture(scope="session")
def stub():
    server = DodoStub()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dodo(stub, settings):
    """PAYMENT_PROVIDER=dodo, the SDK pointed at a local stub of the Dodo API."""
    settings.PAYMENT_PROVIDER = "dodo"
    settings.DODO_PAYMENTS_API_KEY = "sk_test"
    settings.DODO_PAYMENTS_BASE_URL = stub.url
    settings.DODO_PAYMENTS_TIMEOUT = 0.5
    settings.DODO_PAYMENTS_MAX_RETRIES = 0
    stub.requests.clear()
    stub.mode = "up"
    stub.listed.clear()
    return stub
