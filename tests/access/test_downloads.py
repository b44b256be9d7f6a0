import pytest

from access.models import Download, PurchasedProduct, PurchasedProductQuerySet
from access.selectors import _owned_file_sql, owned_file, owned_files
from access.services import access_revoke
from shop.models import ProductFile
from shop.services import product_archive
from tests.access.helpers import owned_product

pytestmark = pytest.mark.django_db
CONTENT = b"%PDF-1.4 the real bytes"


@pytest.fixture
def product(buyer, seller):
    return owned_product(buyer, seller, files={"guide.pdf": CONTENT})


@pytest.fixture
def file(product) -> ProductFile:
    return ProductFile.objects.get(version__product=product)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_owner_downloads_the_file_as_an_attachment(
    client, buyer, file, django_capture_on_commit_callbacks
):
    client.force_login(buyer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/download/{file.pk}/", headers={"User-Agent": "Tester/1.0"})

    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert response["Content-Type"] == "application/pdf"
    download = Download.objects.get()
    assert (download.user, download.file, download.ip) == (buyer, file, "127.0.0.1")
    assert download.user_agent == "Tester/1.0"
    assert PurchasedProduct.objects.get().last_downloaded_at == download.at


@pytest.mark.parametrize(
    ("trusted_proxies", "logged"), [(0, "10.0.0.1"), (1, "203.0.113.9")], ids=["direct", "proxied"]
)
def test_the_log_records_the_visitors_address(
    client, settings, buyer, file, trusted_proxies, logged
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted_proxies
    client.force_login(buyer)

    client.get(
        f"/download/{file.pk}/",
        headers={"X-Forwarded-For": "203.0.113.9"},
        REMOTE_ADDR="10.0.0.1",
    )

    assert Download.objects.get().ip == logged


def test_anonymous_is_sent_to_login_and_back(client, file):
    response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/download/{file.pk}/"
    assert not Download.objects.exists()


def test_a_stranger_gets_404(client, stranger, file):
    client.force_login(stranger)

    assert client.get(f"/download/{file.pk}/").status_code == 404
    assert not Download.objects.exists()


def test_the_seller_without_a_grant_gets_404(client, seller, file):
    client.force_login(seller)

    assert client.get(f"/download/{file.pk}/").status_code == 404


def test_a_revoked_owner_gets_404(client, buyer, product, file):
    access_revoke(user=buyer, product=product, reason="refund", via="test")
    client.force_login(buyer)

    assert client.get(f"/download/{file.pk}/").status_code == 404


# Past 2**63 - 1, the largest id a column holds: the ORM answers "no such row" without asking.
@pytest.mark.parametrize("file_id", ["999999", "0", "9223372036854775808", "99999999999999999999"])
def test_guessed_and_out_of_range_ids_get_404(client, buyer, file, file_id):
    client.force_login(buyer)

    assert client.get(f"/download/{file_id}/").status_code == 404


def test_a_non_numeric_id_is_no_route(client, buyer, file):
    client.force_login(buyer)

    assert client.get("/download/abc/").status_code == 404


def test_the_owner_of_an_archived_product_still_downloads(client, buyer, product, file):
    product_archive(product=product)
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 200
    assert body(response) == CONTENT


def test_downloads_refuse_post(client, buyer, file):
    client.force_login(buyer)

    assert client.post(f"/download/{file.pk}/").status_code == 405


@pytest.mark.parametrize(
    ("stored_name", "header"),
    [
        ('evil"\r\nSet-Cookie: a=b.pdf', None),
        ("Résumé final.pdf", "attachment; filename*=utf-8''R%C3%A9sum%C3%A9%20final.pdf"),
        ('quote"back\\slash.pdf', 'attachment; filename="quote\\"back\\\\slash.pdf"'),
    ],
)
def test_hostile_names_are_encoded_in_the_header(client, buyer, file, stored_name, header):
    ProductFile.objects.filter(pk=file.pk).update(original_name=stored_name)
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/")

    disposition = response["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "Set-Cookie" not in response.headers
    if header:
        assert disposition == header
    assert disposition.startswith("attachment;")


def test_behind_nginx_the_download_is_handed_over(client, buyer, file, settings):
    settings.DOWNLOAD_X_ACCEL_PREFIX = "/protected/"
    client.force_login(buyer)

    response = client.get(f"/download/{file.pk}/")

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{file.file.name}"
    assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert response.content == b""
    assert Download.objects.count() == 1


def test_the_seller_sees_owners_and_downloads_in_the_studio(client, buyer, seller, file, product):
    client.force_login(buyer)
    client.get(f"/download/{file.pk}/")
    client.force_login(seller)

    page = client.get(f"/studio/products/{product.pk}/").content.decode()

    assert "Active owners</dt><dd>1</dd>" in page
    assert "Downloads</dt><dd>1</dd>" in page
    assert "Bea Buyer" in page


def test_the_owned_file_lookup_is_one_query_with_the_product(
    buyer, product, file, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = owned_files(user=buyer).get(pk=file.pk)

    assert (found, found.product_id) == (file, product.pk)


def test_a_download_finds_its_file_in_one_query_with_the_product(
    buyer, product, file, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = owned_file(user=buyer, file_id=file.pk)

    assert (found, found.product_id) == (file, product.pk)
    assert found.uploaded_at == file.uploaded_at  # the ORM's converters applied


def test_a_download_asks_owned_by_and_nothing_else(buyer, file, monkeypatch):
    """The download's query is built from `owned_by`: change what owning means there, and
    downloads follow."""
    assert owned_file(user=buyer, file_id=file.pk) == file

    monkeypatch.setattr(
        PurchasedProductQuerySet,
        "owned_by",
        lambda self, user: self.filter(user=user, status=PurchasedProduct.Status.REVOKED),
    )
    _owned_file_sql.cache_clear()
    try:
        assert owned_file(user=buyer, file_id=file.pk) is None
    finally:
        monkeypatch.undo()
        _owned_file_sql.cache_clear()
