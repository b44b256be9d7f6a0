import pytest
from django.db import transaction

from access.models import AccessEvent, PurchasedProduct
from access.selectors import user_owns
from access.services import access_grant, access_revoke
from tests.conftest import add_version, make_product, run_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(seller):
    product = make_product(seller, title="Budget Kit", price=1200)
    add_version(product)
    return product


def kinds(purchase) -> list[str]:
    return list(purchase.events.values_list("kind", flat=True))


def test_a_grant_makes_an_owner_and_logs_it(buyer, staff, product):
    purchase = access_grant(
        user=buyer, product=product, source="staff", via="staff", actor=staff, reason="Comp"
    )

    assert user_owns(user=buyer, product=product)
    event = purchase.events.get()
    assert (event.kind, event.actor, event.via, event.reason) == ("granted", staff, "staff", "Comp")


def test_granting_what_is_active_changes_nothing(buyer, product):
    first = access_grant(user=buyer, product=product, source="purchase", via="checkout")
    again = access_grant(user=buyer, product=product, source="free", via="free product")

    assert again.pk == first.pk
    assert again.source == "purchase"
    assert kinds(again) == ["granted"]


def test_revoking_keeps_the_row_and_logs_why(buyer, product):
    access_grant(user=buyer, product=product, source="purchase", via="checkout")

    purchase = access_revoke(
        user=buyer, product=product, reason="refund", via="webhook", reference="order-9"
    )

    assert not user_owns(user=buyer, product=product)
    assert PurchasedProduct.objects.filter(pk=purchase.pk, status="revoked").exists()
    assert purchase.revoked_at is not None
    assert purchase.revoke_reason == "refund"
    assert kinds(purchase) == ["granted", "revoked"]
    assert purchase.events.last().reference == "order-9"


def test_revoking_twice_or_without_a_grant_changes_nothing(buyer, stranger, product):
    access_grant(user=buyer, product=product, source="purchase", via="checkout")
    access_revoke(user=buyer, product=product, reason="refund", via="webhook")

    again = access_revoke(user=buyer, product=product, reason="chargeback", via="webhook")

    assert again.revoke_reason == "refund"
    assert kinds(again) == ["granted", "revoked"]
    assert access_revoke(user=stranger, product=product, reason="staff", via="staff") is None
    assert not PurchasedProduct.objects.filter(user=stranger).exists()


def test_granting_what_was_revoked_restores_it(buyer, product):
    access_grant(user=buyer, product=product, source="purchase", via="checkout")
    access_revoke(user=buyer, product=product, reason="chargeback", via="webhook")

    purchase = access_grant(user=buyer, product=product, source="purchase", via="dispute won")

    assert user_owns(user=buyer, product=product)
    assert (purchase.revoked_at, purchase.revoke_reason) == (None, "")
    assert kinds(purchase) == ["granted", "revoked", "restored"]
    assert PurchasedProduct.objects.count() == 1


def test_nobody_owns_anything_anonymously(product):
    from django.contrib.auth.models import AnonymousUser

    assert not user_owns(user=AnonymousUser(), product=product)


def test_the_event_log_cannot_be_edited_or_deleted(buyer, product):
    purchase = access_grant(user=buyer, product=product, source="purchase", via="checkout")
    event = purchase.events.get()

    event.reason = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AccessEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(TypeError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get().reason == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_leave_one_row_and_one_event(buyer, product):
    errors = run_together(
        lambda: access_grant(user=buyer, product=product, source="purchase", via="checkout"), 8
    )

    assert errors == []
    purchase = PurchasedProduct.objects.get(user=buyer, product=product)
    assert kinds(purchase) == ["granted"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_restores_log_one_restore(buyer, product):
    access_grant(user=buyer, product=product, source="purchase", via="checkout")
    access_revoke(user=buyer, product=product, reason="chargeback", via="webhook")
    errors = run_together(
        lambda: access_grant(user=buyer, product=product, source="purchase", via="dispute won"),
        8,
    )

    assert errors == []
    purchase = PurchasedProduct.objects.get(user=buyer, product=product)
    assert kinds(purchase) == ["granted", "revoked", "restored"]


def test_what_registers_for_revocations_runs_in_the_revoking_transaction(buyer, product):
    from access import services

    seen = []
    services.register_on_revoke(lambda purchase, reason: seen.append((purchase.status, reason)))
    try:
        access_grant(user=buyer, product=product, source="staff", via="test")
        access_revoke(user=buyer, product=product, reason="refund", via="test")
        access_revoke(user=buyer, product=product, reason="refund", via="test")
    finally:
        services._on_revoke.pop()

    assert seen == [("revoked", "refund")]


def test_a_failure_in_what_reacts_to_a_revocation_undoes_it(buyer, product):
    from access import services

    def refuse(purchase, reason):
        raise RuntimeError("support could not close its requests")

    access_grant(user=buyer, product=product, source="staff", via="test")
    services.register_on_revoke(refuse)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            access_revoke(user=buyer, product=product, reason="staff", via="test")
    finally:
        services._on_revoke.pop()

    assert PurchasedProduct.objects.owned_by(buyer).filter(product=product).exists()
