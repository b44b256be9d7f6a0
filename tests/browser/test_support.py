"""Support in the browser: the issue's walk through the demo (a request on included support, a
paid one through the dev checkout, the seller answering both from the inbox, refunds cancelling
and closing them), the buyer's pages without JavaScript, and the inbox's grant."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from billing.models import Order
from shop.models import Product
from support.models import SupportRequest
from support.services import support_offer_set
from tests.access.helpers import owned_product
from tests.browser.conftest import check_page

DEMO_BUYER = ("buyer@example.com", "demo-buyer-pass")
DEMO_SELLER = ("seller@example.com", "demo-seller-pass")
INCLUDED = "Notion Budget Kit"
PAID = "Outline Icons 2400"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, verbosity=0)


def sign_in_by_form(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_request(page, product_title: str, subject: str, body: str) -> None:
    page.goto(f"/p/{Product.objects.get(title=product_title).slug}/")
    page.get_by_role("link", name="Get support").first.click()
    expect(page.get_by_role("heading", name="Get support")).to_be_visible()
    check_page(page)
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Message").fill(body)


def test_the_demo_buyer_and_seller_through_support(demo, page, open_page):
    sign_in_by_form(page, *DEMO_BUYER)

    # The demo buyer already has an answered request on the kit: settle it, then ask anew.
    page.goto("/library/support/")
    check_page(page)
    page.get_by_role("link", name="Can the year start in April?").click()
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.locator(".badge", has_text="Resolved")).to_be_visible()
    open_request(page, INCLUDED, "Import into Notion fails", "The CSV import stops at row 12.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("The CSV import stops at row 12.")).to_be_visible()
    expect(page.locator(".badge", has_text="Open")).to_be_visible()
    check_page(page)

    # Paid support: close the open one, pay for a new one through the dev checkout; the
    # webhook opens it.
    page.goto("/library/support/")
    page.get_by_role("link", name="Icons look blurry at 16 px in Figma").click()
    page.get_by_text("Close this request").click()
    page.get_by_role("button", name="Yes, close it").click()
    expect(page.locator(".badge", has_text="Closed")).to_be_visible()
    open_request(page, PAID, "Icon sizes", "Do the icons come at 16 px?")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", name="Your order")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", name="Pay")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_text("Paid: thank you.")).to_be_visible()
    paid = SupportRequest.objects.get(subject="Icon sizes")
    assert paid.status == SupportRequest.Status.OPEN
    assert paid.funding == SupportRequest.Funding.PAID

    # The seller answers both from the inbox.
    seller_page = open_page()
    sign_in_by_form(seller_page, *DEMO_SELLER)
    seller_page.goto("/studio/inbox/")
    check_page(seller_page)
    for subject, answer in [
        ("Import into Notion fails", "Save the sheet as UTF-8 first."),
        ("Icon sizes", "Yes: 16, 24 and 32 px."),
    ]:
        seller_page.goto("/studio/inbox/")
        seller_page.get_by_role("link", name=subject).click()
        seller_page.get_by_label("Your answer").fill(answer)
        seller_page.get_by_role("button", name="Send").click()
        expect(seller_page.get_by_text(answer)).to_be_visible()
        check_page(seller_page)
        assert SupportRequest.objects.get(subject=subject).status == "answered"

    # The buyer reads the answer, then refunds the support order: its request is cancelled.
    page.goto(f"/support/{paid.pk}/")
    expect(page.get_by_text("Yes: 16, 24 and 32 px.")).to_be_visible()
    page.goto(f"/billing/orders/{paid.order.public_id}/")
    page.get_by_role("button", name="Refund (dev provider)").click()
    expect(page.get_by_text("Refunded")).to_be_visible()
    paid.refresh_from_db()
    assert paid.status == SupportRequest.Status.CANCELLED

    # A refund of the product itself closes the requests resting on it.
    included = SupportRequest.objects.get(subject="Import into Notion fails")
    product_order = Order.objects.get(
        buyer=included.buyer, product=included.product, item="product", status="paid"
    )
    page.goto(f"/billing/orders/{product_order.public_id}/")
    page.get_by_role("button", name="Refund (dev provider)").click()
    expect(page.get_by_text("Refunded")).to_be_visible()
    included.refresh_from_db()
    assert included.status == SupportRequest.Status.CLOSED
    page.goto(f"/support/{included.pk}/")
    expect(page.get_by_text("The thread is closed to new messages.")).to_be_visible()
    check_page(page)


@pytest.fixture
def kit(transactional_db, buyer, seller):
    """A product the buyer owns, with no support offered yet."""
    return owned_product(buyer, seller, title="Budget Kit")


def test_the_seller_offers_support_and_grants_a_request(kit, buyer, seller, page, sign_in):
    sign_in(page, seller)
    page.goto(f"/studio/products/{kit.pk}/")
    section = page.locator("#support-offer")
    section.get_by_label("Support included for (days after purchase)").fill("14")
    section.get_by_role("button", name="Save support offer").click()
    expect(section.get_by_text("Included for 14 days after purchase.")).to_be_visible()
    assert page.url.endswith(f"/studio/products/{kit.pk}/")  # swapped in place, no reload
    check_page(page)

    page.get_by_text("Grant a free support request to an owner").click()
    page.get_by_label("Owner's email").fill(buyer.email)
    page.get_by_label("Reason").fill("Sorry for the broken 1.0 download")
    page.get_by_role("button", name="Grant support").click()
    granted = SupportRequest.objects.get(buyer=buyer, product=kit)
    assert granted.funding == SupportRequest.Funding.GRANTED
    assert granted.grant_reason == "Sorry for the broken 1.0 download"

    # The inbox filters by funding without a reload, and the URL keeps the filter.
    page.goto("/studio/inbox/?status=all")
    page.get_by_label("Funding").select_option("included")
    expect(page.get_by_text("No request matches these filters.")).to_be_visible()
    assert "funding=included" in page.url
    page.get_by_label("Funding").select_option("granted")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    check_page(page)


def test_support_works_without_javascript(kit, buyer, seller, open_page, sign_in):
    # (No axe here: it is JavaScript. The same pages are checked with it above.)
    support_offer_set(product=kit, included_days=30, price=0)
    buyer_page = open_page(java_script_enabled=False)
    sign_in(buyer_page, buyer)
    buyer_page.goto(f"/support/new/{kit.slug}/")
    buyer_page.get_by_label("Subject").fill("Where is the PDF?")
    buyer_page.get_by_label("Your message").fill("The download has no PDF in it.")
    buyer_page.get_by_role("button", name="Send").click()
    expect(buyer_page.get_by_text("The download has no PDF in it.")).to_be_visible()
    opened = SupportRequest.objects.get()

    seller_page = open_page(java_script_enabled=False)
    sign_in(seller_page, seller)
    seller_page.goto(f"/studio/inbox/{opened.pk}/")
    seller_page.get_by_label("Your answer").fill("It is in the 1.1 version now.")
    seller_page.get_by_role("button", name="Send").click()
    expect(seller_page.get_by_text("It is in the 1.1 version now.")).to_be_visible()

    buyer_page.goto(f"/support/{opened.pk}/")
    buyer_page.get_by_label("Your message").fill("Found it, thanks.")
    buyer_page.get_by_role("button", name="Send").click()
    expect(buyer_page.get_by_text("Found it, thanks.")).to_be_visible()
    buyer_page.get_by_role("button", name="Mark resolved").click()
    expect(buyer_page.locator(".badge", has_text="Resolved")).to_be_visible()
    opened.refresh_from_db()
    assert opened.status == SupportRequest.Status.RESOLVED
    assert opened.messages.count() == 3


def test_files_attached_to_a_thread_reach_the_other_side(kit, buyer, seller, open_page, sign_in):
    support_offer_set(product=kit, included_days=30, price=0)
    buyer_page = open_page()
    sign_in(buyer_page, buyer)
    buyer_page.goto(f"/support/new/{kit.slug}/")
    buyer_page.get_by_label("Subject").fill("Import error")
    buyer_page.get_by_label("Your message").fill("Here is the log.")
    buyer_page.get_by_label("Attach files").set_input_files(
        [{"name": "import.log", "mimeType": "text/plain", "buffer": b"row 12: bad separator\n"}]
    )
    buyer_page.get_by_role("button", name="Send").click()
    expect(buyer_page.get_by_role("link", name="import.log")).to_be_visible()
    opened = SupportRequest.objects.get()

    # A refused file says why, and the message is not sent.
    buyer_page.get_by_label("Your message").fill("And the program?")
    buyer_page.get_by_label("Attach files").set_input_files(
        [{"name": "fix.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}]
    )
    buyer_page.get_by_role("button", name="Send").click()
    expect(buyer_page.get_by_text("fix.exe")).to_be_visible()
    assert opened.messages.count() == 1
    check_page(buyer_page)

    seller_page = open_page()
    sign_in(seller_page, seller)
    seller_page.goto(f"/studio/inbox/{opened.pk}/")
    check_page(seller_page)
    with seller_page.expect_download() as download:
        seller_page.get_by_role("link", name="import.log").click()
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == b"row 12: bad separator\n"
