import pytest
from django.core import mail

from billing.models import Order
from billing.notices import Kind, order_notify
from ops.models import Notice
from shop.models import Product, ProductFile
from shop.services import product_publish
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order
from tests.conftest import add_version, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(buyer, seller):
    return pending_order(buyer, paid_product(seller))


def test_a_payment_sends_a_receipt_and_a_sale_notice_once(
    client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")
        deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_1")
        deliver(client, "payment.succeeded", payment_data(order), webhook_id="msg_other")

    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == [
        ("You sold Budget Kit", "seller@example.com"),
        ("Your receipt for Budget Kit", "buyer@example.com"),
    ]
    assert "$12.00" in mail.outbox[0].body


def test_a_refund_sends_a_refund_notice(client, order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment.succeeded", payment_data(order))
        deliver(client, "refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"})

    assert [m.subject for m in mail.outbox][-1] == "Your refund for Budget Kit"


def test_an_order_notice_is_recorded_once_per_order_and_kind(order):
    order_notify(order=order, kinds=[Kind.RECEIPT])
    order_notify(order=order, kinds=[Kind.RECEIPT])

    assert list(Notice.objects.values_list("key", flat=True)) == [f"order-{order.pk}-receipt"]


def test_a_title_with_a_line_break_still_sends_its_receipt(
    order, django_capture_on_commit_callbacks
):
    Product.objects.filter(pk=order.product_id).update(title="Budget\r\nKit")
    order.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        order_notify(order=order, kinds=[Kind.RECEIPT])

    assert [m.subject for m in mail.outbox] == ["Your receipt for Budget Kit"]


def test_the_receipt_links_to_the_library_and_the_downloads_on_the_site_url(
    client, buyer, seller, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://shop.tessera.test"
    product = make_product(seller, title="Tom's Fonts & Glyphs", price=1200)
    add_version(product, "2.0", files={"fonts.zip": b"PK\x03\x04 fonts", "read me.txt": b"hi"})
    order = pending_order(buyer, product_publish(product=product))

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment.succeeded", payment_data(order), host="127.0.0.1:8000")

    receipt = next(m for m in mail.outbox if m.subject.startswith("Your receipt"))
    files = dict(ProductFile.objects.values_list("original_name", "pk"))
    assert f"https://shop.tessera.test/library/p/{product.slug}/" in receipt.body
    assert f"- fonts.zip: https://shop.tessera.test/download/{files['fonts.zip']}/" in receipt.body
    assert f"- read me.txt: https://shop.tessera.test/download/{files['read me.txt']}/" in (
        receipt.body
    )
    assert "Download version 2.0:" in receipt.body
    assert "Tom's Fonts & Glyphs" in receipt.body  # plain text, not HTML-escaped
    assert "127.0.0.1" not in receipt.body
    assert "testserver" not in receipt.body
    assert receipt.body.rstrip().endswith("Tessera\nhttps://shop.tessera.test")


def test_a_receipt_for_another_item_links_to_the_product_page_and_the_library(
    buyer, seller, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://shop.tessera.test"
    product = paid_product(seller)
    order = Order.objects.create(
        buyer=buyer, product=product, item="support", amount=900, currency="USD", provider="dev"
    )

    with django_capture_on_commit_callbacks(execute=True):
        order_notify(order=order, kinds=[Kind.RECEIPT])

    body = mail.outbox[0].body
    assert f"https://shop.tessera.test/p/{product.slug}/\nhttps://shop.tessera.test/library/" in (
        body
    )
    assert "/download/" not in body


def test_the_sale_notice_links_to_the_sellers_sales_on_the_site_url(
    client, order, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://shop.tessera.test"

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "payment.succeeded", payment_data(order))

    sale = next(m for m in mail.outbox if m.subject.startswith("You sold"))
    assert "Your sales: https://shop.tessera.test/studio/sales/" in sale.body
