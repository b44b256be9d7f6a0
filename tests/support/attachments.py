"""Files to attach to support messages in tests, and what the private storage holds."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from support.services import check_attachment

PDF = b"%PDF-1.4\n" + b"0" * 100
LOG = b"2026-12-03 09:00 ERROR the kit would not open\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str = "screenshot.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png() if content is None else content)


def checked(name: str = "screenshot.png", content: bytes | None = None):
    """An upload that passed support's checks, as a form hands it to the services."""
    return check_attachment(upload(name, content))


def stored(settings) -> list:
    """The support attachments in the private folder."""
    root = settings.PRIVATE_ROOT / "support"
    return sorted(root.iterdir()) if root.exists() else []
