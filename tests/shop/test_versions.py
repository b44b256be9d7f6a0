import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shop.models import ProductFile, ProductVersion
from shop.services import product_publish
from shop.uploads import safe_name
from tests.conftest import add_version, make_product, make_seller

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 100
ZIP = b"PK\x03\x04" + b"\0" * 100


@pytest.fixture
def product(seller):
    return make_product(seller, title="Budget Kit")


def url(product):
    return f"/studio/products/{product.pk}/versions/new/"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def post(client, product, *files, label="1.0.0"):
    return client.post(url(product), {"label": label, "changelog": "First", "files": list(files)})


def stored_files(settings):
    root = settings.PRIVATE_ROOT / "products"
    return list(root.iterdir()) if root.exists() else []


def test_a_version_with_files_is_stored_privately_under_generated_names(
    client, seller, product, settings
):
    client.force_login(seller)

    response = post(client, product, upload("guide.pdf", PDF), upload("kit.zip", ZIP))

    assert response["Location"] == f"/studio/products/{product.pk}/"
    version = ProductVersion.objects.get(product=product)
    files = {f.original_name: f for f in version.files.all()}
    assert set(files) == {"guide.pdf", "kit.zip"}
    assert files["guide.pdf"].content_type == "application/pdf"
    assert files["guide.pdf"].size == len(PDF)
    assert "guide" not in files["guide.pdf"].file.name
    assert files["kit.zip"].file.read() == ZIP
    assert len(stored_files(settings)) == 2


def test_the_new_version_lets_the_product_be_published(client, seller, product):
    client.force_login(seller)
    post(client, product, upload("guide.pdf", PDF))

    assert product_publish(product=product).status == "published"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ" + b"\0" * 50, b".exe files are not accepted"),
        ("fake.pdf", b"just text pretending", b"does not look like a .pdf file"),
        ("photo.png", b"%PDF-1.4 not a png", b"does not look like a .png file"),
        ("notes.txt", b"\xff\xfe\x00binary\x00" * 10, b"does not look like a .txt file"),
    ],
)
def test_wrong_types_are_refused_with_a_reason_and_nothing_is_stored(
    client, seller, product, settings, name, content, message
):
    client.force_login(seller)

    response = post(client, product, upload("good.pdf", PDF), upload(name, content))

    assert response.status_code == 200
    assert message in response.content
    assert not ProductVersion.objects.exists()
    assert stored_files(settings) == []


def test_too_big_files_are_refused(client, seller, product, settings):
    settings.PRODUCT_FILE_MAX_BYTES = 50
    client.force_login(seller)

    response = post(client, product, upload("guide.pdf", PDF))

    assert b"is larger than 50" in response.content
    assert not ProductFile.objects.exists()


def test_a_version_needs_a_file(client, seller, product):
    client.force_login(seller)

    response = client.post(url(product), {"label": "1.0.0"})

    assert b"This field is required" in response.content


def test_a_label_cannot_repeat(client, seller, product):
    add_version(product, "1.0.0")
    client.force_login(seller)

    response = post(client, product, upload("guide.pdf", PDF))

    assert b"Version 1.0.0 already exists" in response.content
    assert product.versions.count() == 1


def test_a_label_is_one_line(client, seller, product, settings):
    client.force_login(seller)

    response = post(client, product, upload("guide.pdf", PDF), label="1.0\n2.0")

    assert response.status_code == 200
    assert b"Keep it on one line" in response.content
    assert not product.versions.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\boot.ini.txt", "boot.ini.txt"),
        ("evil\r\nSet-Cookie: x=1.txt", "evilSet-Cookie: x=1.txt"),
        ("bell\x07name\x00.pdf", "bellname.pdf"),
        ("Résumé 2026.pdf", "Résumé 2026.pdf"),
    ],
)
def test_hostile_names_are_cleaned(raw, clean):
    assert safe_name(raw) == clean


def test_a_hostile_upload_name_is_stored_cleaned(client, seller, product):
    client.force_login(seller)

    post(client, product, upload("../../x\x07.pdf", PDF))

    assert ProductFile.objects.get().original_name == "x.pdf"


def test_a_failure_after_storing_removes_the_stored_files(
    client, seller, product, settings, monkeypatch
):
    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("shop.services.ProductFile.objects.bulk_create", explode)
    client.force_login(seller)

    with pytest.raises(RuntimeError):
        post(client, product, upload("guide.pdf", PDF))

    assert stored_files(settings) == []
    assert not ProductVersion.objects.exists()


def test_another_seller_gets_404(client, product):
    client.force_login(make_seller("rival@example.com"))

    assert client.get(url(product)).status_code == 404
    assert post(client, product, upload("guide.pdf", PDF)).status_code == 404
    assert not ProductVersion.objects.exists()


def test_a_buyer_gets_403_and_anonymous_the_login(client, buyer, product):
    assert client.get(url(product))["Location"].startswith("/accounts/login/")
    client.force_login(buyer)
    assert client.get(url(product)).status_code == 403


def test_delete_is_refused(client, seller, product):
    client.force_login(seller)

    assert client.delete(url(product)).status_code == 405
