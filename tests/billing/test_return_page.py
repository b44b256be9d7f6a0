"""The page the provider sends the buyer back to: it asks for news of the payment for a while,
then says it is still waiting and offers to try again, pay again or cancel."""

import time

import pytest

from billing.services import order_record_checkout
from billing.views import RETURN_POLL_SECONDS
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def order(buyer, seller):
    order = pending_order(buyer, paid_product(seller))
    return order_record_checkout(order=order, session_id="cks_1", url="https://pay.example/cks_1")


def _url(order, **query) -> str:
    params = "&".join(f"{name}={value}" for name, value in query.items())
    return f"/billing/orders/{order.public_id}/" + (f"?{params}" if params else "")


def test_the_full_page_starts_polling_and_carries_its_start_time(client, buyer, order):
    client.force_login(buyer)
    before = int(time.time())

    page = client.get(_url(order, since=1)).content.decode()

    assert "Confirming your payment" in page
    assert 'hx-trigger="every 1s"' in page
    since = int(page.split("?since=")[1].split('"')[0])
    assert before <= since <= time.time()  # a full page starts afresh, whatever it was given


def test_a_poll_within_the_limit_keeps_polling_with_the_same_start(client, buyer, order):
    client.force_login(buyer)
    since = int(time.time()) - RETURN_POLL_SECONDS + 10

    partial = client.get(_url(order, since=since), headers=HTMX).content.decode()

    assert "<html" not in partial
    assert "Confirming your payment" in partial
    assert f"?since={since}" in partial
    assert 'hx-trigger="every 1s"' in partial


def test_a_poll_past_the_limit_stops_and_offers_to_try_again_pay_again_or_cancel(
    client, buyer, order
):
    client.force_login(buyer)
    since = int(time.time()) - RETURN_POLL_SECONDS - 1

    partial = client.get(_url(order, since=since), headers=HTMX).content.decode()

    assert "hx-trigger" not in partial
    assert "Still waiting" in partial
    assert f'href="/billing/orders/{order.public_id}/checkout/">Pay again' in partial
    assert f'href="/billing/orders/{order.public_id}/">Try again' in partial
    assert f'action="/billing/orders/{order.public_id}/cancel/"' in partial
    order.refresh_from_db()
    assert order.status == "pending"


@pytest.mark.parametrize("since", ["", "soon", "-5", "99999999999", "1e9"])
def test_a_missing_or_malformed_start_polls_from_now(client, buyer, order, since):
    client.force_login(buyer)

    partial = client.get(_url(order, since=since), headers=HTMX)

    assert partial.status_code == 200
    assert 'hx-trigger="every 1s"' in partial.content.decode()


def test_a_payment_confirmed_after_the_limit_shows_on_try_again(client, buyer, order):
    client.force_login(buyer)
    deliver(client, "payment.succeeded", payment_data(order))

    page = client.get(_url(order)).content.decode()

    assert "is in your library" in page
    assert "hx-trigger" not in page


def test_an_order_never_sent_to_the_provider_waits_for_its_payment_without_polling(
    client, buyer, seller
):
    order = pending_order(buyer, paid_product(seller, title="Unpaid Kit"))
    client.force_login(buyer)

    page = client.get(_url(order)).content.decode()

    assert "hx-trigger" not in page
    assert "Confirming" not in page
    assert "waiting for its payment" in page
    assert f'href="/billing/orders/{order.public_id}/checkout/">Continue to payment' in page
    assert f'action="/billing/orders/{order.public_id}/cancel/"' in page


def test_it_is_for_its_buyer_only(client, buyer, stranger, staff, order):
    assert client.get(_url(order))["Location"].startswith("/accounts/login/?next=")
    assert client.get(_url(order), headers=HTMX)["HX-Redirect"].startswith("/accounts/login/")
    client.force_login(stranger)
    assert client.get(_url(order)).status_code == 404
    assert client.get(_url(order), headers=HTMX).status_code == 404
    client.force_login(staff)  # not a customer
    assert client.get(_url(order)).status_code == 403


def test_it_refuses_post(client, buyer, order):
    client.force_login(buyer)

    assert client.post(_url(order)).status_code == 405


def test_without_javascript_the_confirming_page_offers_the_same_ways_out(client, buyer, order):
    client.force_login(buyer)

    page = client.get(_url(order)).content.decode()

    noscript = page.split("<noscript>")[1].split("</noscript>")[0]
    assert "Refresh" in noscript
    assert f'href="/billing/orders/{order.public_id}/checkout/">Pay again' in noscript
    assert f'action="/billing/orders/{order.public_id}/cancel/"' in noscript
