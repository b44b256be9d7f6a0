"""`make run` runs a task worker beside the server (Makefile), sharing a SQLite queue and a file
cache with it in var/ (HUEY_FILE, CACHE_DIR): periodic tasks run, and the worker moves into
the database the link visits the server counted in the cache. `make test` keeps tasks in
process and immediate (tests/ops/test_settings.py, test_defaults_need_no_variables)."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from shop.models import ShortLink
from shop.services import short_link_create
from tests.billing.helpers import paid_product
from tests.ops.test_settings import ROOT, _manage

PROBE = (
    "from django.conf import settings as s; from huey.contrib.djhuey import HUEY as h; print("
    "s.HUEY['huey_class'], h.immediate, h.storage.filename, s.CACHES['default']['BACKEND'],"
    " s.CACHES['default'].get('LOCATION'))"
)


def test_make_run_has_a_worker_share_a_sqlite_queue_and_a_file_cache():
    result = _manage(
        "shell", "--verbosity", "0", "--no-imports", "-c", PROBE,
        HUEY_FILE="var/huey.sqlite3", CACHE_DIR="var/cache",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "huey.SqliteHuey",
        "False",
        str(ROOT / "var" / "huey.sqlite3"),
        "django.core.cache.backends.filebased.FileBasedCache",
        str(ROOT / "var" / "cache"),
    ]


def test_the_makefile_starts_the_worker_beside_the_server_and_stops_it_with_it():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun: install") : makefile.index("\ntest:")]

    assert "run: export HUEY_FILE ?= var/huey.sqlite3" in makefile
    assert "run: export CACHE_DIR ?= var/cache" in makefile
    assert "run_huey --quiet & worker=$$!" in run
    assert "trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT" in run
    assert "runserver $(HOST):$(PORT)" in run


@pytest.mark.django_db(transaction=True)
def test_a_consumer_tick_runs_the_periodic_flush_of_the_visits_the_server_counted(
    seller, settings, tmp_path
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    link = short_link_create(product=paid_product(seller))
    for _ in range(3):
        assert Client().get(f"/s/{link.code}").status_code == 302
    assert ShortLink.objects.get(pk=link.pk).visits == 0  # counted in the cache only
    # Immediate mode off, on a SQLite queue, as under `make run` (the suite's fixture puts
    # the memory queue and immediate mode back for the next test).
    HUEY.immediate = False
    HUEY.storage = SqliteStorage(HUEY.name, filename=str(tmp_path / "huey.sqlite3"))
    autodiscover_modules("tasks")  # as run_huey does
    consumer = HUEY.create_consumer(workers=1, periodic=True)
    scheduler, worker = consumer._create_scheduler(), consumer.worker_threads[0][0]

    scheduler.loop()  # a first tick enqueues every periodic task due this minute
    enqueued = {task.name for task in HUEY.pending()}
    while HUEY.pending_count():
        worker.loop()

    assert {"flush_short_link_visits", "send_due_notices"} <= enqueued
    assert ShortLink.objects.get(pk=link.pk).visits == 3
    assert cache.get(f"shortlink-visits:{link.code}") == 0


_WORKER_TICK = """
import django
django.setup()
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
assert not HUEY.immediate
autodiscover_modules("tasks")
consumer = HUEY.create_consumer(workers=1, periodic=True)
consumer._create_scheduler().loop()
worker = consumer.worker_threads[0][0]
while HUEY.pending_count():
    worker.loop()
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_flushes_the_visits_another_process_counted(seller, settings, tmp_path):
    # The server is this process, the worker another one, configured as `make run` configures
    # it: nothing but the database, the queue file and the cache folder joins them.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    link = short_link_create(product=paid_product(seller))
    for _ in range(2):
        Client().get(f"/s/{link.code}")
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HUEY_IMMEDIATE")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "HUEY_FILE": str(tmp_path / "huey.sqlite3"),
        "CACHE_DIR": str(tmp_path / "cache"),
    }

    worker = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", _WORKER_TICK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert worker.returncode == 0, worker.stderr
    assert ShortLink.objects.get(pk=link.pk).visits == 2
