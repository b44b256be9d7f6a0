"""The demo's support (support/demo.py, run by seed_demo): offers on two of the demo buyer's
products, and a resolved, an answered and an open request, made once."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from access.models import PurchasedProduct
from accounts.models import User
from billing.models import Order, WebhookEvent
from support.models import SupportMessage, SupportOffer, SupportRequest

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _requests():
    return SupportRequest.objects.order_by("pk").values_list(
        "product__title", "funding", "status", "order__status"
    )


def test_the_demo_offers_support_and_gives_the_buyer_three_requests_once(settings):
    settings.DEBUG = True

    _seed()
    first = (list(_requests()), SupportMessage.objects.count(), Order.objects.count())
    output = _seed()

    assert list(_requests()) == [
        ("Notion Budget Kit", "included", "resolved", None),
        ("Notion Budget Kit", "included", "answered", None),
        ("Outline Icons 2400", "paid", "open", "paid"),
    ]
    assert (list(_requests()), SupportMessage.objects.count(), Order.objects.count()) == first
    assert SupportMessage.objects.count() == 6
    assert set(SupportOffer.objects.values_list("product__title", "included_days", "price")) == {
        ("Notion Budget Kit", 30, 0),
        ("Outline Icons 2400", 0, 900),
    }
    # Paid through the webhook path, like the demo's product orders.
    support_order = Order.objects.get(item="support")
    assert WebhookEvent.objects.filter(payment_id=support_order.payment_id).count() == 1
    assert "support: 0 demo request(s)" in output


def test_the_demo_buyer_and_seller_see_the_requests(client, settings):
    settings.DEBUG = True
    _seed()
    answered = SupportRequest.objects.get(status="answered")

    client.force_login(User.objects.get(email="buyer@example.com"))
    thread = client.get(f"/support/{answered.pk}/").content.decode()
    client.force_login(User.objects.get(email="seller@example.com"))
    inbox = client.get("/studio/inbox/").content.decode()

    assert "Set “First month” on the Settings page".lower() in thread.lower()
    assert "Icons look blurry at 16 px in Figma" in inbox
    assert "Can the year start in April?" in inbox


def test_requests_support_refuses_are_skipped_with_a_reason(settings):
    settings.DEBUG = True
    _seed()
    SupportRequest.objects.filter(product__title="Notion Budget Kit").delete()
    # A demo database older than the 30 days of support included with the kit.
    PurchasedProduct.objects.filter(product__title="Notion Budget Kit").update(
        granted_at=timezone.now() - timedelta(days=31)
    )

    output = _seed()

    assert "skipped “Importing last year's bank export”: The support included" in output
    assert not SupportRequest.objects.filter(product__title="Notion Budget Kit").exists()
    assert SupportRequest.objects.count() == 1
