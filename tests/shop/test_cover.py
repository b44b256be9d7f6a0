import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import make_product, make_seller

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (80, 70, 220)).save(buffer, format=fmt)
    return buffer.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A real black 1-bit PNG of that size, written a row at a time: it declares width x height
    pixels but compresses to a few tens of kB, and is made without ever holding the image."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter type 0, then the row's bits
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def stored_covers(settings) -> list:
    folder = settings.MEDIA_ROOT / "covers"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def product(seller):
    return make_product(seller, title="Budget Kit")


def url(product):
    return f"/studio/products/{product.pk}/cover/"


def test_a_cover_is_verified_and_re_encoded_as_webp(client, seller, product):
    client.force_login(seller)

    response = client.post(url(product), {"cover": SimpleUploadedFile("c.png", image_bytes())})

    assert response["Location"] == f"/studio/products/{product.pk}/"
    product.refresh_from_db()
    assert product.cover.name.endswith(".webp")
    with Image.open(product.cover) as stored:
        assert (stored.format, stored.size) == ("WEBP", (800, 600))


def test_large_images_are_scaled_down(client, seller, product):
    client.force_login(seller)

    client.post(
        url(product), {"cover": SimpleUploadedFile("c.jpg", image_bytes("JPEG", (4000, 3000)))}
    )

    product.refresh_from_db()
    with Image.open(product.cover) as stored:
        assert max(stored.size) == 2400


def test_replacing_a_cover_removes_the_old_file(
    client, seller, product, django_capture_on_commit_callbacks
):
    client.force_login(seller)
    client.post(url(product), {"cover": SimpleUploadedFile("a.png", image_bytes())})
    product.refresh_from_db()
    old = product.cover.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(product), {"cover": SimpleUploadedFile("b.png", image_bytes())})

    product.refresh_from_db()
    assert product.cover.name != old
    assert not product.cover.storage.exists(old)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.png", b"<?php echo 1; ?>", b"is not an image we can read"),
        ("half.png", image_bytes()[:60], b"is not an image we can read"),
        ("doc.pdf", b"%PDF-1.4 hello", b"is not an image we can read"),
    ],
)
def test_things_that_are_not_images_are_refused(client, seller, product, name, content, message):
    client.force_login(seller)

    response = client.post(url(product), {"cover": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert message in response.content
    product.refresh_from_db()
    assert not product.cover


@pytest.mark.parametrize("size", [(13000, 13000), (7000, 6000)])
def test_a_cover_with_too_many_pixels_is_refused_before_decoding(
    client, seller, product, settings, monkeypatch, size
):
    bomb = huge_png(*size)
    assert len(bomb) < 500_000
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("decoded"))
    client.force_login(seller)

    response = client.post(url(product), {"cover": SimpleUploadedFile("bomb.png", bomb)})

    assert response.status_code == 200
    assert b"bomb.png has too many pixels: a cover may have at most 40 megapixels" in (
        response.content
    )
    product.refresh_from_db()
    assert not product.cover
    assert stored_covers(settings) == []


def test_the_pixel_count_is_checked_even_without_pillow_s_own_guard(
    client, seller, product, monkeypatch
):
    # Pillow's guard is process-wide, and anything may lower it (None turns it off).
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("decoded"))
    client.force_login(seller)

    response = client.post(
        url(product), {"cover": SimpleUploadedFile("big.png", huge_png(8000, 5001))}
    )

    assert b"big.png has too many pixels" in response.content
    product.refresh_from_db()
    assert not product.cover


def test_a_cover_at_the_pixel_limit_is_accepted(client, seller, product):
    client.force_login(seller)

    client.post(url(product), {"cover": SimpleUploadedFile("c.png", huge_png(8000, 5000))})

    product.refresh_from_db()
    with Image.open(product.cover) as stored:
        assert stored.size == (2400, 1500)


def test_too_big_covers_are_refused(client, seller, product, settings):
    settings.COVER_MAX_BYTES = 100
    client.force_login(seller)

    response = client.post(url(product), {"cover": SimpleUploadedFile("c.png", image_bytes())})

    assert b"is larger than 100" in response.content


def test_another_seller_gets_404_and_a_buyer_403(client, buyer, product):
    client.force_login(make_seller("rival@example.com"))
    assert (
        client.post(url(product), {"cover": SimpleUploadedFile("c.png", image_bytes())}).status_code
        == 404
    )
    client.force_login(buyer)
    assert client.get(url(product)).status_code == 403
    product.refresh_from_db()
    assert not product.cover
