import pytest

pytestmark = pytest.mark.django_db

PANELS = [("library", "/library/account/", "buyer"), ("studio", "/studio/account/", "seller")]
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize(("panel", "url", "cast"), PANELS)
def test_the_profile_renders_inside_the_panel_it_was_opened_from(client, request, panel, url, cast):
    client.force_login(request.getfixturevalue(cast))

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["panel"].key == panel
    assert f'href="/{panel}/account/password/"'.encode() in response.content


def test_a_seller_who_buys_sees_the_same_page_in_both_panels(client, seller):
    client.force_login(seller)

    library = client.get("/library/account/")
    studio = client.get("/studio/account/")

    assert library.templates[0].name == studio.templates[0].name == "accounts/profile.html"
    assert [library.context["panel"].key, studio.context["panel"].key] == ["library", "studio"]


@pytest.mark.parametrize(("panel", "url", "cast"), PANELS)
def test_saving_the_name_redirects_back_to_the_same_panel(client, request, panel, url, cast):
    user = request.getfixturevalue(cast)
    client.force_login(user)

    response = client.post(url, {"name": "  Robin Doe ", "display_name": "Sam Seller"})

    assert response.status_code == 302
    assert response["Location"] == url
    user.refresh_from_db()
    assert user.name == "Robin Doe"


@pytest.mark.parametrize(("panel", "url", "cast"), PANELS)
def test_an_htmx_save_returns_only_the_form(client, request, panel, url, cast):
    client.force_login(request.getfixturevalue(cast))

    response = client.post(url, {"name": "Robin", "display_name": "Sam Seller"}, headers=HTMX)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="profile-form"' in response.content
    assert b"Your profile is saved." in response.content


def test_an_htmx_get_returns_only_the_form(client, buyer):
    client.force_login(buyer)

    response = client.get("/library/account/", headers=HTMX)

    assert b"<html" not in response.content
    assert b'id="profile-form"' in response.content


def test_a_history_restore_gets_the_full_page(client, buyer):
    client.force_login(buyer)

    response = client.get(
        "/library/account/", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )

    assert b"<html" in response.content


def test_an_invalid_htmx_save_re_renders_in_place_with_200(client, buyer):
    client.force_login(buyer)

    response = client.post("/library/account/", {"name": "x" * 151}, headers=HTMX)

    assert response.status_code == 200
    assert b"errorlist" in response.content
    buyer.refresh_from_db()
    assert buyer.name == "Bea Buyer"


def test_email_cannot_be_changed_from_the_profile_form(client, buyer):
    client.force_login(buyer)

    client.post("/library/account/", {"name": "Bea", "email": "other@example.com"})

    buyer.refresh_from_db()
    assert buyer.email == "buyer@example.com"


def test_anonymous_is_sent_to_login(client):
    response = client.get("/studio/account/")

    assert response["Location"] == "/accounts/login/?next=/studio/account/"


def test_a_buyer_cannot_open_the_studio_panel(client, buyer):
    client.force_login(buyer)

    response = client.get("/studio/account/")

    assert response.status_code == 403
    assert b"Start selling" in response.content


def test_a_staff_only_user_cannot_open_the_library_panel(client, staff):
    client.force_login(staff)

    assert client.get("/library/account/").status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, buyer, method):
    client.force_login(buyer)

    assert getattr(client, method)("/library/account/").status_code == 405


def test_there_is_no_profile_page_outside_a_panel(client, buyer):
    client.force_login(buyer)

    assert client.get("/account/").status_code == 404
    assert client.get("/account/profile/").status_code == 404
