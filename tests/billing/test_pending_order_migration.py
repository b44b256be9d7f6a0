"""Migration 0009 expires the pending orders that every Buy used to add, so that its unique
constraint (one pending order per buyer, product and price) can hold on a live database."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.billing.helpers import paid_product
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("billing", "0008_provider_twin_per_item")]
AFTER = [("billing", "0009_pending_orders_resume_cancel_expire")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_repeated_pending_orders_expire_and_the_newest_stays_pending(buyer, seller):
    product, other = paid_product(seller), paid_product(seller, title="Other Kit")
    stranger = make_user("someone@example.com")
    try:
        Order = _migrate(BEFORE).get_model("billing", "Order")

        def order(**fields):
            fields = {"buyer_id": buyer.pk, "product_id": product.pk, "amount": 1200} | fields
            return Order.objects.create(currency="USD", provider="dev", **fields).pk

        repeats = [order(), order(), order()]
        alone = [
            order(amount=1500),
            order(product_id=other.pk),
            order(buyer_id=stranger.pk),
            order(item="support"),
            order(item="support"),
        ]
        failed = order(status="failed")

        Order = _migrate(AFTER).get_model("billing", "Order")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    status = dict(Order.objects.values_list("pk", "status"))
    assert [status[pk] for pk in repeats] == ["expired", "expired", "pending"]
    assert [status[pk] for pk in alone] == ["pending"] * 5
    assert status[failed] == "failed"
