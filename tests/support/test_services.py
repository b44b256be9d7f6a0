"""Opening, answering and ending support requests (support.services)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.models import PurchasedProduct
from access.services import access_grant, access_revoke
from support.models import SupportRequest
from support.services import (
    SupportRefused,
    message_post,
    request_close,
    request_grant,
    request_open_included,
    request_resolve,
    support_offer_set,
)
from tests.conftest import run_together

pytestmark = pytest.mark.django_db
S = SupportRequest.Status


def _open(buyer, product, body="It will not open."):
    return request_open_included(buyer=buyer, product=product, subject="Help", body=body)


def test_an_owner_opens_a_request_on_included_support(buyer, product):
    request = _open(buyer, product)

    assert (request.status, request.funding) == (S.OPEN, "included")
    assert request.purchase == PurchasedProduct.objects.get(user=buyer, product=product)
    assert [m.body for m in request.messages.all()] == ["It will not open."]


def test_a_stranger_cannot_open_one(stranger, product):
    with pytest.raises(SupportRefused, match="in your library"):
        _open(stranger, product)

    assert not SupportRequest.objects.exists()


def test_no_request_without_an_offer_or_after_its_days(buyer, product):
    PurchasedProduct.objects.update(granted_at=timezone.now() - timedelta(days=31))
    with pytest.raises(SupportRefused, match="ended on"):
        _open(buyer, product)

    support_offer_set(product=product, included_days=0, price=0)
    with pytest.raises(SupportRefused, match="no included support"):
        _open(buyer, product)

    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_an_empty_or_overlong_message_is_refused_and_nothing_written(buyer, product, body):
    with pytest.raises(SupportRefused):
        _open(buyer, product, body=body)

    assert not SupportRequest.objects.exists()


def test_one_active_request_per_buyer_and_product(buyer, product):
    first = _open(buyer, product)

    with pytest.raises(SupportRefused, match="already have a support request"):
        _open(buyer, product)

    request_resolve(request=first, actor=buyer)
    assert _open(buyer, product).status == S.OPEN  # repeatable, one at a time


def test_the_database_refuses_a_second_active_request(buyer, product):
    first = _open(buyer, product)

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.create(
            buyer=buyer, product=product, purchase=first.purchase, funding="included", subject="x"
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"funding": "granted", "grant_reason": "Press"},
        {"funding": "granted", "grant_reason": "", "granted_by": "seller"},
        {"funding": "included", "granted_by": "seller"},
        {"funding": "paid"},
    ],
    ids=["granted-by-nobody", "granted-without-reason", "included-but-granted", "paid-by-nothing"],
)
def test_the_database_refuses_a_request_nobody_paid_for_or_granted(buyer, seller, product, fields):
    purchase = PurchasedProduct.objects.get(user=buyer, product=product)
    if fields.get("granted_by") == "seller":
        fields["granted_by"] = seller

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.create(
            buyer=buyer, product=product, purchase=purchase, subject="x", **fields
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_openings_make_one_request(buyer, product):
    refused = run_together(lambda: _open(buyer, product), times=8)

    assert SupportRequest.objects.count() == 1
    assert len(refused) == 7
    assert all(isinstance(error, SupportRefused) for error in refused)


def test_the_thread_moves_between_open_and_answered(buyer, seller, product):
    request = _open(buyer, product)

    message_post(request=request, author=seller, body="Try the other file.")
    request.refresh_from_db()
    assert request.status == S.ANSWERED
    answered_at = request.first_answer_at
    assert answered_at is not None

    message_post(request=request, author=buyer, body="Still no luck.")
    message_post(request=request, author=seller, body="Fixed in 1.1.")
    request.refresh_from_db()
    assert request.status == S.ANSWERED
    assert request.first_answer_at == answered_at
    assert request.messages.count() == 4


def test_a_stranger_cannot_write_in_a_request(buyer, stranger, product):
    request = _open(buyer, product)

    with pytest.raises(SupportRefused):
        message_post(request=request, author=stranger, body="Hello")

    assert request.messages.count() == 1


def test_an_ended_request_takes_no_more_messages(buyer, seller, product):
    request = _open(buyer, product)
    request_close(request=request, actor=buyer, reason="sorted it myself")

    with pytest.raises(SupportRefused, match="closed"):
        message_post(request=request, author=seller, body="Late answer")
    with pytest.raises(SupportRefused):
        request_resolve(request=request, actor=seller)


def test_a_revocation_closes_the_requests_resting_on_it_and_a_restore_allows_new_ones(
    buyer, product
):
    request = _open(buyer, product)

    access_revoke(user=buyer, product=product, reason="refund", via="test")

    request.refresh_from_db()
    assert request.status == S.CLOSED
    assert request.end_reason == "access revoked: refund"
    with pytest.raises(SupportRefused, match="in your library"):
        _open(buyer, product)

    access_grant(user=buyer, product=product, source="staff", via="test")
    assert _open(buyer, product).status == S.OPEN


def test_the_seller_grants_a_free_request_to_an_owner_with_a_reason(buyer, seller, product):
    support_offer_set(product=product, included_days=0, price=0)

    request = request_grant(buyer=buyer, product=product, actor=seller, reason="A loyal buyer")

    assert (request.funding, request.granted_by, request.grant_reason) == (
        "granted",
        seller,
        "A loyal buyer",
    )


def test_only_the_seller_or_staff_grant_and_always_with_a_reason(buyer, stranger, staff, product):
    with pytest.raises(SupportRefused, match="seller or staff"):
        request_grant(buyer=buyer, product=product, actor=stranger, reason="why not")
    with pytest.raises(SupportRefused, match="Say why"):
        request_grant(buyer=buyer, product=product, actor=staff, reason="  ")
    with pytest.raises(SupportRefused, match="in your library"):
        request_grant(buyer=stranger, product=product, actor=staff, reason="press")

    assert not SupportRequest.objects.exists()


def test_an_offer_with_a_price_too_small_to_pay_is_refused(product):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        support_offer_set(product=product, included_days=0, price=10)
