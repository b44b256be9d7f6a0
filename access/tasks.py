from huey.contrib.djhuey import db_task

from access.services import download_record


@db_task(retries=3, retry_delay=10)
def log_download(**download) -> None:
    """The download log, written off the request's path; safe to run twice (`key`)."""
    download_record(**download)
