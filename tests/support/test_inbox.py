"""The seller's support inbox (/studio/inbox/) and its threads (/studio/inbox/<pk>/)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.services import access_grant
from support.models import SupportMessage, SupportRequest
from support.services import message_post, request_open_included, support_offer_set
from tests.access.helpers import owned_product
from tests.conftest import make_seller, make_user

pytestmark = pytest.mark.django_db
INBOX = "/studio/inbox/"
HTMX = {"HX-Request": "true"}


def _open(buyer, product, subject="It will not open"):
    return request_open_included(buyer=buyer, product=product, subject=subject, body="Help")


def _owner_of(product, email: str, **fields):
    owner = make_user(email, **fields)
    access_grant(user=owner, product=product, source="staff", via="test")
    return owner


@pytest.fixture
def waiting(buyer, product):
    return _open(buyer, product)


def test_the_seller_sees_requests_on_their_products_waiting_longest_first(
    client, seller, product, waiting
):
    later_buyer = make_user("late@example.com", name="Lee Late")
    later = owned_product(later_buyer, seller, title="Other Kit")
    support_offer_set(product=later, included_days=30, price=0)
    _open(later_buyer, later, subject="Newer question")
    SupportRequest.objects.filter(pk=waiting.pk).update(
        last_message_at=timezone.now() - timedelta(hours=5)
    )
    answered = _open(_owner_of(later, "ann@example.com"), later, subject="Answered one")
    message_post(request=answered, author=seller, body="Done")
    client.force_login(seller)

    response = client.get(INBOX)

    assert response.status_code == 200
    subjects = [r.subject for r in response.context["page"].object_list]
    assert subjects == ["It will not open", "Newer question", "Answered one"]
    assert response.context["figures"]["waiting"] == 2


def test_another_sellers_requests_are_not_in_the_inbox(client, waiting):
    other = make_seller("other@example.com")
    client.force_login(other)

    assert list(client.get(INBOX).context["page"].object_list) == []
    assert client.get(f"{INBOX}{waiting.pk}/").status_code == 404
    assert client.post(f"{INBOX}{waiting.pk}/", {"body": "Hi"}).status_code == 404
    assert client.post(f"{INBOX}{waiting.pk}/resolve/").status_code == 404
    assert SupportMessage.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, waiting):
    for url in (INBOX, f"{INBOX}{waiting.pk}/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_a_buyer_without_the_seller_role_is_refused(client, buyer, waiting):
    client.force_login(buyer)

    assert client.get(INBOX).status_code == 403
    assert client.get(f"{INBOX}{waiting.pk}/").status_code == 403


def test_wrong_methods_are_refused(client, seller, waiting):
    client.force_login(seller)

    assert client.post(INBOX).status_code == 405
    assert client.get(f"{INBOX}{waiting.pk}/resolve/").status_code == 405
    assert client.get(f"{INBOX}grant/{waiting.product_id}/").status_code == 405


def test_filters_and_search_narrow_the_list_and_htmx_gets_the_results_alone(
    client, seller, waiting
):
    client.force_login(seller)

    found = client.get(INBOX, {"q": "open", "funding": "included"}, headers=HTMX)
    missed = client.get(INBOX, {"status": "resolved"})

    assert found.templates[0].name == "results"
    assert b"It will not open" in found.content
    assert b"<html" not in found.content
    assert list(missed.context["page"].object_list) == []


def test_the_inbox_costs_the_same_queries_for_one_request_or_many(
    client, seller, product, waiting, django_assert_num_queries
):
    client.force_login(seller)
    client.get(INBOX)  # the session and the user cached
    # Each measured page is one the page cache has not seen (its own query string).
    with django_assert_num_queries(5) as few:
        client.get(INBOX, {"before": "1"})
    for n in range(12):
        _open(_owner_of(product, f"owner{n}@example.com"), product, subject=f"Question {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(INBOX, {"after": "1"})


def test_a_cached_inbox_and_thread_show_each_change_at_once(client, seller, buyer, waiting):
    client.force_login(seller)
    assert b"badge--open" in client.get(INBOX).content
    client.force_login(buyer)
    assert b"Try 1.1" not in client.get(f"/support/{waiting.pk}/").content

    message_post(request=waiting, author=seller, body="Try 1.1")

    assert b"Try 1.1" in client.get(f"/support/{waiting.pk}/").content
    client.force_login(seller)
    assert b"badge--answered" in client.get(INBOX).content


def test_the_seller_answers_in_place_and_the_request_is_answered(client, seller, waiting):
    client.force_login(seller)

    response = client.post(f"{INBOX}{waiting.pk}/", {"body": "Try version 1.1"}, headers=HTMX)

    assert response.status_code == 200
    assert b"Try version 1.1" in response.content
    assert b"<html" not in response.content
    waiting.refresh_from_db()
    assert waiting.status == "answered"
    assert waiting.first_answer_at is not None


def test_without_javascript_an_answer_redirects_back_to_the_thread(client, seller, waiting):
    client.force_login(seller)

    response = client.post(f"{INBOX}{waiting.pk}/", {"body": "Try version 1.1"})

    assert response["Location"] == f"{INBOX}{waiting.pk}/"
    assert b"Try version 1.1" in client.get(response["Location"]).content


@pytest.mark.parametrize("body", ["", "x" * 10_001])
def test_an_empty_or_overlong_answer_is_refused_and_nothing_written(client, seller, waiting, body):
    client.force_login(seller)

    response = client.post(f"{INBOX}{waiting.pk}/", {"body": body}, headers=HTMX)

    assert response.status_code == 200
    assert b"alert" in response.content or b"errorlist" in response.content
    assert SupportMessage.objects.count() == 1


def test_an_answer_to_a_closed_request_is_refused(client, seller, buyer, waiting):
    from support.services import request_close

    request_close(request=waiting, actor=buyer, reason="withdrawn")
    client.force_login(seller)

    response = client.post(f"{INBOX}{waiting.pk}/", {"body": "Late"}, headers=HTMX)

    assert b"This request is closed." in response.content
    assert SupportMessage.objects.count() == 1


def test_the_seller_resolves_or_closes_a_request(client, seller, buyer, product, waiting):
    client.force_login(seller)

    client.post(f"{INBOX}{waiting.pk}/resolve/")
    waiting.refresh_from_db()
    assert waiting.status == "resolved"

    second = _open(buyer, product)
    client.post(f"{INBOX}{second.pk}/close/")
    second.refresh_from_db()
    assert (second.status, second.end_reason) == ("closed", "closed by the seller")


def test_the_figures_give_the_median_time_to_a_first_answer(client, seller, buyer, product):
    now = timezone.now()
    for minutes in (10, 30, 600):
        opened = _open(_owner_of(product, f"o{minutes}@example.com"), product)
        SupportRequest.objects.filter(pk=opened.pk).update(
            opened_at=now - timedelta(days=1),
            first_answer_at=now - timedelta(days=1) + timedelta(minutes=minutes),
            status="answered",
        )
    client.force_login(seller)

    figures = client.get(INBOX).context["figures"]

    assert figures["median_first_answer"] == "30 min"


def test_the_seller_grants_a_free_request_to_an_owner(client, seller, buyer, product):
    client.force_login(seller)

    response = client.post(
        f"{INBOX}grant/{product.pk}/", {"email": buyer.email, "reason": "Loyal buyer"}
    )

    granted = SupportRequest.objects.get()
    assert response["Location"] == f"{INBOX}{granted.pk}/"
    assert (granted.funding, granted.grant_reason) == ("granted", "Loyal buyer")


def test_a_grant_to_someone_who_is_not_an_owner_says_so_the_same_way_for_any_address(
    client, seller, stranger, product
):
    client.force_login(seller)

    for email in (stranger.email, "nobody@example.com"):
        response = client.post(
            f"{INBOX}grant/{product.pk}/",
            {"email": email, "reason": "Why not"},
            follow=True,
        )
        assert b"No owner of that product has this address." in response.content

    assert not SupportRequest.objects.exists()


def test_grants_are_made_from_the_product_and_the_inbox_lists_only_products_asked_about(
    client, seller, product, waiting
):
    unasked = owned_product(make_user("x@example.com"), seller, title="Never Asked Kit")
    client.force_login(seller)

    inbox = client.get(INBOX).content.decode()
    studio = client.get(f"/studio/products/{product.pk}/").content.decode()

    assert "Never Asked Kit" not in inbox
    assert f"{INBOX}grant/{product.pk}/" in studio
    assert f"{INBOX}grant/{unasked.pk}/" not in inbox


def test_a_seller_cannot_grant_on_another_sellers_product(client, buyer, product):
    other = make_seller("other@example.com")
    client.force_login(other)

    response = client.post(f"{INBOX}grant/{product.pk}/", {"email": buyer.email, "reason": "x"})

    assert response.status_code == 404
    assert not SupportRequest.objects.exists()
