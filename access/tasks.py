from huey.contrib.djhuey import db_task

from access.services import download_record


@db_task(retries=3, retry_delay=10)
def record_download(*, download: dict) -> None:
    """A download, logged off the request's path (access.downloads.download_log)."""
    download_record(download=download)
