"""How a product file reaches its owner: logged, then streamed from the private folder, handed
to nginx (X-Accel-Redirect), or redirected to a short-lived presigned S3 URL. Other private
files (support's attachments) are served the same way (`private_file_response`)."""

import logging
import threading
import uuid

import cachetools
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from redis import RedisError
from storages.backends.s3 import S3Storage

from access.services import download_record
from access.tasks import record_download
from ops.network import client_ip
from shop.models import ProductFile

logger = logging.getLogger(__name__)

MIN_EXPIRY = 60
MAX_EXPIRY = 3 * 60 * 60
# Long enough for a slow connection (about 100 kB/s) to fetch the whole file.
SLOW_BYTES_PER_SECOND = 100_000


# Presigned URLs, kept in this process for half their life: signing costs as much as the rest
# of a download, and asking a shared cache costs a network round trip. Keyed by the stored
# object's name too, so that a replaced file is never served an old URL.
_presigned = cachetools.TLRUCache(maxsize=10_000, ttu=lambda key, url, now: now + key[2] // 2)
_presigned_lock = threading.Lock()


def download_log(request: HttpRequest, file: ProductFile) -> None:
    """Log the download before the file is handed over. It is queued, and written by a task:
    in the queue it is as durable as the queue (Redis, with its own persistence), and writing
    it in the request would cost a download a third of its time. When the queue cannot be
    reached, it is written here instead, so it is never lost to a queue outage."""
    download = {
        "key": uuid.uuid4(),
        "user_id": request.user.pk,
        "file_id": file.pk,
        "product_id": file.product_id,
        "at": timezone.now(),
        "ip": client_ip(request),
        "user_agent": request.headers.get("User-Agent", ""),
    }
    try:
        record_download(download=download)
    except RedisError:
        logger.warning("the queue is out of reach: download %s logged in its request", file.pk)
        download_record(download=download)


def presigned_forget_all() -> None:
    with _presigned_lock:
        _presigned.clear()


def presigned_expiry(size: int) -> int:
    """Seconds a presigned URL lives: a minute for small files, up to three hours."""
    return max(MIN_EXPIRY, min(MAX_EXPIRY, MIN_EXPIRY + size // SLOW_BYTES_PER_SECOND))


def refuse_unsigned_private_storage() -> None:
    """A custom domain makes django-storages build plain, unsigned URLs: anyone holding one
    could fetch the file forever. The app does not start that way."""
    storage = storages["private"]
    if isinstance(storage, S3Storage) and storage.custom_domain:
        raise ImproperlyConfigured(
            "The private storage has a custom domain (AWS_S3_CUSTOM_DOMAIN): its URLs would "
            "not be signed. Serve product files from the bucket's own endpoint."
        )


def _presigned_url(
    storage: S3Storage, file: FieldFile, *, name: str, content_type: str, size: int
) -> str:
    """A presigned URL for the file, shared by everyone given it for half its life: every URL
    handed out has at least half its time left. It grants nothing the view has not checked:
    only those it let through are ever given one."""
    expiry = presigned_expiry(size)
    key = (file.name, name, expiry, content_type)
    with _presigned_lock:
        url = _presigned.get(key)
    if url is None:
        disposition = content_disposition_header(as_attachment=True, filename=name)
        url = storage.url(
            file.name,
            # The type our upload check sniffed, whatever the uploader's browser claimed.
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            expire=expiry,
        )
        with _presigned_lock:
            _presigned[key] = url
    return url


def private_file_response(
    file: FieldFile, *, name: str, content_type: str, size: int
) -> HttpResponse:
    """A file of the private storage, for someone the calling view has let through: always an
    attachment named `name`, of the type the upload check sniffed. Redirected to a short-lived
    presigned URL on S3, handed to nginx (X-Accel-Redirect), or streamed."""
    storage = file.storage
    if isinstance(storage, S3Storage):
        return HttpResponseRedirect(
            _presigned_url(storage, file, name=name, content_type=content_type, size=size)
        )
    disposition = content_disposition_header(as_attachment=True, filename=name)
    if settings.DOWNLOAD_X_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.DOWNLOAD_X_ACCEL_PREFIX + file.name
        response["Content-Disposition"] = disposition
        return response
    response = FileResponse(
        storage.open(file.name, "rb"), content_type=content_type, as_attachment=True
    )
    response["Content-Disposition"] = disposition
    return response


def file_response(file: ProductFile) -> HttpResponse:
    return private_file_response(
        file.file, name=file.original_name, content_type=file.content_type, size=file.size
    )
