from huey.contrib.djhuey import db_task

from access.services import downloads_record


@db_task(retries=3, retry_delay=10)
def log_downloads(*, downloads: list[dict]) -> None:
    """A batch of the download log (access.download_log), written off the requests' path; safe
    to run twice (each download's `key`)."""
    downloads_record(downloads=downloads)
