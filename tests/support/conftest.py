"""Support's common cast: a product the buyer owns with 30 days of included support, and a
request on it the seller has answered. Modules needing another offer define their own."""

import pytest

from support.services import message_post, request_open_included, support_offer_set
from tests.access.helpers import owned_product

# Dodo through its SDK against the local stub, as billing's tests have it.
from tests.billing.conftest import dodo, stub  # noqa: F401


@pytest.fixture
def product(buyer, seller):
    product = owned_product(buyer, seller)
    support_offer_set(product=product, included_days=30, price=0)
    return product


@pytest.fixture
def opened(buyer, seller, product):
    opened = request_open_included(buyer=buyer, product=product, subject="Help", body="Broken")
    message_post(request=opened, author=seller, body="Fixed in 1.1")
    return opened
