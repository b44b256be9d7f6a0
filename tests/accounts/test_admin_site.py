"""The admin site: everything about a person's account in one "Accounts" section (users,
their email addresses, groups, Telegram links)."""

import re

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def sections(html: str) -> dict[str, list[str]]:
    """Section name: its models, as the admin index (or a section's page) lists them."""
    found = {}
    for caption, body in re.findall(
        r'<caption>\s*<a href="[^"]*" class="section"[^>]*>(.*?)</a>\s*</caption>(.*?)</table>',
        html,
        re.S,
    ):
        found[caption.strip()] = re.findall(
            r'<th scope="row" id="[^"]*">\s*<a [^>]*>(.*?)</a>', body
        )
    return found


SECTION = ["Email addresses", "Groups", "Social accounts", "Telegram links", "Users"]


def test_the_index_has_one_accounts_section(client, staff):
    client.force_login(staff)

    found = sections(client.get("/admin/").content.decode())

    assert found["Accounts"] == SECTION
    assert list(found).count("Accounts") == 1
    assert "Authentication and Authorization" not in found
    assert list(found) == sorted(found)


@pytest.mark.parametrize("app_label", ["accounts", "account", "auth", "socialaccount"])
def test_each_folded_apps_page_shows_the_whole_section(client, staff, app_label):
    client.force_login(staff)

    response = client.get(f"/admin/{app_label}/")

    assert response.status_code == 200
    found = sections(response.content.decode())
    assert found == {"Accounts": SECTION}


def test_the_sidebar_lists_the_same_sections(client, staff):
    client.force_login(staff)

    page = client.get("/admin/accounts/user/").content.decode()
    sidebar = re.search(r'<nav class="sticky" id="nav-sidebar"[^>]*>(.*?)</nav>', page, re.S)[1]

    assert sections(sidebar)["Accounts"] == SECTION
    assert "Authentication and Authorization" not in sidebar


def test_staff_allowed_only_a_folded_apps_model_see_it_under_accounts(client, db):
    clerk = make_user("clerk@example.com", is_customer=False, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_group"))
    client.force_login(clerk)

    found = sections(client.get("/admin/").content.decode())
    section_page = client.get("/admin/accounts/")

    assert found == {"Accounts": ["Groups"]}
    assert section_page.status_code == 200
    assert sections(section_page.content.decode()) == {"Accounts": ["Groups"]}


def test_a_section_the_staff_member_may_not_see_is_404(client, db):
    clerk = make_user("clerk@example.com", is_customer=False, is_staff=True)
    client.force_login(clerk)

    assert client.get("/admin/auth/").status_code == 404
