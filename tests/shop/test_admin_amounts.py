"""Products in the admin: the price in major units with its currency ("Free" for nothing)."""

import pytest

from tests.conftest import make_product

pytestmark = pytest.mark.django_db


def test_products_show_their_price_in_major_units(client, staff, seller):
    make_product(seller, title="Paid", price=2400, currency="EUR")
    make_product(seller, title="Given", price=0)
    client.force_login(staff)

    html = client.get("/admin/shop/product/").content.decode()

    assert '<td class="field-list_price">€24.00</td>' in html
    assert '<td class="field-list_price">Free</td>' in html
    assert "field-currency" not in html
