"""The buyer opens a request, writes in its thread, resolves or closes it (support.views)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import PurchasedProduct
from access.services import access_revoke
from support.models import SupportMessage, SupportRequest
from support.services import (
    MAX_BODY,
    message_post,
    request_close,
    support_offer_set,
)
from tests.access.helpers import owned_product
from tests.conftest import make_seller

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def new_url(product) -> str:
    return f"/support/new/{product.slug}/"


def thread_url(support_request, action: str = "") -> str:
    return f"/support/{support_request.pk}/{action + '/' if action else ''}"


def ask(client, product, subject="It will not open", body="Since 1.1 it crashes.", **kwargs):
    return client.post(new_url(product), {"subject": subject, "body": body}, **kwargs)


# Opening a request


def test_the_open_form_asks_for_a_subject_and_a_message(client, buyer, product):
    client.force_login(buyer)

    response = client.get(new_url(product))

    assert response.status_code == 200
    assert b"<html" in response.content
    assert b'name="subject"' in response.content
    assert b'name="body"' in response.content
    assert b'hx-post="/support/new/' in response.content


def test_an_htmx_get_of_the_open_form_returns_only_the_form(client, buyer, product):
    client.force_login(buyer)

    response = client.get(new_url(product), headers=HTMX)

    assert b"<html" not in response.content
    assert b'id="open-form"' in response.content


def test_an_owner_opens_a_request_and_lands_on_its_thread(client, buyer, product):
    client.force_login(buyer)

    response = ask(client, product)

    opened = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread_url(opened)
    assert (opened.buyer, opened.subject, opened.funding) == (buyer, "It will not open", "included")
    assert [m.body for m in opened.messages.all()] == ["Since 1.1 it crashes."]


def test_an_htmx_open_redirects_the_browser_to_the_thread(client, buyer, product):
    client.force_login(buyer)

    response = ask(client, product, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == thread_url(SupportRequest.objects.get())


def test_the_open_form_sends_anonymous_visitors_to_login(client, product):
    for response in (client.get(new_url(product)), ask(client, product)):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={new_url(product)}"
    assert not SupportRequest.objects.exists()


def test_an_htmx_open_by_an_anonymous_visitor_redirects_the_browser_to_login(client, product):
    response = ask(client, product, headers=HTMX)

    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_a_staff_only_account_cannot_open_a_request(client, staff, product):
    client.force_login(staff)

    assert client.get(new_url(product)).status_code == 403
    assert ask(client, product).status_code == 403
    assert not SupportRequest.objects.exists()


def test_the_open_form_404s_for_a_product_the_user_does_not_own(client, stranger, product):
    client.force_login(stranger)

    assert client.get(new_url(product)).status_code == 404
    assert ask(client, product).status_code == 404
    assert client.get("/support/new/no-such-product/").status_code == 404
    assert not SupportRequest.objects.exists()


def test_the_open_form_404s_once_access_is_revoked(client, buyer, product):
    access_revoke(user=buyer, product=product, reason="refund", via="test")
    client.force_login(buyer)

    assert ask(client, product).status_code == 404
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_open_form_refuses_other_methods(client, buyer, product, method):
    client.force_login(buyer)

    assert getattr(client, method)(new_url(product)).status_code == 405


@pytest.mark.parametrize(
    ("subject", "body", "said"),
    [
        ("", "Help", "Give your request a subject."),
        ("   ", "Help", "Give your request a subject."),
        ("Help", "", "Write a message first."),
        ("Help", " \n ", "Write a message first."),
        ("x" * 121, "Help", "Keep the subject to 120 characters (this one has 121)."),
        ("Help", "x" * (MAX_BODY + 1), f"Keep a message to {MAX_BODY:,} characters"),
        ("Line one\nline two", "Help", "Keep it on one line"),
    ],
)
def test_bad_input_is_refused_with_a_sentence_and_writes_nothing(
    client, buyer, product, subject, body, said
):
    client.force_login(buyer)

    plain = ask(client, product, subject=subject, body=body)
    htmx = ask(client, product, subject=subject, body=body, headers=HTMX)

    assert plain.status_code == htmx.status_code == 200
    assert said in plain.content.decode()
    assert said in htmx.content.decode()
    assert b"<html" not in htmx.content
    assert not SupportRequest.objects.exists()


def test_a_second_active_request_is_refused_with_a_way_to_the_first(client, buyer, opened):
    client.force_login(buyer)

    page = client.get(new_url(opened.product)).content.decode()
    response = ask(client, opened.product, headers=HTMX)

    assert "You already have a support request open for this product" in page
    assert 'name="body"' not in page
    assert response.status_code == 200
    assert "You already have a support request open for this product" in response.content.decode()
    assert f'href="{thread_url(opened)}"' in response.content.decode()
    assert SupportRequest.objects.count() == 1
    assert SupportMessage.objects.count() == 2


def test_a_new_request_can_follow_an_ended_one(client, buyer, opened):
    request_close(request=opened, actor=buyer, reason="test")
    client.force_login(buyer)

    ask(client, opened.product)

    assert SupportRequest.objects.filter(status="open").count() == 1


def test_after_the_included_days_the_form_says_when_support_ended(client, buyer, product):
    PurchasedProduct.objects.update(granted_at=timezone.now() - timedelta(days=31))
    client.force_login(buyer)

    page = client.get(new_url(product)).content.decode()
    response = ask(client, product)

    assert "The support included with your purchase ended on" in page
    assert 'name="body"' not in page
    assert "The support included with your purchase ended on" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_without_support_offered_there_is_nothing_to_open(client, buyer, product):
    support_offer_set(product=product, included_days=0, price=0)
    client.force_login(buyer)

    page = client.get(new_url(product)).content.decode()
    response = ask(client, product)

    assert "This product comes with no included support." in page
    assert 'name="body"' not in page
    assert "This product comes with no included support." in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_a_request_bought_per_request_goes_to_checkout_and_opens_once_paid(client, buyer, product):
    from tests.billing.helpers import deliver, payment_data

    support_offer_set(product=product, included_days=0, price=500)
    client.force_login(buyer)

    page = client.get(new_url(product)).content.decode()
    response = ask(client, product)

    assert "The seller answers one request for $5.00" in page
    bought = SupportRequest.objects.get()
    assert response["Location"] == f"/billing/orders/{bought.order.public_id}/checkout/"
    assert bought.status == "awaiting_payment"
    assert deliver(client, "payment.succeeded", payment_data(bought.order)).status_code == 204
    bought.refresh_from_db()
    assert bought.status == "open"


def test_asking_again_before_paying_returns_to_the_same_checkout(client, buyer, product):
    support_offer_set(product=product, included_days=0, price=500)
    client.force_login(buyer)

    first, second = ask(client, product), ask(client, product)

    assert first["Location"] == second["Location"]
    assert SupportRequest.objects.count() == 1


# The thread


def test_the_thread_shows_the_messages_in_order_as_plain_text(client, buyer, seller, opened):
    message_post(request=opened, author=buyer, body="<b>Still</b> broken\non 1.1 <script>")
    client.force_login(buyer)

    response = client.get(thread_url(opened))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Broken") < page.index("Fixed in 1.1") < page.index("Still")
    assert "&lt;b&gt;Still&lt;/b&gt; broken<br>on 1.1 &lt;script&gt;" in page
    assert "<b>Still" not in page
    assert "Sam Seller" in page
    assert 'name="body"' in page
    assert "Mark resolved" in page
    assert "Close this request" in page


def test_an_htmx_get_of_the_thread_returns_only_the_thread(client, buyer, opened):
    client.force_login(buyer)

    response = client.get(thread_url(opened), headers=HTMX)

    assert b"<html" not in response.content
    assert b'id="thread"' in response.content
    assert b"Fixed in 1.1" in response.content


def test_a_history_restore_of_the_thread_gets_the_full_page(client, buyer, opened):
    client.force_login(buyer)

    response = client.get(thread_url(opened), headers=HTMX | {"HX-History-Restore-Request": "true"})

    assert b"<html" in response.content


def test_the_thread_sends_anonymous_visitors_to_login(client, opened):
    responses = {
        thread_url(opened): client.get(thread_url(opened)),
        **{
            thread_url(opened, action): client.post(thread_url(opened, action), {"body": "Hi"})
            for action in ("", "close", "resolve")
        },
    }

    for url, response in responses.items():
        assert response["Location"] == f"/accounts/login/?next={url}"
    opened.refresh_from_db()
    assert (opened.status, opened.messages.count()) == ("answered", 2)


def test_a_staff_only_account_gets_no_thread(client, staff, opened):
    client.force_login(staff)

    assert client.get(thread_url(opened)).status_code == 403
    assert client.post(thread_url(opened, "close")).status_code == 403


def test_someone_elses_request_is_a_404_everywhere(client, stranger, opened):
    client.force_login(stranger)

    assert client.get(thread_url(opened)).status_code == 404
    assert client.post(thread_url(opened), {"body": "Me too"}).status_code == 404
    assert client.post(thread_url(opened, "close")).status_code == 404
    assert client.post(thread_url(opened, "resolve")).status_code == 404
    opened.refresh_from_db()
    assert (opened.status, opened.messages.count()) == ("answered", 2)


def test_the_seller_reads_the_request_in_the_inbox_not_here(client, seller, opened):
    client.force_login(seller)

    assert client.get(thread_url(opened)).status_code == 404


@pytest.mark.parametrize(
    ("action", "method"),
    [("", "put"), ("", "delete"), ("close", "get"), ("resolve", "get"), ("close", "put")],
)
def test_the_thread_refuses_other_methods(client, buyer, opened, action, method):
    client.force_login(buyer)

    assert getattr(client, method)(thread_url(opened, action)).status_code == 405


def test_a_plain_reply_posts_then_redirects_back_to_the_thread(client, buyer, opened):
    client.force_login(buyer)

    response = client.post(thread_url(opened), {"body": "Thanks, but\nstill broken"})

    assert response.status_code == 302
    assert response["Location"] == thread_url(opened)
    opened.refresh_from_db()
    assert opened.status == "open"
    assert opened.messages.last().body == "Thanks, but\nstill broken"


def test_an_htmx_reply_swaps_in_the_thread_with_the_new_message(client, buyer, opened):
    client.force_login(buyer)

    response = client.post(thread_url(opened), {"body": "Still broken"}, headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.index("Fixed in 1.1") < page.index("Still broken")
    assert 'badge--open">Open' in page
    assert '<textarea name="body"' in page
    assert "Still broken</textarea>" not in page


@pytest.mark.parametrize(
    ("body", "said"),
    [("", "Write a message first."), ("x" * (MAX_BODY + 1), "Keep a message to 10,000 characters")],
)
def test_a_bad_reply_is_refused_in_place_and_writes_nothing(client, buyer, opened, body, said):
    client.force_login(buyer)

    plain = client.post(thread_url(opened), {"body": body})
    htmx = client.post(thread_url(opened), {"body": body}, headers=HTMX)

    assert plain.status_code == htmx.status_code == 200
    assert said in plain.content.decode()
    assert said in htmx.content.decode()
    assert b"<html" not in htmx.content
    assert opened.messages.count() == 2


def test_a_reply_to_an_ended_request_is_refused_and_writes_nothing(client, buyer, opened):
    client.force_login(buyer)
    page = client.get(thread_url(opened)).content.decode()  # the form, still open here
    request_close(request=opened, actor=opened.product.seller, reason="Answered by email")

    response = client.post(thread_url(opened), {"body": "One more thing"}, headers=HTMX)

    assert 'name="body"' in page
    assert "This request is closed." in response.content.decode()
    assert opened.messages.count() == 2


def test_an_ended_request_says_why_and_has_no_form(client, buyer, opened):
    request_close(request=opened, actor=opened.product.seller, reason="Answered by email")
    client.force_login(buyer)

    page = client.get(thread_url(opened)).content.decode()

    assert "Closed on" in page
    assert "Answered by email" in page
    assert 'name="body"' not in page
    assert "Mark resolved" not in page
    assert "Close this request" not in page


def test_the_buyer_marks_a_request_resolved(client, buyer, opened):
    client.force_login(buyer)

    response = client.post(thread_url(opened, "resolve"))

    assert response["Location"] == thread_url(opened)
    opened.refresh_from_db()
    assert opened.status == "resolved"
    page = client.get(thread_url(opened)).content.decode()
    assert "Your request is marked resolved." in page
    assert "Resolved on" in page
    assert 'name="body"' not in page


def test_the_buyer_closes_a_request_with_htmx(client, buyer, opened):
    client.force_login(buyer)

    response = client.post(thread_url(opened, "close"), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Closed on" in page
    assert "closed by the buyer" in page
    assert 'name="body"' not in page
    opened.refresh_from_db()
    assert (opened.status, opened.end_reason) == ("closed", "closed by the buyer")


def test_closing_asks_first_in_words(client, buyer, opened):
    client.force_login(buyer)

    page = client.get(thread_url(opened)).content.decode()

    assert "<summary>Close this request</summary>" in page
    assert "Yes, close it" in page


def test_ending_an_ended_request_is_refused_with_a_sentence(client, buyer, opened):
    request_close(request=opened, actor=buyer, reason="closed by the buyer")
    ended_at = SupportRequest.objects.get().ended_at
    client.force_login(buyer)

    plain = client.post(thread_url(opened, "resolve"), follow=True)
    htmx = client.post(thread_url(opened, "close"), headers=HTMX)

    assert "This request is closed." in plain.content.decode()
    assert htmx.status_code == 200
    assert "This request is closed." in htmx.content.decode()
    opened.refresh_from_db()
    assert (opened.status, opened.ended_at) == ("closed", ended_at)


def test_a_seller_who_buys_uses_the_same_pages(client, seller):
    other = owned_product(seller, make_seller("maker@example.com"), title="Maker Kit")
    support_offer_set(product=other, included_days=30, price=0)
    client.force_login(seller)

    ask(client, other)

    assert SupportRequest.objects.get().buyer == seller


def test_a_request_awaiting_payment_leads_to_its_checkout(client, buyer, product):
    support_offer_set(product=product, included_days=0, price=500)
    client.force_login(buyer)
    ask(client, product)
    bought = SupportRequest.objects.get()

    page = client.get(thread_url(bought)).content.decode()
    response = client.post(thread_url(bought, "pay"))

    assert f'action="{thread_url(bought, "pay")}"' in page
    assert 'name="body"' not in page
    assert response["Location"] == f"/billing/orders/{bought.order.public_id}/checkout/"


def test_after_a_failed_payment_paying_again_makes_a_new_order(client, buyer, product):
    from billing.models import Order
    from tests.billing.helpers import deliver, payment_data

    support_offer_set(product=product, included_days=0, price=500)
    client.force_login(buyer)
    ask(client, product)
    bought = SupportRequest.objects.get()
    failed = bought.order
    deliver(client, "payment.failed", payment_data(failed, status="failed"))

    response = client.post(thread_url(bought, "pay"))

    bought.refresh_from_db()
    assert bought.order != failed
    assert bought.order.status == Order.Status.PENDING
    assert response["Location"] == f"/billing/orders/{bought.order.public_id}/checkout/"


def test_only_the_buyer_pays_and_only_by_post(client, buyer, stranger, product):
    support_offer_set(product=product, included_days=0, price=500)
    client.force_login(buyer)
    ask(client, product)
    bought = SupportRequest.objects.get()

    assert client.get(thread_url(bought, "pay")).status_code == 405
    client.force_login(stranger)
    assert client.post(thread_url(bought, "pay")).status_code == 404
