"""The restore drill on PostgreSQL: the demo shop backed up by the periodic task's function,
restored into a fresh database, holds every row; a corrupted backup is refused; pg_dump
failing is recorded and alerted."""

import io
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ops.models import Backup, Notice
from ops.tasks import back_up

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Orders, grants and access events: each row's every column, in id order, hashed.
CHECKSUMMED = ["billing_order", "access_purchasedproduct", "access_accessevent"]


@pytest.fixture
def fresh_database(settings):
    settings.DEBUG = True  # restore and seed_demo take DEBUG off for production
    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_drill"
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def fingerprint(dbname: str) -> tuple[dict[str, int], dict[str, str]]:
    """Every table's row count, and a checksum of the orders, grants and access events."""
    params = {**connection.get_connection_params(), "dbname": dbname}
    params.pop("options", None)
    with psycopg.connect(**params) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }
        sums = {
            table: db.execute(
                f"SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {table} t"  # noqa: S608
            ).fetchone()[0]
            for table in CHECKSUMMED
        }
    return counts, sums


def test_a_backup_by_the_periodic_task_restores_into_a_fresh_database_with_every_row(
    fresh_database, settings
):
    call_command("seed_demo", stdout=io.StringIO())
    back_up.call_local()
    backup = Backup.objects.get()
    assert backup.status == Backup.Status.OK, backup.error
    original = fingerprint(connection.settings_dict["NAME"])

    call_command(
        "restore",
        backup.name,
        "--yes",
        f"--database-url={database_url(fresh_database)}",
        stdout=io.StringIO(),
    )

    counts, sums = fingerprint(fresh_database)
    assert counts == original[0]
    assert sums == original[1]
    assert counts["billing_order"] > 0
    assert counts["access_purchasedproduct"] > 0
    assert counts["access_accessevent"] > 0
    assert all(sums.values())


def test_a_corrupted_backup_is_refused_and_the_fresh_database_stays_empty(fresh_database, settings):
    call_command("seed_demo", stdout=io.StringIO())
    back_up.call_local()
    backup = Backup.objects.get()
    archive = Path(settings.BACKUP_DIR) / f"{backup.name}.tar"
    corrupted = bytearray(archive.read_bytes())
    corrupted[-2000] ^= 0x01
    archive.write_bytes(bytes(corrupted))

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command(
            "restore", backup.name, "--yes", f"--database-url={database_url(fresh_database)}"
        )

    assert _tables(fresh_database) == []


def _tables(dbname: str) -> list[str]:
    params = {**connection.get_connection_params(), "dbname": dbname}
    with psycopg.connect(**params) as db:
        tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [row[0] for row in tables]


def test_pg_dump_failing_is_recorded_alerted_and_stores_nothing(settings, staff, tmp_path):
    failing = tmp_path / "pg_dump"
    # Writes part of a dump, then fails, as pg_dump does when the connection drops.
    failing.write_text(
        "#!/bin/sh\n"
        'echo "half a dump" > "${3#--file=}"\n'
        'echo "pg_dump: error: connection lost" >&2\n'
        "exit 1\n"
    )
    failing.chmod(0o755)
    settings.BACKUP_PG_DUMP = str(failing)

    back_up.call_local()

    backup = Backup.objects.get()
    assert backup.status == Backup.Status.FAILED
    assert "exited with 1" in backup.error
    assert "connection lost" in backup.error
    assert Notice.objects.filter(key=f"backup-failed-{backup.name}-{staff.pk}").exists()
    assert not Path(settings.BACKUP_DIR).exists() or not any(Path(settings.BACKUP_DIR).iterdir())


def test_a_missing_pg_dump_says_which_setting_names_it(settings, staff):
    settings.BACKUP_PG_DUMP = "/nonexistent/pg_dump"

    back_up.call_local()

    assert "BACKUP_PG_DUMP" in Backup.objects.get().error
