"""The Dodo twin of a product's support, sold per request, kept in step by a task after each
change to its offer or its product (support.signals), against the local stub of the Dodo API:
one call for a real change, none otherwise; a queue out of reach is no error, and checkout
still makes the twin."""

import logging

import pytest

from billing.models import ProviderProduct
from billing.providers.dodo import DodoProvider
from shop.services import product_update
from support.services import request_start_paid, support_offer_set
from tests.ops.test_redis_down import redis_down  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _support_calls(dodo) -> list[tuple[str, str, str, int]]:
    """(method, path, name, price) of each call about a support twin."""
    return [
        (method, path, body["name"], body["price"]["price"])
        for method, path, body in dodo.requests
        if body.get("name", "").startswith("Support request")
    ]


@pytest.fixture
def sold(product, dodo, django_capture_on_commit_callbacks):
    """The product's support sold at 9.00, its twin made at Dodo; the stub's log cleared."""
    with django_capture_on_commit_callbacks(execute=True):
        support_offer_set(product=product, included_days=30, price=900)
    dodo.requests.clear()
    return product


def test_selling_support_makes_its_twin_at_dodo(product, dodo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        support_offer_set(product=product, included_days=30, price=900)

    assert _support_calls(dodo) == [("POST", "/products", "Support request: Budget Kit", 900)]
    assert dodo.requests[0][2]["metadata"] == {
        "tessera_product": str(product.pk),
        "tessera_item": "support",
    }
    twin = ProviderProduct.objects.get(item="support")
    assert (twin.product, twin.synced_price, twin.synced_currency) == (product, 900, "USD")


def test_a_new_price_updates_the_twin_with_one_call(sold, dodo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        support_offer_set(product=sold, included_days=30, price=1500)

    updated = ("PATCH", "/products/pdt_1", "Support request: Budget Kit", 1500)
    assert _support_calls(dodo) == [updated]
    assert dodo.calls() == [("PATCH", "/products/pdt_1")]
    assert ProviderProduct.objects.get(item="support").synced_price == 1500


@pytest.mark.parametrize("included_days", [30, 60], ids=["unchanged", "days-only"])
def test_an_offer_saved_without_a_new_price_calls_dodo_not_at_all(
    sold, dodo, django_capture_on_commit_callbacks, included_days
):
    with django_capture_on_commit_callbacks(execute=True):
        support_offer_set(product=sold, included_days=included_days, price=900)

    assert dodo.requests == []


def test_switching_support_off_calls_dodo_not_at_all(
    sold, dodo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        support_offer_set(product=sold, included_days=30, price=0)

    assert dodo.requests == []
    assert ProviderProduct.objects.get(item="support").synced_price == 900


def test_switching_it_on_again_at_a_new_price_updates_the_same_twin(
    sold, dodo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        support_offer_set(product=sold, included_days=30, price=0)
        support_offer_set(product=sold, included_days=30, price=1900)

    assert dodo.calls() == [("PATCH", "/products/pdt_1")]
    assert ProviderProduct.objects.filter(item="support").count() == 1


@pytest.mark.parametrize(
    ("change", "name", "currency"),
    [
        ({"title": "Budget Kit 2"}, "Support request: Budget Kit 2", "USD"),
        ({"currency": "EUR"}, "Support request: Budget Kit", "EUR"),
    ],
    ids=["title", "currency"],
)
def test_a_new_product_title_or_currency_updates_the_twin_with_one_call(
    sold, dodo, django_capture_on_commit_callbacks, change, name, currency
):
    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=sold, **change)

    assert _support_calls(dodo) == [("PATCH", "/products/pdt_1", name, 900)]
    patched = next(body for _, _, body in dodo.requests if body.get("name") == name)
    assert patched["price"]["currency"] == currency
    twin = ProviderProduct.objects.get(item="support")
    assert (twin.synced_title, twin.synced_currency) == (name, currency)


def test_a_product_change_that_leaves_the_twin_as_it_is_calls_dodo_not_for_it(
    sold, dodo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=sold, tagline="Now with a yearly view")

    assert _support_calls(dodo) == []


def test_a_product_without_support_for_sale_queues_nothing_for_it(
    product, dodo, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("support.tasks.sync_dodo_support", lambda **kwargs: queued.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=product, title="Budget Kit 2")
        support_offer_set(product=product, included_days=10, price=0)

    assert queued == []


def test_without_dodo_nothing_is_queued(product, settings, monkeypatch):
    settings.PAYMENT_PROVIDER = "dev"
    queued = []
    monkeypatch.setattr("support.tasks.sync_dodo_support", lambda **kwargs: queued.append(kwargs))

    support_offer_set(product=product, included_days=30, price=900)
    product_update(product=product, title="Budget Kit 2")

    assert queued == []


@pytest.mark.usefixtures("redis_down")
def test_a_queue_out_of_reach_is_logged_not_an_error_and_checkout_still_makes_the_twin(
    buyer, product, dodo, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        support_offer_set(product=product, included_days=0, price=900)

    assert [r.getMessage()[:26] for r in caplog.records if r.levelno == logging.ERROR] == [
        "Error calling _sync_later."
    ]
    assert dodo.requests == []
    assert not ProviderProduct.objects.filter(item="support").exists()

    request = request_start_paid(buyer=buyer, product=product, subject="Setup", body="Please")
    DodoProvider().start_checkout(request.order, return_url="https://x/")

    assert _support_calls(dodo) == [("POST", "/products", "Support request: Budget Kit", 900)]
    assert ProviderProduct.objects.get(item="support").synced_price == 900
