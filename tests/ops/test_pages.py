import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_renders_for_everyone(client, buyer):
    assert b"Create a free account" in client.get("/").content

    client.force_login(buyer)
    page = client.get("/").content
    assert b"Open the library" in page
    assert b'href="/studio/"' not in page


def test_the_nav_follows_the_roles(client, seller, staff):
    client.force_login(seller)
    page = client.get("/").content
    assert b'href="/library/"' in page
    assert b'href="/studio/"' in page
    assert b'href="/admin/"' not in page

    client.force_login(staff)
    page = client.get("/").content
    assert b'href="/admin/"' in page
    assert b'href="/library/"' not in page


def test_pages_carry_a_nonce_csp_without_unsafe_inline(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(rb"<script[^>]*>", response.content)
    assert scripts
    assert all(f'nonce="{nonce}"'.encode() in tag for tag in scripts)


def test_htmx_is_served_from_our_own_static_files(client):
    page = client.get("/").content

    assert b'src="/static/django_htmx/htmx-2.min.js"' in page
    assert b"https://" not in re.search(rb"<head>.*</head>", page, re.S)[0]


def test_the_body_sends_the_csrf_token_with_htmx_requests(client, buyer):
    client.force_login(buyer)

    page = client.get("/").content.decode()

    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[\w-]+\"\}'>", page)


def test_an_anonymous_page_carries_no_csrf_token_or_cookie(client):
    response = client.get("/")

    assert b"X-CSRFToken" not in response.content
    assert "csrftoken" not in response.cookies


def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"We can\xe2\x80\x99t find that page" in response.content


def test_a_server_error_is_a_friendly_500(settings):
    settings.ROOT_URLCONF = "tests.ops.urls_boom"
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_head_requests_are_answered(client):
    assert client.head("/").status_code == 200
