"""Support offers in the admin: the price of a paid request in major units with the product's
currency."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.services import support_offer_set
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db

OFFERS = "/admin/support/supportoffer/"


def test_offers_show_their_price_in_major_units(client, staff, buyer, seller):
    support_offer_set(product=owned_product(buyer, seller), included_days=0, price=1500)
    support_offer_set(
        product=owned_product(buyer, seller, title="Free Kit"), included_days=30, price=0
    )
    client.force_login(staff)

    html = client.get(OFFERS).content.decode()

    assert '<td class="field-paid_price">$15.00</td>' in html
    assert '<td class="field-paid_price">Not sold</td>' in html
    assert "field-price" not in html


def test_the_list_asks_the_same_queries_for_one_offer_or_many(client, staff, buyer, seller):
    support_offer_set(product=owned_product(buyer, seller), included_days=0, price=1500)
    client.force_login(staff)
    client.get(OFFERS)  # the session and the user's permissions, read once
    with CaptureQueriesContext(connection) as one:
        client.get(OFFERS)
    for title in ["Second", "Third"]:
        support_offer_set(
            product=owned_product(buyer, seller, title=title), included_days=0, price=900
        )

    with CaptureQueriesContext(connection) as many:
        client.get(OFFERS)

    assert len(many) == len(one)
