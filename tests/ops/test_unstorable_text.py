from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shop.models import Product
from tests.billing.helpers import URL as WEBHOOK_URL
from tests.conftest import make_product

pytestmark = pytest.mark.django_db

HOSTILE_GETS = ["/s/%00", "/s/abc%00def", "/library/?q=%00", "/library/?q%00=x", "/?q=a%00b"]


@pytest.fixture
def product(seller):
    return make_product(seller, title="Budget Kit")


@pytest.mark.parametrize("url", HOSTILE_GETS)
def test_a_nul_in_the_path_or_query_string_is_400_in_plain_text(client, buyer, url):
    client.force_login(buyer)

    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"cannot be stored" in response.content


def test_a_nul_in_a_form_field_is_400_and_changes_nothing(client, seller, product):
    client.force_login(seller)

    response = client.post(
        f"/studio/products/{product.pk}/title/",
        urlencode({"title": "Budget\x00Kit"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    product.refresh_from_db()
    assert product.title == "Budget Kit"


def test_a_nul_in_a_multipart_form_field_is_400_and_adds_nothing(client, seller, product):
    client.force_login(seller)

    response = client.post(
        f"/studio/products/{product.pk}/versions/new/",
        {"label": "1.0\x00", "files": SimpleUploadedFile("notes.pdf", b"%PDF-1.4 demo")},
    )

    assert response.status_code == 400
    assert not product.versions.exists()


def test_bytes_that_are_not_utf8_arrive_as_replacement_characters_and_match_nothing(client, buyer):
    # %ED%A0%80 would be a lone surrogate; Django decodes it as U+FFFD, which is storable.
    client.force_login(buyer)

    assert client.get("/library/?q=%ED%A0%80").status_code == 200
    assert client.get("/s/%ED%A0%80").status_code == 404


@pytest.mark.parametrize("field", ["x", "x\x00"])
def test_a_webhook_body_is_never_parsed_as_a_form(client, field):
    # Parsing it would consume the raw body the signature is checked on (a 500 on reading it).
    response = client.post(WEBHOOK_URL, {"payment_id": field})

    assert response.status_code == 400
    assert response.content == b"Invalid webhook."


def test_ordinary_text_passes(client, seller, product):
    client.force_login(seller)

    response = client.post(
        f"/studio/products/{product.pk}/title/", {"title": "Budget Kit: 2ᵉ édition 🎨"}
    )

    assert response.status_code == 302
    assert Product.objects.get().title == "Budget Kit: 2ᵉ édition 🎨"


@pytest.mark.postgres
def test_on_postgresql_no_nul_reaches_a_query(client, buyer):
    # PostgreSQL refuses a NUL even in a lookup ("A string literal cannot contain NUL").
    client.raise_request_exception = False
    client.force_login(buyer)

    statuses = {url: client.get(url).status_code for url in HOSTILE_GETS}

    assert statuses == dict.fromkeys(HOSTILE_GETS, 400)
