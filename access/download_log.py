"""Downloads on their way to the log, in batches.

Every download is logged (`downloads_record`, run by a Huey task). A task per download cost
each download a Redis round trip of its own in the request, and the consumer several queries
per download. Instead each web process collects its downloads and enqueues them together,
`flush_every` seconds after the first at most, as one task that writes them in one INSERT.

What this trades: downloads still waiting in a process are lost if the process is killed
outright (SIGKILL, the out-of-memory killer); a graceful stop sends them (atexit). While the
queue cannot be reached they wait (up to `max_waiting`, the oldest dropped with an error) and
go with the next batch. With Huey in immediate mode (development, the tests) each download is
written at once, in the request.
"""

import atexit
import logging
import os
import threading

from huey.contrib.djhuey import HUEY

from access.tasks import log_downloads

logger = logging.getLogger(__name__)


class DownloadBatches:
    def __init__(
        self, *, flush_every: float = 0.25, max_batch: int = 1000, max_waiting: int = 50_000
    ):
        self.flush_every = flush_every
        self.max_batch = max_batch
        self.max_waiting = max_waiting
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # the parent's batch is the parent's

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[dict] = []
        self._closed = threading.Event()
        self._flusher = None

    def add(self, download: dict) -> None:
        if HUEY.immediate:
            log_downloads(downloads=[download])
            return
        with self._lock:
            self._waiting.append(download)
            full = len(self._waiting) >= self.max_batch
            if self._flusher is None:
                self._flusher = threading.Thread(
                    target=self._flush_regularly, name="download-log", daemon=True
                )
                self._flusher.start()
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            log_downloads(downloads=batch)
        except Exception:
            logger.exception("could not queue %d downloads for the log; kept", len(batch))
            with self._lock:
                self._waiting[:0] = batch
                dropped = len(self._waiting) - self.max_waiting
                if dropped > 0:
                    del self._waiting[:dropped]
                    logger.error("dropped the %d oldest downloads waiting for the log", dropped)

    def close(self) -> None:
        """Stop flushing regularly and send what waits."""
        self._closed.set()
        self.flush()

    def _flush_regularly(self) -> None:
        while not self._closed.wait(self.flush_every):
            self.flush()


download_log = DownloadBatches()
atexit.register(download_log.close)
