import pytest

from accounts.models import User
from accounts.services import user_start_selling
from tests.conftest import run_together

pytestmark = pytest.mark.django_db

URL = "/account/start-selling/"


def test_start_selling_turns_on_the_seller_role_with_a_date(client, buyer):
    client.force_login(buyer)

    response = client.post(URL)

    assert response.status_code == 302
    assert response["Location"] == "/studio/"
    buyer.refresh_from_db()
    assert buyer.is_seller
    assert buyer.is_customer
    assert buyer.seller_since is not None


def test_starting_twice_keeps_the_first_date(seller):
    first = seller.seller_since

    again = user_start_selling(user=seller)

    assert again.seller_since == first


def test_an_htmx_start_redirects_through_htmx(client, buyer):
    client.force_login(buyer)

    response = client.post(URL, headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == "/studio/"


def test_anonymous_is_sent_to_login(client):
    response = client.post(URL)

    assert response["Location"].startswith("/accounts/login/")


def test_get_is_not_allowed(client, buyer):
    client.force_login(buyer)

    assert client.get(URL).status_code == 405
    buyer.refresh_from_db()
    assert not buyer.is_seller


def test_the_studio_opens_after_starting(client, buyer):
    client.force_login(buyer)
    assert client.get("/studio/").status_code == 403

    client.post(URL)

    assert client.get("/studio/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_record_one_date(buyer):
    dates = []

    errors = run_together(
        lambda: dates.append(user_start_selling(user=User.objects.get(pk=buyer.pk)).seller_since),
        2,
    )

    assert errors == []
    buyer.refresh_from_db()
    assert dates == [buyer.seller_since, buyer.seller_since]
