import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import user_start_selling
from tests.conftest import make_user, run_together

pytestmark = pytest.mark.django_db

URL = "/account/start-selling/"
HTMX = {"HX-Request": "true"}


def test_start_selling_turns_on_the_seller_role_with_a_date_and_a_display_name(client, buyer):
    client.force_login(buyer)

    response = client.post(URL, {"display_name": "  Bea's   Studio "})

    assert response.status_code == 302
    assert response["Location"] == "/studio/"
    buyer.refresh_from_db()
    assert buyer.is_seller
    assert buyer.is_customer
    assert buyer.seller_since is not None
    assert buyer.display_name == "Bea's Studio"


def test_the_page_asks_for_the_display_name_offering_the_users_name(client, buyer):
    client.force_login(buyer)

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert 'name="display_name"' in page
    assert 'value="Bea Buyer"' in page
    assert "never your email address" in page


def test_an_htmx_get_returns_only_the_form(client, buyer):
    client.force_login(buyer)

    response = client.get(URL, headers=HTMX)

    assert b"<html" not in response.content
    assert b'id="start-selling-form"' in response.content


def test_starting_twice_keeps_the_first_date_and_name(seller):
    first = seller.seller_since

    again = user_start_selling(user=seller, display_name="Another Name")

    assert again.seller_since == first
    assert again.display_name == "Sam Seller"


def test_a_seller_is_sent_on_to_the_studio(client, seller):
    client.force_login(seller)

    assert client.get(URL)["Location"] == "/studio/"
    assert client.post(URL, {"display_name": "Other"})["Location"] == "/studio/"
    assert client.post(URL, headers=HTMX)["HX-Redirect"] == "/studio/"
    seller.refresh_from_db()
    assert seller.display_name == "Sam Seller"


def test_an_htmx_start_redirects_through_htmx(client, buyer):
    client.force_login(buyer)

    response = client.post(URL, {"display_name": "Bea Makes"}, headers=HTMX)

    assert response["HX-Redirect"] == "/studio/"


def test_anonymous_is_sent_to_login(client):
    assert client.post(URL)["Location"].startswith("/accounts/login/")
    assert client.get(URL)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, buyer, method):
    client.force_login(buyer)

    assert getattr(client, method)(URL).status_code == 405
    buyer.refresh_from_db()
    assert not buyer.is_seller


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"display_name": "   "}, "This field is required."),
        ({"display_name": "bea@example.com"}, "cannot hold an @"),
        ({"display_name": "x" * 51}, "at most 50 characters"),
        ({"display_name": "Bea\u200bStudio"}, "without control characters"),
    ],
)
def test_a_missing_or_unusable_display_name_is_refused_with_a_message(client, buyer, data, message):
    client.force_login(buyer)

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    buyer.refresh_from_db()
    assert (buyer.is_seller, buyer.seller_since, buyer.display_name) == (False, None, "")


# The last is "Sam" in fullwidth letters, the same name once folded (NFKC).
@pytest.mark.parametrize(
    "taken", ["Sam Seller", "sam seller", "  SAM   SELLER ", "\uff33\uff41\uff4d Seller"]
)
def test_a_display_name_another_seller_has_is_refused_in_any_case(client, buyer, seller, taken):
    client.force_login(buyer)

    response = client.post(URL, {"display_name": taken})

    assert "Another seller has this name" in response.content.decode()
    buyer.refresh_from_db()
    assert not buyer.is_seller


def test_a_buyers_name_is_no_sellers_display_name(client, buyer, stranger):
    client.force_login(stranger)

    client.post(URL, {"display_name": "Bea Buyer"})

    stranger.refresh_from_db()
    assert stranger.display_name == "Bea Buyer"


def test_an_invalid_htmx_start_re_renders_the_form_in_place_with_200(client, buyer, seller):
    client.force_login(buyer)

    response = client.post(URL, {"display_name": "SAM SELLER"}, headers=HTMX)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="start-selling-form"' in response.content
    assert b"Another seller has this name" in response.content


def test_the_studio_opens_after_starting(client, buyer):
    client.force_login(buyer)
    assert client.get("/studio/").status_code == 403

    client.post(URL, {"display_name": "Bea Makes"})

    assert client.get("/studio/").status_code == 200


def test_without_being_asked_a_seller_is_named_after_their_name(buyer):
    assert user_start_selling(user=buyer).display_name == "Bea Buyer"


@pytest.mark.parametrize("name", ["", "stranger@example.com", "Sam Seller"])
def test_without_being_asked_or_a_free_name_a_seller_is_named_neutrally(seller, name):
    user = make_user("nameless@example.com", name=name)

    assert user_start_selling(user=user).display_name == f"Seller {user.pk}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_record_one_date(buyer):
    dates = []

    errors = run_together(
        lambda: dates.append(
            user_start_selling(
                user=User.objects.get(pk=buyer.pk), display_name="Bea Makes"
            ).seller_since
        ),
        2,
    )

    assert errors == []
    buyer.refresh_from_db()
    assert dates == [buyer.seller_since, buyer.seller_since]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_starting_under_one_name_at_once_one_gets_it_the_other_hears_why(
    buyer, stranger
):
    users = iter([buyer, stranger])

    errors = run_together(
        lambda: user_start_selling(user=next(users), display_name="Twin Studio"), 2
    )

    assert [type(error) for error in errors] == [ValidationError]
    assert "Another seller has this name" in str(errors[0])
    assert User.objects.filter(is_seller=True, display_name="Twin Studio").count() == 1
    assert User.objects.filter(is_seller=True).count() == 1
