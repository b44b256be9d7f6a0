"""The shop's favicon on every page: each template that writes its own <head> links it (the
others extend one that does), the error pages carry it, and so do the admin's pages (through
templates/admin/base_site.html)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

FAVICON = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
TEMPLATES = Path(settings.BASE_DIR) / "templates"

pytestmark = pytest.mark.django_db


def test_every_template_with_a_head_links_the_favicon():
    heads = [path for path in TEMPLATES.rglob("*.html") if "<head>" in path.read_text()]

    assert heads, "no template writes a <head>"
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in heads
        if 'rel="icon" href="{% static \'img/favicon.svg\' %}"' not in path.read_text()
    ]
    assert missing == []


def test_a_server_error_page_carries_the_favicon(settings):
    settings.ROOT_URLCONF = "tests.ops.urls_boom"

    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    assert FAVICON in response.content.decode()


@pytest.mark.parametrize("url", ["/no/such/page/", "/accounts/login/", "/"])
def test_pages_carry_the_favicon(client, url):
    assert FAVICON in client.get(url).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/accounts/",
        "/admin/accounts/user/",
        "/admin/billing/order/",
        "/admin/access/purchasedproduct/add/",
        "/admin/password_change/",
    ],
)
def test_admin_pages_carry_the_favicon(client, staff, url):
    client.force_login(staff)

    response = client.get(url)

    assert response.status_code == 200
    assert FAVICON in response.content.decode()


def test_the_admin_sign_in_page_carries_the_favicon(client):
    assert FAVICON in client.get("/admin/login/").content.decode()
