from huey.contrib.djhuey import db_task

from access.models import Download
from access.services import download_stamp


@db_task(retries=3, retry_delay=10)
def stamp_download(*, download_id: int) -> None:
    """The owner's last download, stamped off the request's path (access.download_record)."""
    download_stamp(download=Download.objects.get(pk=download_id))
