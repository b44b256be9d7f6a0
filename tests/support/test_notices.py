"""Support emails go through the outbox, once each: the seller on a new request and a buyer's
reply, the buyer on the seller's answer and on a resolution."""

import pytest
from django.core import mail

from ops.models import Notice
from support.services import (
    message_post,
    request_open_included,
    request_resolve,
    request_start_paid,
    support_offer_set,
)
from tests.access.helpers import owned_product
from tests.billing.helpers import deliver, payment_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(buyer, seller):
    product = owned_product(buyer, seller)
    support_offer_set(product=product, included_days=30, price=900)
    return product


def _sent() -> list[tuple[str, str]]:
    return [(m.to[0], m.subject) for m in mail.outbox]


def test_each_step_of_a_thread_tells_the_other_side_once(
    buyer, seller, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_open_included(buyer=buyer, product=product, subject="Help", body="?")
        message_post(request=request, author=seller, body="Try 1.1")
        message_post(request=request, author=buyer, body="Thanks, one more thing")
        request_resolve(request=request, actor=seller)

    assert _sent() == [
        ("seller@example.com", "New support request: Help"),
        ("buyer@example.com", "An answer on Help"),
        ("seller@example.com", "A reply on Help"),
        ("buyer@example.com", "Resolved: Help"),
    ]
    assert "Try 1.1" in mail.outbox[1].body
    assert Notice.objects.count() == 4


def test_a_buyer_resolving_their_own_request_is_not_told_about_it(
    buyer, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_open_included(buyer=buyer, product=product, subject="Help", body="?")
        request_resolve(request=request, actor=buyer)

    assert [m.to[0] for m in mail.outbox] == ["seller@example.com"]


def test_a_paid_request_tells_the_seller_once_paid_and_only_once(
    client, buyer, product, django_capture_on_commit_callbacks
):
    support_offer_set(product=product, included_days=0, price=900)
    request = request_start_paid(buyer=buyer, product=product, subject="Setup", body="Please")
    assert not Notice.objects.filter(key__startswith="support-").exists()

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment.succeeded", payment_data(request.order), webhook_id="msg_1")
        deliver(client, "payment.succeeded", payment_data(request.order), webhook_id="msg_2")

    assert Notice.objects.filter(key=f"support-{request.pk}-opened").count() == 1
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert ("seller@example.com", "New support request: Setup") in sent
    assert ("buyer@example.com", "Your receipt for Support request for Budget Kit") in sent
    receipt = next(m for m in mail.outbox if m.subject.startswith("Your receipt"))
    assert "in your library now" not in receipt.body
