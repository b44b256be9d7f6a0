from unittest import mock

import pytest

from access.models import PurchasedProduct
from access.selectors import user_owns
from access.services import access_grant
from billing.models import Order
from billing.providers import ProviderError
from billing.services import OrderRefused, order_record_checkout, order_start
from billing.views import offer
from shop.services import product_unpublish
from tests.billing.helpers import URL, paid_product, pending_order
from tests.conftest import make_product

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def product(seller):
    return paid_product(seller)


def test_a_paid_product_offers_buy_and_anonymous_visitors_sign_in_first(client, buyer, product):
    assert b"Sign in to buy" in client.get(f"/p/{product.slug}/").content
    client.force_login(buyer)
    assert b">Buy</button>" in client.get(f"/p/{product.slug}/").content


def test_anonymous_buying_is_sent_to_login_and_back_to_the_product(client, product):
    response = client.post(f"/billing/buy/{product.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/p/{product.slug}/"
    assert not Order.objects.exists()


def test_buying_starts_a_pending_order_at_todays_price(client, buyer, product):
    client.force_login(buyer)

    response = client.post(f"/billing/buy/{product.pk}/")

    order = Order.objects.get()
    assert response["Location"] == f"/billing/orders/{order.public_id}/checkout/"
    assert (order.status, order.amount, order.currency, order.provider) == (
        "pending",
        1200,
        "USD",
        "dev",
    )


def test_buying_what_you_own_is_refused_with_a_link_to_the_library(client, buyer, product):
    access_grant(user=buyer, product=product, source="gift", via="test")
    client.force_login(buyer)

    response = client.post(f"/billing/buy/{product.pk}/", follow=True)

    assert response.redirect_chain[-1][0] == "/library/"
    assert b"already in your library" in response.content
    assert not Order.objects.exists()


def test_a_draft_or_free_product_cannot_be_bought(client, buyer, seller, product):
    free = make_product(seller, title="Free Thing", price=0)
    product_unpublish(product=product)
    client.force_login(buyer)

    assert client.post(f"/billing/buy/{product.pk}/").status_code == 404
    assert client.post(f"/billing/buy/{free.pk}/").status_code == 404
    assert not Order.objects.exists()


def test_buying_refuses_get(client, buyer, product):
    client.force_login(buyer)

    assert client.get(f"/billing/buy/{product.pk}/").status_code == 405


def test_someone_elses_order_is_404(client, buyer, stranger, product):
    order = pending_order(buyer, product)
    client.force_login(stranger)

    for url in [
        f"/billing/orders/{order.public_id}/checkout/",
        f"/billing/orders/{order.public_id}/",
        f"/billing/dev/checkout/{order.public_id}/",
    ]:
        assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login_from_an_order(client, buyer, product):
    order = pending_order(buyer, product)

    response = client.get(f"/billing/orders/{order.public_id}/")

    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_whole_dev_purchase_grants_access_through_the_webhook(
    client, buyer, product, webhooks_through
):
    client.force_login(buyer)
    checkout = client.post(f"/billing/buy/{product.pk}/")["Location"]
    to_provider = client.post(checkout)
    order = Order.objects.get()
    assert to_provider["Location"] == f"/billing/dev/checkout/{order.public_id}/"
    assert order.checkout_session_id == f"dev_cks_{order.public_id.hex}"
    assert b"Pay" in client.get(to_provider["Location"]).content

    back = client.post(to_provider["Location"], {"pay": "1"})

    assert back["Location"] == f"/billing/orders/{order.public_id}/"
    order.refresh_from_db()
    assert order.status == "paid"
    assert user_owns(user=buyer, product=product)
    page = client.get(back["Location"]).content.decode()
    assert "is in your library" in page
    assert "hx-trigger" not in page


def test_declining_fails_the_order_and_offers_to_try_again(
    client, buyer, product, webhooks_through
):
    order = pending_order(buyer, product)
    client.force_login(buyer)

    client.post(f"/billing/dev/checkout/{order.public_id}/", {"decline": "1"})

    order.refresh_from_db()
    assert order.status == "failed"
    page = client.get(f"/billing/orders/{order.public_id}/").content.decode()
    assert "did not go through" in page
    assert "Try again" in page
    assert not PurchasedProduct.objects.exists()


def test_the_return_page_never_grants_and_polls_while_pending(client, buyer, product):
    order = pending_order(buyer, product)
    order_record_checkout(order=order, session_id="cks_1", url="https://pay.example/cks_1")
    client.force_login(buyer)

    page = client.get(f"/billing/orders/{order.public_id}/").content.decode()
    partial = client.get(f"/billing/orders/{order.public_id}/", headers=HTMX).content.decode()

    assert "Confirming your payment" in page
    assert 'hx-trigger="every 1s"' in partial
    assert "<html" not in partial
    order.refresh_from_db()
    assert order.status == "pending"
    assert not PurchasedProduct.objects.exists()


def test_a_provider_that_does_not_answer_leaves_the_order_pending(client, buyer, product):
    order = pending_order(buyer, product)
    client.force_login(buyer)

    with mock.patch(
        "billing.providers.dev.DevProvider.start_checkout", side_effect=ProviderError("down")
    ):
        response = client.post(f"/billing/orders/{order.public_id}/checkout/")

    assert response.status_code == 200
    assert b"did not answer" in response.content
    order.refresh_from_db()
    assert order.status == "pending"
    assert not PurchasedProduct.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_dev_provider_sends_a_real_signed_webhook_over_http(live_server, buyer, product):
    from billing.providers import dev

    order = pending_order(buyer, product)
    _, body = dev.payment_event(order, "payment.succeeded")

    assert dev.send(live_server.url + URL, body) == 204

    order.refresh_from_db()
    assert order.status == "paid"
    assert user_owns(user=buyer, product=product)


@pytest.mark.django_db(transaction=True)  # refunds are asked outside any transaction
def test_a_dev_refund_on_the_order_page_revokes_through_the_webhook(
    client, buyer, product, webhooks_through
):
    order = pending_order(buyer, product)
    client.force_login(buyer)
    client.post(f"/billing/dev/checkout/{order.public_id}/", {"pay": "1"})
    assert b"Refund (dev provider)" in client.get(f"/billing/orders/{order.public_id}/").content

    client.post(f"/billing/dev/refund/{order.public_id}/")

    order.refresh_from_db()
    assert order.status == "refunded"
    assert not user_owns(user=buyer, product=product)
    assert PurchasedProduct.objects.get().revoke_reason == "refund"


def test_nobody_refunds_someone_elses_order(client, buyer, stranger, product):
    order = pending_order(buyer, product)
    client.force_login(stranger)

    assert client.post(f"/billing/dev/refund/{order.public_id}/").status_code == 404
    assert client.get(f"/billing/dev/refund/{order.public_id}/").status_code == 405


# A seller and their own product


def test_a_seller_cannot_buy_their_own_product(client, seller, product):
    client.force_login(seller)

    response = client.post(f"/billing/buy/{product.pk}/", follow=True)

    assert response.redirect_chain[-1][0] == f"/p/{product.slug}/"
    assert b"sellers cannot buy what they sell" in response.content
    assert not Order.objects.exists()


def test_a_seller_cannot_buy_their_own_product_through_htmx_either(client, seller, product):
    client.force_login(seller)

    client.post(f"/billing/buy/{product.pk}/", headers=HTMX)

    assert not Order.objects.exists()


@pytest.mark.parametrize("item", ["product", "support"])
def test_no_order_is_started_for_a_products_own_seller(seller, product, item):
    with pytest.raises(OrderRefused, match="your own product"):
        order_start(buyer=seller, product=product, provider="dev", item=item, amount=900)

    assert not Order.objects.exists()


def test_the_product_page_offers_its_seller_the_studio_instead_of_buy(client, seller, product):
    client.force_login(seller)

    page = client.get(f"/p/{product.slug}/").content.decode()

    assert f'href="/studio/products/{product.pk}/">Edit in studio</a>' in page
    assert ">Buy</button>" not in page


@pytest.mark.parametrize("who", ["anonymous", "buyer", "stranger"])
def test_nobody_else_is_offered_the_studio(client, request, product, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    page = client.get(f"/p/{product.slug}/").content.decode()

    assert "Edit in studio" not in page
    assert "buy</" in page.lower()  # Buy, or Sign in to buy


def test_billings_offer_has_no_buy_for_the_seller(rf, seller, buyer, product):
    request = rf.get(f"/p/{product.slug}/")
    request.user = seller
    assert offer(request, product) == ""

    request.user = buyer
    assert ">Buy</button>" in offer(request, product)
