"""Checks on uploads (a seller's product files, files attached to support messages): a safe
display name, an allowed extension, a size limit, and content that is what the extension says.
Nothing here writes."""

import hashlib
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image

# extension -> the sniffed MIME types its content may have ("text" = readable UTF-8 text);
# what a product file may be.
ALLOWED = {
    "zip": {"application/zip"},
    "pdf": {"application/pdf"},
    "epub": {"application/epub+zip", "application/zip"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "webp": {"image/webp"},
    "mp3": {"audio/mpeg"},
    "mp4": {"video/mp4"},
    "ttf": {"application/font-sfnt", "font/ttf"},
    "otf": {"application/font-sfnt", "font/otf"},
    "woff2": {"application/font-woff", "font/woff2"},
    "txt": {"text"},
    "md": {"text"},
    "csv": {"text"},
    "json": {"text"},
    "svg": {"text"},
}
TEXT_TYPES = {"txt": "text/plain", "md": "text/markdown", "csv": "text/csv",
              "json": "application/json", "svg": "image/svg+xml", "log": "text/plain"}  # fmt: skip
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    size: int
    sha256: str
    content_type: str


def safe_name(raw: str) -> str:
    """The last path component, without control characters, trimmed to 255 characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        raise ValidationError("A file needs a name.")
    stem, dot, suffix = name.rpartition(".")
    if dot and len(name) > 255:
        name = f"{stem[: 254 - len(suffix)]}.{suffix}"
    return name[:255]


def _sniff(head: bytes, extension: str, allowed: Mapping[str, set[str]]) -> str | None:
    if "text" in allowed[extension]:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the sniffing boundary is still text.
            if error.start < len(head) - 4:
                return None
        return TEXT_TYPES[extension]
    kind = filetype.guess(head)
    return kind.mime if kind and kind.mime in allowed[extension] else None


def check_upload(
    upload: UploadedFile, *, allowed: Mapping[str, set[str]], max_bytes: int
) -> CheckedFile:
    """The upload with its safe name, size, SHA-256 and sniffed type, if its extension is one
    of `allowed`, it is at most `max_bytes` and its content is what the extension says; a
    ValidationError naming the file and the reason otherwise."""
    name = safe_name(upload.name or "")
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension not in allowed:
        accepted = ", ".join(sorted(allowed))
        raise ValidationError(f"{name}: .{extension or '?'} files are not accepted ({accepted}).")
    if upload.size > max_bytes:
        raise ValidationError(f"{name} is larger than {filesizeformat(max_bytes)}.")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    content_type = _sniff(head, extension, allowed)
    if content_type is None:
        raise ValidationError(f"{name} does not look like a .{extension} file.")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(upload, name, upload.size, digest.hexdigest(), content_type)


def check_product_file(upload: UploadedFile) -> CheckedFile:
    return check_upload(upload, allowed=ALLOWED, max_bytes=settings.PRODUCT_FILE_MAX_BYTES)


COVER_MAX_SIDE = 2400
# Decoding takes 1 to 4 bytes a pixel whatever the file's size: a 500 kB PNG may declare
# 13000 x 13000 pixels and take a gigabyte. The size is in the header, read before decoding.
COVER_MAX_PIXELS = 40_000_000
# Pillow's own guard, for every image this process opens: it warns above the limit and
# refuses above twice it (by default about 89 and 179 megapixels).
Image.MAX_IMAGE_PIXELS = COVER_MAX_PIXELS


def reencode_cover(upload: UploadedFile) -> ContentFile:
    """The uploaded image, verified and re-encoded as WebP (at most 2400 px a side), so no
    uploaded bytes are ever served as they came."""
    name = safe_name(upload.name or "cover")
    if upload.size > settings.COVER_MAX_BYTES:
        raise ValidationError(f"{name} is larger than {filesizeformat(settings.COVER_MAX_BYTES)}.")
    too_many_pixels = ValidationError(
        f"{name} has too many pixels: a cover may have at most "
        f"{COVER_MAX_PIXELS // 1_000_000} megapixels (8000 by 5000, say)."
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.width * probe.height > COVER_MAX_PIXELS:
                raise too_many_pixels
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in {"PNG", "JPEG", "WEBP", "GIF"}:
                raise ValidationError(f"{name}: use a PNG, JPEG, WebP or GIF image.")
            # thumbnail() decodes a JPEG at a reduced scale (draft) and halves before it
            # resamples, so a large photo is never held at full size.
            image.thumbnail((COVER_MAX_SIDE, COVER_MAX_SIDE))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="WEBP", quality=85)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Raised by Image.open from the header alone (the warning where warnings are errors).
        raise too_many_pixels from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(f"{name} is not an image we can read.") from None
    return ContentFile(buffer.getvalue(), name="cover.webp")
