import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


def test_staff_see_users_with_their_roles(client, staff, seller, buyer):
    client.force_login(staff)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    row = next(r for r in response.content.decode().split("<tr") if "seller@example.com" in r)
    assert "<strong>customer</strong> <strong>seller</strong>" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("is_seller__exact=1", ["seller@example.com"]),
        ("is_staff__exact=1", ["staff@example.com"]),
        ("is_customer__exact=1", ["buyer@example.com", "seller@example.com"]),
        ("q=SELLER@", ["seller@example.com"]),
    ],
)
def test_users_filter_by_role_and_search_by_email(client, staff, seller, buyer, query, expected):
    client.force_login(staff)

    response = client.get(f"{CHANGELIST}?{query}")

    shown = sorted(user.email for user in response.context["cl"].result_list)
    assert shown == expected


def test_the_change_page_shows_the_roles(client, staff, seller):
    client.force_login(staff)

    response = client.get(f"{CHANGELIST}{seller.pk}/change/")

    assert response.status_code == 200
    assert b"Seller since" in response.content
    assert b"<strong>seller</strong>" in response.content


def test_staff_can_add_a_user_by_email(client, staff):
    client.force_login(staff)

    response = client.post(
        f"{CHANGELIST}add/",
        {"email": "Added@Example.com", "usable_password": "false"},
    )

    assert response.status_code == 302
    added = User.objects.get(email="added@example.com")
    assert added.is_customer
    assert not added.has_usable_password()


def test_the_start_selling_action_goes_through_the_service(client, staff, buyer):
    client.force_login(staff)

    client.post(CHANGELIST, {"action": "start_selling", "_selected_action": [buyer.pk]})

    buyer.refresh_from_db()
    assert buyer.is_seller
    assert buyer.seller_since is not None


def test_customers_and_sellers_cannot_open_the_admin(client, seller):
    client.force_login(seller)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
