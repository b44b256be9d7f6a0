"""Staff read requests with their thread, grant free ones and close them, through services."""

import pytest
from django.test import Client

from support.models import SupportOffer, SupportRequest
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db
URL = "/admin/support/supportrequest/"


def test_staff_read_a_request_with_its_thread(client, staff, opened):
    client.force_login(staff)

    listing = client.get(URL, {"status": "answered"})
    page = client.get(f"{URL}{opened.pk}/change/")

    assert list(listing.context["cl"].result_list) == [opened]
    assert page.status_code == 200
    assert b"Fixed in 1.1" in page.content


def test_only_staff_get_in(client, buyer, opened):
    client.force_login(buyer)

    assert client.get(URL).status_code == 302


def test_staff_grant_a_free_request_to_an_owner(client, staff, buyer, product):
    client.force_login(staff)

    response = client.post(
        f"{URL}add/",
        {"buyer": buyer.pk, "product": product.pk, "subject": "On the house", "reason": "Press"},
    )

    assert response.status_code == 302
    granted = SupportRequest.objects.get()
    assert (granted.funding, granted.granted_by, granted.grant_reason) == (
        "granted",
        staff,
        "Press",
    )


def test_a_grant_for_someone_who_does_not_own_the_product_is_refused(
    client, staff, stranger, product
):
    client.force_login(staff)

    response = client.post(
        f"{URL}add/",
        {"buyer": stranger.pk, "product": product.pk, "subject": "Hi", "reason": "Press"},
    )

    assert response.status_code == 200
    assert b"does not own" in response.content
    assert not SupportRequest.objects.exists()


def test_staff_close_requests_with_a_reason(client, staff, opened):
    client.force_login(staff)
    chosen = {"action": "close", "_selected_action": [opened.pk]}

    asked = client.post(URL, chosen)
    client.post(URL, chosen | {"apply": "1", "reason": "Duplicate of a ticket"})

    assert asked.status_code == 200
    opened.refresh_from_db()
    assert (opened.status, opened.end_reason) == ("closed", "Duplicate of a ticket")


def test_a_request_cannot_be_edited_or_deleted(client, staff, opened):
    client.force_login(staff)

    client.post(f"{URL}{opened.pk}/change/", {"status": "resolved"})

    assert client.post(f"{URL}{opened.pk}/delete/").status_code == 403
    opened.refresh_from_db()
    assert opened.status == "answered"


OFFERS = "/admin/support/supportoffer/"


def test_staff_set_an_offer_through_the_service_and_owners_see_it_at_once(
    client, staff, buyer, seller
):
    product = owned_product(buyer, seller, title="Icons")
    client.force_login(buyer)
    assert "Get support" not in client.get("/library/").text  # cached now
    # Staff in a browser of their own: the admin's message would keep the buyer's page uncached.
    admin = Client()
    admin.force_login(staff)

    response = admin.post(
        f"{OFFERS}add/", {"product": product.pk, "included_days": 0, "price": 900}
    )

    assert response.status_code == 302
    assert (product.support_offer.included_days, product.support_offer.price) == (0, 900)
    assert "Get support" in client.get("/library/").text


def test_staff_change_an_offer_through_the_service(client, staff, buyer, product, monkeypatch):
    offer = product.support_offer
    called = []
    monkeypatch.setattr(
        "support.admin.support_offer_set", lambda **kwargs: called.append(kwargs) or offer
    )
    client.force_login(staff)

    response = client.post(f"{OFFERS}{offer.pk}/change/", {"included_days": 0, "price": 0})

    assert response.status_code == 302
    assert called == [{"product": product, "included_days": 0, "price": 0}]


def test_an_offer_below_the_lowest_price_is_refused_with_a_reason(client, staff, product):
    offer = product.support_offer
    client.force_login(staff)

    response = client.post(f"{OFFERS}{offer.pk}/change/", {"included_days": 30, "price": 1})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    offer.refresh_from_db()
    assert offer.price == 0


def test_an_offer_is_never_deleted(client, staff, product):
    offer = product.support_offer
    client.force_login(staff)

    page = client.get(f"{OFFERS}{offer.pk}/change/")

    assert b"deletelink" not in page.content
    assert client.post(f"{OFFERS}{offer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SupportOffer.objects.filter(pk=offer.pk).exists()
