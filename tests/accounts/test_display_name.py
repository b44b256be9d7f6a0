"""A seller's public display name: required, told apart from every other seller's in any case
(a database constraint), edited in the studio's profile, filled in for sellers who predate it;
and how everyone else is named to others (User.public_name), never by their address."""

import re

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.admin import UserEditForm
from accounts.models import User
from shop.services import product_publish
from tests.conftest import add_version, make_product, make_seller, make_user

pytestmark = pytest.mark.django_db

STUDIO = "/studio/account/"
HTMX = {"HX-Request": "true"}


# The database's rules


def test_two_sellers_cannot_share_a_display_name_in_any_case(seller):
    other = make_seller("other@example.com")

    with pytest.raises(IntegrityError):
        User.objects.filter(pk=other.pk).update(display_name="SAM seller")


def test_a_seller_cannot_be_without_a_display_name(seller):
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=seller.pk).update(display_name="")


def test_people_who_do_not_sell_need_no_display_name(buyer, stranger):
    assert User.objects.filter(display_name="", is_seller=False).count() == 2


# How people are named to others


def test_a_seller_is_named_by_their_display_name_not_their_name(seller):
    User.objects.filter(pk=seller.pk).update(display_name="Sam's Shop")
    seller.refresh_from_db()

    assert seller.public_name == "Sam's Shop"


def test_a_buyer_is_named_by_their_name_or_as_a_tagged_customer(buyer, stranger):
    assert buyer.public_name == "Bea Buyer"
    assert re.fullmatch(r"Customer [0-9a-f]{8}", stranger.public_name)


def test_a_customers_tag_is_steady_distinct_and_not_their_id(buyer, stranger):
    buyer.name = ""
    tags = {user.pk: user.public_name for user in (buyer, stranger)}

    assert len(set(tags.values())) == 2
    assert tags[stranger.pk] == User.objects.get(pk=stranger.pk).public_name
    assert all(name != f"Customer {pk}" for pk, name in tags.items())


def test_a_name_holding_an_address_is_not_shown(buyer):
    buyer.name = "bea@example.com"

    assert re.fullmatch(r"Customer [0-9a-f]{8}", buyer.public_name)


# The studio's profile


def test_the_studio_profile_shows_the_display_name(client, seller):
    client.force_login(seller)

    page = client.get(STUDIO).content.decode()

    assert 'name="display_name"' in page
    assert 'value="Sam Seller"' in page


def test_the_library_profile_has_no_display_name(client, seller):
    client.force_login(seller)

    assert 'name="display_name"' not in client.get("/library/account/").content.decode()


def test_a_seller_renames_themselves_in_the_studio(client, seller):
    client.force_login(seller)

    response = client.post(STUDIO, {"name": "Sam", "display_name": "Sam's  Shop"})

    assert response["Location"] == STUDIO
    seller.refresh_from_db()
    assert (seller.name, seller.display_name) == ("Sam", "Sam's Shop")


def test_a_seller_may_change_the_case_of_their_own_display_name(client, seller):
    client.force_login(seller)

    client.post(STUDIO, {"name": "Sam", "display_name": "SAM SELLER"})

    seller.refresh_from_db()
    assert seller.display_name == "SAM SELLER"


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("", "This field is required."),
        ("  ", "This field is required."),
        ("OTHER studio", "Another seller has this name"),
        ("sam@example.com", "cannot hold an @"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_unusable_display_name_is_refused_and_nothing_is_saved(
    client, seller, display_name, message, headers
):
    make_seller("other@example.com", name="Other Studio")
    client.force_login(seller)

    response = client.post(
        STUDIO, {"name": "Changed", "display_name": display_name}, headers=headers
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    seller.refresh_from_db()
    assert (seller.name, seller.display_name) == ("Sam Seller", "Sam Seller")


def test_a_post_without_fields_is_refused_with_a_message(client, seller):
    client.force_login(seller)

    response = client.post(STUDIO)

    assert "This field is required." in response.content.decode()


def test_a_new_display_name_reaches_the_cached_catalog_at_once(client, seller):
    product = make_product(seller, title="Cached Kit")
    add_version(product)
    product_publish(product=product)
    assert "Sam Seller" in client.get("/products/").content.decode()
    client.force_login(seller)
    client.post(STUDIO, {"name": "Sam", "display_name": "Renamed Studio"})
    client.logout()

    page = client.get("/products/").content.decode()

    assert "Renamed Studio" in page
    assert "Sam Seller" not in page


# Staff


def _admin_form(user: User, **changes) -> UserEditForm:
    """The admin's change form for `user`, posted as shown with `changes`."""
    shown = UserEditForm(instance=user)
    data = {name: shown[name].value() for name in shown.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    return UserEditForm({**data, **changes}, instance=user)


def test_staff_rename_a_seller_under_the_same_rules(seller):
    make_seller("other@example.com", name="Other Studio")

    refused = _admin_form(seller, display_name="other studio")
    emptied = _admin_form(seller, display_name="")
    renamed = _admin_form(seller, display_name="Sam  Renamed")

    assert "Another seller has this name" in str(refused.errors)
    assert not emptied.is_valid()
    assert "A seller needs a display name." in str(emptied.errors)
    assert renamed.is_valid(), renamed.errors
    renamed.save()
    seller.refresh_from_db()
    assert seller.display_name == "Sam Renamed"


def test_staffs_start_selling_action_names_the_seller(client, staff, buyer):
    client.force_login(staff)

    action = {"action": "start_selling", "_selected_action": [buyer.pk]}
    client.post("/admin/accounts/user/", action)

    buyer.refresh_from_db()
    assert (buyer.is_seller, buyer.display_name) == (True, "Bea Buyer")


# Sellers from before display names


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_existing_sellers_from_their_name_or_neutrally_never_the_email():
    before, after = [("accounts", "0002_telegramlink")], [("accounts", "0003_user_display_name")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("accounts", "User")
        now = timezone.now()

        def seller(email, name):
            return old.objects.create(
                email=email, name=name, is_seller=True, seller_since=now, password="!"
            ).pk

        named = seller("ann@example.com", "  Ann   Maker ")
        nameless = seller("bo@example.com", "")
        address = seller("cy@example.com", "cy@example.com")
        same = seller("dee@example.com", "ann maker")
        buyer = old.objects.create(email="eve@example.com", name="Eve", password="!").pk

        executor.loader.build_graph()
        executor.migrate(after)

        names = dict(User.objects.values_list("pk", "display_name"))
        assert names[named] == "Ann Maker"
        assert names[nameless] == f"Seller {nameless}"
        assert names[address] == f"Seller {address}"
        assert names[same] == f"Seller {same}"
        assert names[buyer] == ""
        assert not any("@" in name for name in names.values())
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_make_user_still_makes_buyers_without_a_display_name(db):
    assert make_user("plain@example.com").display_name == ""
