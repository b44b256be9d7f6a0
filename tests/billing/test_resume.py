"""Buy again resumes the buyer's pending order instead of adding one; a pending order goes back
to its checkout: the provider's session while it stays open, or a new one for the same order."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from billing.models import Order
from billing.services import order_cancel, order_record_checkout
from shop.services import product_update
from tests.billing.helpers import paid_product, pending_order
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(seller):
    return paid_product(seller)


def _buy(client, product) -> str:
    return client.post(f"/billing/buy/{product.pk}/")["Location"]


def test_buying_again_resumes_the_pending_order(client, buyer, product):
    client.force_login(buyer)

    first, second = _buy(client, product), _buy(client, product)

    order = Order.objects.get()
    assert first == second == f"/billing/orders/{order.public_id}/checkout/"


def test_each_buyer_has_their_own_pending_order(client, buyer, stranger, product):
    client.force_login(buyer)
    _buy(client, product)
    client.force_login(stranger)
    _buy(client, product)

    assert sorted(Order.objects.values_list("buyer__email", flat=True)) == [
        "buyer@example.com",
        "stranger@example.com",
    ]


def test_a_new_price_or_a_cancelled_order_starts_a_new_order(client, buyer, product):
    client.force_login(buyer)
    _buy(client, product)
    product_update(product=product, price=1500)
    _buy(client, product)
    order_cancel(order=Order.objects.get(amount=1500))
    _buy(client, product)

    assert sorted(Order.objects.values_list("amount", "status")) == [
        (1200, "pending"),
        (1500, "cancelled"),
        (1500, "pending"),
    ]


def test_a_pending_support_order_is_not_reused_by_buy(client, buyer, product):
    support = Order.objects.create(
        buyer=buyer, product=product, item="support", amount=1200, currency="USD", provider="dev"
    )
    client.force_login(buyer)

    _buy(client, product)

    assert Order.objects.exclude(pk=support.pk).get().item == "product"


def test_resuming_with_dodo_goes_back_to_the_open_session(client, buyer, product, dodo):
    client.force_login(buyer)
    checkout = _buy(client, product)
    assert client.post(checkout)["Location"] == "https://pay.example/cks_1"
    dodo.requests.clear()

    assert _buy(client, product) == checkout
    again = client.post(checkout)

    assert again["Location"] == "https://pay.example/cks_1"
    assert dodo.calls() == []  # no new session
    order = Order.objects.get()
    assert (order.checkout_session_id, order.checkout_url) == ("cks_1", "https://pay.example/cks_1")


def test_resuming_with_dodo_after_its_session_closed_opens_a_new_one_for_the_same_order(
    client, buyer, product, dodo
):
    order = pending_order(buyer, product)
    order_record_checkout(order=order, session_id="cks_old", url="https://pay.example/cks_old")
    Order.objects.filter(pk=order.pk).update(
        provider="dodo", checkout_opened_at=timezone.now() - timedelta(hours=23, minutes=1)
    )
    client.force_login(buyer)

    response = client.post(f"/billing/orders/{order.public_id}/checkout/")

    assert response["Location"] == "https://pay.example/cks_1"
    _, _, session = next(r for r in dodo.requests if r[1] == "/checkouts")
    assert session["metadata"] == {"order_id": str(order.public_id)}
    order.refresh_from_db()
    assert (order.checkout_session_id, order.checkout_url) == ("cks_1", "https://pay.example/cks_1")
    assert timezone.now() - order.checkout_opened_at < timedelta(minutes=1)
    assert Order.objects.count() == 1


def test_resuming_with_the_dev_provider_goes_to_the_dev_checkout(client, buyer, product):
    client.force_login(buyer)
    checkout = _buy(client, product)
    client.post(checkout)

    again = client.post(checkout)

    order = Order.objects.get()
    assert again["Location"] == f"/billing/dev/checkout/{order.public_id}/"
    assert order.checkout_url == f"/billing/dev/checkout/{order.public_id}/"


def test_a_product_repriced_since_the_order_started_is_not_sent_to_a_new_checkout(
    client, buyer, product, dodo
):
    order = pending_order(buyer, product)
    order.provider = "dodo"
    order.save()
    product_update(product=product, price=1500)
    dodo.requests.clear()
    client.force_login(buyer)

    response = client.post(f"/billing/orders/{order.public_id}/checkout/")

    assert response.status_code == 200
    assert "has changed since this order was started" in response.content.decode()
    assert dodo.calls() == []
    order.refresh_from_db()
    assert (order.status, order.checkout_session_id) == ("pending", "")


def test_the_orders_page_offers_resume_and_cancel_for_pending_orders_only(
    client, buyer, seller, django_assert_num_queries
):
    pending = pending_order(buyer, paid_product(seller, title="Waiting Kit"))
    cancelled = pending_order(buyer, paid_product(seller, title="Dropped Kit"))
    order_cancel(order=cancelled)
    client.force_login(buyer)
    client.get("/library/account/")  # the user is cached from here on

    with django_assert_num_queries(2):  # the count and the page
        page = client.get("/library/orders/").content.decode()

    assert page.count(">Resume<") == 1
    assert f'href="/billing/orders/{pending.public_id}/checkout/">Resume' in page
    assert f'action="/billing/orders/{pending.public_id}/cancel/"' in page
    assert f"/billing/orders/{cancelled.public_id}/cancel/" not in page
    assert 'name="next" value="/library/orders/"' in page


def test_the_orders_page_query_count_is_flat_in_pending_orders(
    client, buyer, seller, django_assert_num_queries
):
    for n in range(12):
        pending_order(buyer, paid_product(seller, title=f"Kit {n}"))
    client.force_login(buyer)
    client.get("/library/account/")

    with django_assert_num_queries(2):  # the count and the page
        client.get("/library/orders/")


def test_buy_is_for_signed_in_customers(client, staff, product):
    client.force_login(staff)  # not a customer

    assert client.post(f"/billing/buy/{product.pk}/").status_code == 403
    assert not Order.objects.exists()


def test_the_database_refuses_a_second_pending_order_at_one_price(buyer, product):
    pending_order(buyer, product)
    pending_order(make_user("other@example.com"), product)

    with pytest.raises(IntegrityError):
        pending_order(buyer, product)


def test_buying_resuming_and_cancelling_work_with_the_cache_down(
    client, buyer, product, cache_down
):
    client.force_login(buyer)

    checkout = _buy(client, product)
    assert _buy(client, product) == checkout
    assert client.post(checkout).status_code == 302
    order = Order.objects.get()
    assert client.get(f"/billing/orders/{order.public_id}/").status_code == 200
    client.post(f"/billing/orders/{order.public_id}/cancel/")

    assert Order.objects.get().status == "cancelled"
