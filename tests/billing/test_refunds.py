from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from access.selectors import user_owns
from billing.models import Order
from billing.providers import ProviderError
from billing.services import order_refund_request
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)  # refunds are asked outside any transaction
ORDERS = "/admin/billing/order/"


@pytest.fixture
def product(seller):
    return paid_product(seller)


@pytest.fixture
def paid(client, buyer, product):
    order = pending_order(buyer, product)
    assert deliver(client, "payment.succeeded", payment_data(order)).status_code == 204
    order.refresh_from_db()
    assert order.status == "paid"
    return order


@pytest.fixture
def staff_client(client, staff):
    staff.is_superuser = False
    staff.save()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "refund_order"])
    )
    client.force_login(staff)
    return client


def refund(client, order, reason="Broken download", where=ORDERS):
    data = {"action": "refund", "_selected_action": [order.pk], "apply": "yes", "reason": reason}
    return client.post(where, data, follow=True)


def test_the_action_asks_for_a_reason_before_it_asks_the_provider(staff_client, paid):
    with mock.patch("billing.providers.dev.send") as send:
        page = staff_client.post(ORDERS, {"action": "refund", "_selected_action": [paid.pk]})

    assert page.status_code == 200
    assert "Ask the payment provider to refund 1 order" in page.content.decode()
    assert str(paid.public_id) in page.content.decode()
    send.assert_not_called()
    paid.refresh_from_db()
    assert paid.refund_requested_at is None


def test_a_blank_reason_is_refused_and_nothing_is_asked(staff_client, paid):
    with mock.patch("billing.providers.dev.send") as send:
        page = refund(staff_client, paid, reason="")

    assert "This field is required" in page.content.decode()
    send.assert_not_called()


def test_staff_refund_through_the_dev_provider_and_the_webhook_records_it(
    staff_client, staff, paid, buyer, product, webhooks_through
):
    page = refund(staff_client, paid)

    assert "1 refund(s) asked for" in page.content.decode()
    paid.refresh_from_db()
    assert paid.status == "refunded"
    assert (paid.refund_requested_by, paid.refund_reason) == (staff, "Broken download")
    assert paid.refund_id.startswith("dev_ref_")
    assert not user_owns(user=buyer, product=product)


def test_the_refund_action_is_not_on_an_orders_own_page(staff_client, paid):
    # The admin runs an object's page in a transaction; the provider is asked outside one.
    page = staff_client.get(f"{ORDERS}{paid.pk}/change/").content.decode()

    assert 'value="refund"' not in page


def test_a_refund_is_never_asked_inside_a_transaction(paid, staff):
    with transaction.atomic(), pytest.raises(RuntimeError, match="inside a transaction"):
        order_refund_request(order_id=paid.pk, reason="x", actor=staff, webhook_url="http://x/")


def test_a_second_refund_request_is_refused_while_the_first_is_pending(staff_client, paid, dodo):
    Order.objects.filter(pk=paid.pk).update(provider="dodo")
    refund(staff_client, paid)

    page = refund(staff_client, paid)

    assert "not refunded, a refund was asked for on" in page.content.decode()
    assert dodo.calls().count(("POST", "/refunds")) == 1


def test_a_refund_dodo_does_not_answer_is_kept_and_flagged_not_retried(staff_client, paid, dodo):
    Order.objects.filter(pk=paid.pk).update(provider="dodo")
    dodo.mode = "slow"

    page = refund(staff_client, paid)

    assert "Dodo did not answer" in page.content.decode()
    assert dodo.calls().count(("POST", "/refunds")) == 1  # no retry: it may have been made
    paid.refresh_from_db()
    assert paid.status == "paid"
    assert paid.refund_requested_at is not None
    assert "got no answer" in paid.needs_review


def test_an_unpaid_order_is_not_refunded(staff_client, buyer, product):
    order = pending_order(buyer, product)
    with mock.patch("billing.providers.dev.send") as send:
        page = refund(staff_client, order)

    assert "not refunded, the order is pending" in page.content.decode()
    send.assert_not_called()


def test_a_provider_that_refuses_leaves_the_order_paid_and_askable_again(staff_client, paid):
    with mock.patch("billing.providers.dev.send", side_effect=ProviderError("unreachable")):
        page = refund(staff_client, paid)

    assert "the provider refused: unreachable" in page.content.decode()
    paid.refresh_from_db()
    assert (paid.status, paid.refund_requested_at) == ("paid", None)
    assert user_owns(user=paid.buyer, product=paid.product)


def test_a_webhook_endpoint_answering_500_is_a_refusal(staff_client, paid):
    with mock.patch("billing.providers.dev.send", return_value=500):
        page = refund(staff_client, paid)

    assert "the webhook endpoint answered 500" in page.content.decode()
    paid.refresh_from_db()
    assert paid.status == "paid"


def test_staff_without_the_refund_permission_have_no_refund_action(client, paid):
    clerk = make_user("clerk@example.com", is_customer=False, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(clerk)

    assert b'value="refund"' not in client.get(ORDERS).content
    with mock.patch("billing.providers.dev.send") as send:
        refund(client, paid)
    send.assert_not_called()
    paid.refresh_from_db()
    assert paid.status == "paid"


def test_a_dodo_refund_is_asked_and_recorded_only_when_its_webhook_comes(
    staff_client, client, paid, dodo
):
    Order.objects.filter(pk=paid.pk).update(provider="dodo")

    refund(staff_client, paid)

    assert ("POST", "/refunds") in dodo.calls()
    paid.refresh_from_db()
    assert paid.status == "paid"
    assert paid.refund_requested_at is not None
    deliver(client, "refund.succeeded", {"payment_id": paid.payment_id, "refund_id": "ref_1"})
    paid.refresh_from_db()
    assert (paid.status, paid.refund_id) == ("refunded", "ref_1")
    assert not user_owns(user=paid.buyer, product=paid.product)


def test_dodo_down_is_a_refusal_for_staff(staff_client, paid, dodo):
    Order.objects.filter(pk=paid.pk).update(provider="dodo")
    dodo.mode = "down"

    page = refund(staff_client, paid)

    assert "the provider refused: Dodo" in page.content.decode()
    paid.refresh_from_db()
    assert (paid.status, paid.refund_requested_at) == ("paid", None)


def test_a_failed_refund_keeps_access_clears_the_request_and_flags_staff(
    staff_client, client, paid, dodo
):
    Order.objects.filter(pk=paid.pk).update(provider="dodo")
    refund(staff_client, paid)

    response = deliver(
        client, "refund.failed", {"payment_id": paid.payment_id, "refund_id": "ref_1"}
    )

    assert response.status_code == 204
    paid.refresh_from_db()
    assert (paid.status, paid.refund_requested_at, paid.refund_reason) == ("paid", None, "")
    assert paid.needs_review == "the provider could not refund it"
    assert user_owns(user=paid.buyer, product=paid.product)


def test_the_buyers_dev_refund_is_the_same_request(client, buyer, paid, webhooks_through):
    client.force_login(buyer)

    client.post(f"/billing/dev/refund/{paid.public_id}/")

    paid.refresh_from_db()
    assert (paid.status, paid.refund_requested_by) == ("refunded", buyer)


def test_a_dev_refund_of_a_refunded_order_says_no(client, buyer, paid, webhooks_through):
    client.force_login(buyer)
    client.post(f"/billing/dev/refund/{paid.public_id}/")

    page = client.post(f"/billing/dev/refund/{paid.public_id}/", follow=True)

    assert "No refund: the order is refunded." in page.content.decode()


def test_staff_forget_an_unanswered_request_and_can_ask_again(staff_client, paid, dodo):
    Order.objects.filter(pk=paid.pk).update(provider="dodo")
    dodo.mode = "slow"
    refund(staff_client, paid)
    dodo.mode = "up"

    staff_client.post(ORDERS, {"action": "forget_refund_request", "_selected_action": [paid.pk]})

    paid.refresh_from_db()
    assert (paid.refund_requested_at, paid.needs_review) == (None, "")
    refund(staff_client, paid)
    assert dodo.calls().count(("POST", "/refunds")) == 2
