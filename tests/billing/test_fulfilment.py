"""What an order buys is fulfilled through billing.fulfilment: billing's own "product", and an
item a higher app registers (here "consult", standing in for issue 12's paid support)."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.test import Client

from access.models import PurchasedProduct
from access.selectors import user_owns
from billing import services
from billing.fulfilment import (
    ItemTaken,
    UnknownItem,
    fulfilment_for,
    item_choices,
    register_fulfilment,
)
from billing.models import Order, WebhookEvent
from billing.services import order_start
from ops.models import Notice
from ops.notifications import queue_email
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order
from tests.conftest import run_together

pytestmark = pytest.mark.django_db
REFUND = {"payment_id": "pay_1", "refund_id": "ref_1"}
DISPUTE = {"payment_id": "pay_1", "dispute_id": "dp_1"}


class Consult:
    """A paid consultation about a product: records what billing asked of it, as support will,
    writing a notice for the seller in the caller's transaction."""

    def __init__(self):
        self.calls = []
        self.in_transaction = []
        self.broken = False

    def fulfil(self, *, order: Order) -> None:
        self.calls.append(("fulfil", order.pk, order.status))
        self.in_transaction.append(transaction.get_connection().in_atomic_block)
        message = EmailMessage(subject="A consultation was booked", body="", to=["s@example.com"])
        queue_email(message, key=f"consult-{order.pk}-{len(self.calls)}")
        if self.broken:
            raise DatabaseError("the consult's app failed")

    def undo(self, *, order: Order, reason: str) -> None:
        self.calls.append(("undo", order.pk, reason))


@pytest.fixture
def consult():
    item = Consult()
    # The registry as billing left it, plus "consult"; restored after the test.
    with mock.patch.dict("billing.fulfilment._fulfilments"):
        register_fulfilment("consult", label="Consultation", fulfil=item.fulfil, undo=item.undo)
        yield item


@pytest.fixture
def product(seller):
    return paid_product(seller, price=1200)


@pytest.fixture
def consult_order(buyer, product, consult):
    return order_start(buyer=buyer, product=product, provider="dev", item="consult", amount=500)


# Products


def test_billing_registers_products_as_granting_and_revoking_access():
    product = fulfilment_for("product")

    assert (product.fulfil, product.undo) == (
        services.order_grant_product,
        services.order_revoke_product,
    )
    assert ("product", "Product") in item_choices()


def test_a_product_order_is_for_the_product_at_its_price(buyer, product):
    order = pending_order(buyer, product)

    assert (order.item, order.amount, order.currency) == ("product", 1200, product.currency)


def test_a_product_order_grants_on_payment_and_revokes_on_refund_through_the_registry(
    client, buyer, product
):
    order = pending_order(buyer, product)

    deliver(client, "payment.succeeded", payment_data(order))
    assert user_owns(user=buyer, product=product)
    deliver(client, "refund.succeeded", REFUND)

    purchase = PurchasedProduct.objects.get()
    assert (purchase.status, purchase.revoke_reason) == ("revoked", "refund")
    assert [event.reference for event in purchase.events.all()] == [str(order.public_id)] * 2


# Another item


def test_another_item_is_started_at_its_own_price(consult_order, product):
    assert (consult_order.item, consult_order.amount) == ("consult", 500)
    assert consult_order.currency == product.currency


def test_another_item_is_fulfilled_on_payment_inside_the_webhooks_transaction(
    client, consult, consult_order
):
    deliver(client, "payment.succeeded", payment_data(consult_order))

    # Called once, with the order already moved, and its notice kept with the payment.
    assert consult.calls == [("fulfil", consult_order.pk, "paid")]
    consult_order.refresh_from_db()
    assert consult_order.status == "paid"
    assert Notice.objects.filter(key=f"consult-{consult_order.pk}-1").exists()


def test_another_item_never_grants_or_revokes_access_to_its_product(
    client, buyer, product, consult_order
):
    deliver(client, "payment.succeeded", payment_data(consult_order))
    assert not user_owns(user=buyer, product=product)

    deliver(client, "refund.succeeded", REFUND)

    assert not PurchasedProduct.objects.exists()


def test_another_item_is_undone_on_refund(client, consult, consult_order):
    deliver(client, "payment.succeeded", payment_data(consult_order))

    deliver(client, "refund.succeeded", REFUND)

    assert consult.calls[1:] == [("undo", consult_order.pk, "refund")]


def test_another_item_is_undone_on_a_chargeback_and_fulfilled_again_on_a_dispute_won(
    client, consult, consult_order
):
    deliver(client, "payment.succeeded", payment_data(consult_order))
    deliver(client, "dispute.opened", DISPUTE)  # still owned: nothing to do
    deliver(client, "dispute.lost", DISPUTE)
    deliver(client, "dispute.won", DISPUTE)

    assert consult.calls == [
        ("fulfil", consult_order.pk, "paid"),
        ("undo", consult_order.pk, "chargeback"),
        ("fulfil", consult_order.pk, "paid"),
    ]


def test_a_duplicate_payment_fulfils_once(client, consult, consult_order):
    deliver(client, "payment.succeeded", payment_data(consult_order), webhook_id="msg_1")
    deliver(client, "payment.succeeded", payment_data(consult_order), webhook_id="msg_1")
    deliver(client, "payment.succeeded", payment_data(consult_order), webhook_id="msg_2")

    assert len(consult.calls) == 1


def test_a_refund_that_came_before_its_payment_fulfils_nothing(client, consult, consult_order):
    deliver(client, "refund.succeeded", REFUND)

    deliver(client, "payment.succeeded", payment_data(consult_order))

    consult_order.refresh_from_db()
    assert consult_order.status == "refunded"
    assert consult.calls == []


def test_a_fulfilment_that_fails_rolls_the_whole_event_back_and_the_retry_applies_it(
    client, consult, consult_order
):
    consult.broken = True
    with pytest.raises(DatabaseError):
        deliver(client, "payment.succeeded", payment_data(consult_order), webhook_id="msg_1")

    consult_order.refresh_from_db()
    assert (consult_order.status, consult_order.payment_id) == ("pending", "")
    event = WebhookEvent.objects.get()  # stored first, so the provider's retry finds it
    assert (event.processed_at, event.outcome) == (None, "received")
    assert not Notice.objects.exists()  # neither the consult's notice nor the receipt

    consult.broken = False
    response = deliver(client, "payment.succeeded", payment_data(consult_order), webhook_id="msg_1")

    assert response.status_code == 204
    consult_order.refresh_from_db()
    assert consult_order.status == "paid"
    assert WebhookEvent.objects.get().outcome == "applied"


def test_a_paid_order_for_an_item_no_app_fulfils_fails_its_event_until_one_does(
    client, consult, consult_order
):
    registered = fulfilment_for("consult")
    with mock.patch.dict("billing.fulfilment._fulfilments", clear=True):
        with pytest.raises(UnknownItem, match="'consult'"):
            deliver(client, "payment.succeeded", payment_data(consult_order), webhook_id="msg_1")
        consult_order.refresh_from_db()
        assert consult_order.status == "pending"

    assert fulfilment_for("consult") == registered
    deliver(client, "payment.succeeded", payment_data(consult_order), webhook_id="msg_1")
    consult_order.refresh_from_db()
    assert consult_order.status == "paid"


def test_a_payment_of_the_products_price_for_a_cheaper_item_is_held_for_review(
    client, consult, consult_order
):
    deliver(client, "payment.succeeded", payment_data(consult_order, total_amount=1200))

    consult_order.refresh_from_db()
    assert consult_order.status == "pending"
    assert consult_order.needs_review.startswith("paid 1200")
    assert consult.calls == []


# The registry


def test_an_unknown_item_is_refused_at_order_start(buyer, product):
    with pytest.raises(UnknownItem, match="no app fulfils the item 'gift' \\(known: product"):
        order_start(buyer=buyer, product=product, provider="dev", item="gift")

    assert not Order.objects.exists()


def test_an_order_for_an_unknown_item_fails_validation(buyer, product, consult):
    order = Order(buyer=buyer, product=product, amount=1, currency="USD", provider="dev")

    order.item = "consult"
    order.full_clean()
    order.item = "gift"
    with pytest.raises(ValidationError, match="is not a valid choice"):
        order.full_clean()


def test_a_registered_item_is_offered_with_its_label(consult):
    choices = item_choices()
    assert choices[0] == ("product", "Product")
    assert choices[-1] == ("consult", "Consultation")


def test_registering_an_item_again_with_the_same_functions_changes_nothing(consult):
    registered = fulfilment_for("consult")

    register_fulfilment(
        "consult", label="Consultation", fulfil=registered.fulfil, undo=registered.undo
    )

    assert fulfilment_for("consult") == registered


def test_registering_an_item_another_app_fulfils_is_refused(consult):
    registered = fulfilment_for("consult")

    with pytest.raises(ItemTaken, match="'consult'"):
        register_fulfilment(
            "consult", label="Consultation", fulfil=Consult().fulfil, undo=Consult().undo
        )

    assert fulfilment_for("consult") == registered


@pytest.mark.parametrize("item", ["", "x" * 21])
def test_an_item_that_could_not_be_stored_is_refused(item):
    with pytest.raises(ValueError, match="1 to 20 characters"):
        register_fulfilment(item, label="Bad", fulfil=Consult().fulfil, undo=Consult().undo)

    assert item not in dict(item_choices())


# Concurrency


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_deliveries_of_one_payment_fulfil_its_item_once_in_their_transaction(
    consult, buyer, product
):
    order = order_start(buyer=buyer, product=product, provider="dev", item="consult", amount=500)

    def deliver_once():
        deliver(Client(), "payment.succeeded", payment_data(order))

    assert run_together(deliver_once, 50) == []

    assert consult.calls == [("fulfil", order.pk, "paid")]
    # No test transaction around these: the webhook's own is the one the item ran in.
    assert consult.in_transaction == [True]
