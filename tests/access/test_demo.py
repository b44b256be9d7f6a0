import pytest
from django.core.management import call_command

from access.models import PurchasedProduct
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_buyer_owns_products_and_sees_them_in_the_library(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent
    buyer = User.objects.get(email="buyer@example.com")
    client.force_login(buyer)

    assert PurchasedProduct.objects.owned_by(buyer).count() == 4
    page = client.get("/library/").content.decode()
    assert "Notion Budget Kit" in page
    assert "Field Notes Planner" in page
