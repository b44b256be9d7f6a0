import pytest

from access.models import PurchasedProduct
from access.selectors import user_owns
from access.services import access_revoke
from shop.services import product_publish, product_unpublish
from tests.access.helpers import owned_product
from tests.conftest import add_version, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def free(seller):
    product = make_product(seller, title="Free Planner", price=0)
    add_version(product)
    return product_publish(product=product)


def test_an_owner_sees_in_your_library_with_downloads(client, buyer, seller):
    product = owned_product(buyer, seller)
    client.force_login(buyer)

    page = client.get(f"/p/{product.slug}/").content.decode()

    assert "In your library" in page
    file = product.versions.get().files.get()
    assert f'href="/download/{file.pk}/"' in page


def test_others_see_the_price_and_no_downloads(client, buyer, seller, stranger):
    product = owned_product(buyer, seller)
    client.force_login(stranger)

    page = client.get(f"/p/{product.slug}/").content.decode()

    assert "In your library" not in page
    assert "/download/" not in page
    assert "$12.00" in page


def test_a_revoked_owner_no_longer_sees_downloads(client, buyer, seller):
    product = owned_product(buyer, seller)
    access_revoke(user=buyer, product=product, reason="refund", via="test")
    client.force_login(buyer)

    assert "In your library" not in client.get(f"/p/{product.slug}/").content.decode()


def test_a_signed_in_user_adds_a_free_product(client, buyer, free):
    client.force_login(buyer)
    assert b"Add to library" in client.get(f"/p/{free.slug}/").content

    response = client.post(f"/library/add/{free.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/p/{free.slug}/"
    purchase = PurchasedProduct.objects.get(user=buyer, product=free)
    assert purchase.source == "free"
    assert "In your library" in client.get(f"/p/{free.slug}/").content.decode()


def test_adding_twice_changes_nothing(client, buyer, free):
    client.force_login(buyer)

    client.post(f"/library/add/{free.pk}/")
    client.post(f"/library/add/{free.pk}/")

    assert PurchasedProduct.objects.get(user=buyer).events.count() == 1


def test_anonymous_is_sent_to_login_and_back_to_the_product(client, free):
    assert b"Sign in to add it to your library" in client.get(f"/p/{free.slug}/").content

    response = client.post(f"/library/add/{free.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/p/{free.slug}/"
    assert not PurchasedProduct.objects.exists()


def test_a_paid_product_cannot_be_added_for_free(client, buyer, seller):
    product = make_product(seller, title="Paid Kit", price=1200)
    add_version(product)
    product_publish(product=product)
    client.force_login(buyer)

    assert client.post(f"/library/add/{product.pk}/").status_code == 404
    assert not user_owns(user=buyer, product=product)


def test_a_draft_cannot_be_added(client, buyer, free):
    product_unpublish(product=free)
    client.force_login(buyer)

    assert client.post(f"/library/add/{free.pk}/").status_code == 404


def test_adding_refuses_get(client, buyer, free):
    client.force_login(buyer)

    assert client.get(f"/library/add/{free.pk}/").status_code == 405


def test_a_user_without_the_customer_role_cannot_add(client, free):
    client.force_login(make_user("staffonly@example.com", is_customer=False, is_staff=True))

    assert client.post(f"/library/add/{free.pk}/").status_code == 403
    assert not PurchasedProduct.objects.exists()


def test_the_anonymous_product_page_is_cached_without_anyones_library(client, buyer, free):
    client.force_login(buyer)
    client.post(f"/library/add/{free.pk}/")
    client.get(f"/p/{free.slug}/")
    client.logout()

    page = client.get(f"/p/{free.slug}/").content.decode()

    assert "In your library" not in page
    assert "Sign in to add it to your library" in page
