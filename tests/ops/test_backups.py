"""Backups in the local folder (the default): what one stores, the round trip on SQLite, what
restore refuses, what a failure leaves and whom it tells, retention, the schedule, and
`backup --list`. PostgreSQL's drill is in test_backup_drill.py, S3 in test_backups_s3.py."""

import io
import json
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from ops.backups import backup_create, backups_stored, backups_to_keep
from ops.models import Backup, Notice
from ops.tasks import back_up
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _development(settings):
    # pytest-django turns DEBUG off, which restore takes for production.
    settings.DEBUG = True


def only_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("restores into the test database on SQLite; PostgreSQL has its drill")


def stored_files(settings) -> list[str]:
    folder = Path(settings.BACKUP_DIR)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_backup_stores_an_archive_and_a_manifest_with_every_parts_checksum(settings, buyer):
    (Path(settings.PRIVATE_ROOT) / "products").mkdir(parents=True)
    (Path(settings.PRIVATE_ROOT) / "products" / "guide.pdf").write_bytes(b"%PDF-1.4 guide")

    backup = backup_create()

    assert backup.status == Backup.Status.OK
    assert stored_files(settings) == [f"{backup.name}.json", f"{backup.name}.tar"]
    manifest = json.loads((Path(settings.BACKUP_DIR) / f"{backup.name}.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert "0004_backup" in manifest["migrations"]["ops"]
    archive = (Path(settings.BACKUP_DIR) / f"{backup.name}.tar").read_bytes()
    assert manifest["archive"]["size"] == backup.size == len(archive)
    assert manifest["archive"]["sha256"] == backup.checksum
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        names = tar.getnames()
        assert tar.extractfile("private/products/guide.pdf").read() == b"%PDF-1.4 guide"
    assert names == [part["name"] for part in manifest["parts"]]
    assert names[0] in ("database.sqlite3", "database.pgdump")
    assert all(len(part["sha256"]) == 64 for part in manifest["parts"])


def test_the_round_trip_on_sqlite_brings_back_rows_and_files(settings, buyer):
    only_on_sqlite()
    guide = Path(settings.PRIVATE_ROOT) / "products" / "guide.pdf"
    guide.parent.mkdir(parents=True)
    guide.write_bytes(b"%PDF-1.4 guide")
    backup = backup_create()
    make_user("after@example.com")
    User.objects.filter(pk=buyer.pk).delete()
    guide.unlink()

    call_command("restore", backup.name, "--yes", stdout=io.StringIO())

    assert sorted(User.objects.values_list("email", flat=True)) == ["buyer@example.com"]
    assert guide.read_bytes() == b"%PDF-1.4 guide"


def test_a_restore_into_another_sqlite_file_leaves_this_database_and_files_alone(
    settings, buyer, tmp_path
):
    only_on_sqlite()
    backup = backup_create()
    make_user("after@example.com")
    drill = tmp_path / "drill.sqlite3"

    call_command(
        "restore", backup.name, "--yes", f"--database-url=sqlite:///{drill}", stdout=io.StringIO()
    )

    import sqlite3

    with sqlite3.connect(drill) as restored:
        emails = [row[0] for row in restored.execute("SELECT email FROM accounts_user")]
    assert emails == ["buyer@example.com"]
    assert User.objects.count() == 2


def test_restore_refuses_without_yes_and_changes_nothing(buyer):
    backup = backup_create()
    make_user("after@example.com")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", backup.name)

    assert User.objects.count() == 2


def test_restore_refuses_with_debug_off_unless_forced(settings, buyer):
    only_on_sqlite()
    backup = backup_create()
    make_user("after@example.com")
    settings.DEBUG = False

    with pytest.raises(CommandError, match="production"):
        call_command("restore", backup.name, "--yes")
    assert User.objects.count() == 2

    call_command("restore", backup.name, "--yes", "--force", stdout=io.StringIO())
    assert User.objects.count() == 1


def test_a_backup_that_fails_its_checksum_is_refused_and_nothing_is_restored(settings, buyer):
    backup = backup_create()
    archive = Path(settings.BACKUP_DIR) / f"{backup.name}.tar"
    corrupted = bytearray(archive.read_bytes())
    corrupted[len(corrupted) // 2] ^= 0xFF
    archive.write_bytes(bytes(corrupted))
    make_user("after@example.com")

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", backup.name, "--yes")

    assert User.objects.count() == 2


def test_a_part_that_fails_its_checksum_is_refused(settings, buyer):
    backup = backup_create()
    manifest_path = Path(settings.BACKUP_DIR) / f"{backup.name}.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["parts"][0]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    make_user("after@example.com")

    with pytest.raises(CommandError, match="fails its checksum"):
        call_command("restore", backup.name, "--yes")

    assert User.objects.count() == 2


@pytest.mark.parametrize("name", ["tessera-19990101-000000-abcdef", "../db", ".hidden"])
def test_restore_refuses_a_backup_that_does_not_exist(name):
    with pytest.raises(CommandError, match="no backup named"):
        call_command("restore", name, "--yes")


def test_restore_refuses_a_database_url_it_cannot_read():
    with pytest.raises(CommandError, match="not a database URL"):
        call_command("restore", "anything", "--yes", "--database-url=nonsense://x")


def test_a_storage_refusing_records_the_failure_alerts_staff_once_and_stores_nothing(
    settings, staff, tmp_path
):
    settings.TELEGRAM_CHAT_ID = "-1001"
    settings.BACKUP_DIR = tmp_path / "not-a-folder"
    settings.BACKUP_DIR.write_text("a file where the folder should be")
    make_user("other-staff@example.com", is_staff=True)
    make_user("gone-staff@example.com", is_staff=True, is_active=False)

    with pytest.raises(CommandError, match="failed"):
        call_command("backup")

    backup = Backup.objects.get()
    assert backup.status == Backup.Status.FAILED
    assert backup.finished_at is not None
    assert "Error" in backup.error
    notices = {notice.key: notice for notice in Notice.objects.all()}
    telegram = notices[f"backup-failed-{backup.name}"]
    assert telegram.message["chat_id"] == "-1001"
    assert backup.name in telegram.message["text"]
    emails = sorted(n.message["to"][0] for n in notices.values() if n.channel == "email")
    assert emails == ["other-staff@example.com", "staff@example.com"]


def test_a_backup_failing_with_the_cache_down_is_still_recorded_and_alerted(
    settings, staff, tmp_path, cache_down
):
    settings.BACKUP_DIR = tmp_path / "not-a-folder"
    settings.BACKUP_DIR.write_text("")

    backup = backup_create()

    assert backup.status == Backup.Status.FAILED
    assert Notice.objects.filter(key__startswith=f"backup-failed-{backup.name}").exists()


def test_a_backup_cut_short_long_ago_is_recorded_failed_and_its_archive_deleted(settings, staff):
    now = datetime.now(UTC)
    cut_short = Backup.objects.create(
        name="tessera-cut-short", started_at=now - timedelta(hours=13)
    )
    still_going = Backup.objects.create(name="tessera-slow", started_at=now - timedelta(hours=1))
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tessera-cut-short.tar").write_bytes(b"half an archive")
    (folder / "tessera-slow.tar").write_bytes(b"growing")

    backup = backup_create(now=now)

    cut_short.refresh_from_db()
    still_going.refresh_from_db()
    assert backup.status == Backup.Status.OK
    assert (cut_short.status, still_going.status) == (Backup.Status.FAILED, Backup.Status.RUNNING)
    assert cut_short.error == "interrupted: still unfinished 12 hours after it began"
    assert not (folder / "tessera-cut-short.tar").exists()
    assert (folder / "tessera-slow.tar").exists()
    assert Notice.objects.filter(key="backup-failed-tessera-cut-short-" + str(staff.pk)).exists()


def test_a_failure_part_way_leaves_no_half_written_archive(settings, buyer, monkeypatch):
    storage = storages["backups"]
    real_save = type(storage)._save

    def save_then_fail(self, name, content):
        real_save(self, name, content)
        if name.endswith(".json"):
            raise OSError("disk full")
        return name

    monkeypatch.setattr(type(storage), "_save", save_then_fail)

    backup = backup_create()

    assert backup.status == Backup.Status.FAILED
    assert "disk full" in backup.error
    assert stored_files(settings) == []


def test_the_periodic_task_makes_a_backup_on_the_configured_schedule(settings, buyer):
    assert back_up.task_class().validate_datetime(datetime(2026, 12, 3, 2, 0))  # noqa: DTZ001 (huey's UTC)
    assert not back_up.task_class().validate_datetime(datetime(2026, 12, 3, 3, 0))  # noqa: DTZ001

    back_up.call_local()

    assert Backup.objects.get().status == Backup.Status.OK


def test_backup_list_shows_name_age_size_status_and_checksum(buyer):
    made = backup_create(now=datetime.now(UTC) - timedelta(hours=3))
    output = io.StringIO()

    call_command("backup", "--list", stdout=output)

    header, row = output.getvalue().splitlines()
    assert header.split() == ["name", "age", "size", "status", "sha256"]
    assert row.startswith(made.name)
    assert "3 hours ago" in row
    assert " ok " in row
    assert made.checksum[:12] in row
    assert "KB" in row or "MB" in row


def test_backup_list_says_when_there_is_none():
    output = io.StringIO()

    call_command("backup", "--list", stdout=output)

    assert output.getvalue().strip() == "No backups yet."


def day(n: int, hour: int = 2) -> datetime:
    """Day `n` of December 2026 (the 7th is a Monday), at `hour` UTC."""
    return datetime(2026, 12, n, hour, tzinfo=UTC)


def test_retention_keeps_the_newest_of_each_recent_day_and_week():
    created = {f"b{n}-{hour}": day(n, hour) for n in range(1, 22) for hour in (2, 14)}

    keep = backups_to_keep(created, daily=3, weekly=2)

    # The 21st, 20th and 19th (the newest each day); weeks 51 (14-20) and 52 (21-): the newest
    # of week 51 is the 20th's, already kept; the 21st's is week 52's.
    assert keep == {"b21-14", "b20-14", "b19-14"}
    assert backups_to_keep(created, daily=1, weekly=3) == {"b21-14", "b20-14", "b13-14"}


def test_retention_counts_days_that_have_a_backup_not_days_on_the_calendar():
    created = {"old": day(1), "older": day(1, 1), "newest": day(20)}

    assert backups_to_keep(created, daily=2, weekly=0) == {"newest", "old"}


@given(
    st.dictionaries(
        st.text("abc", min_size=1, max_size=4),
        st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1), timezones=st.just(UTC)),  # noqa: DTZ001
        min_size=1,
    ),
    st.integers(1, 5),
    st.integers(0, 5),
)
def test_retention_always_keeps_the_newest_and_at_most_daily_plus_weekly(created, daily, weekly):
    keep = backups_to_keep(created, daily=daily, weekly=weekly)

    assert max(created, key=created.__getitem__) in keep
    assert len(keep) <= daily + weekly
    assert len({created[name].date() for name in keep}) == len(keep)


def test_each_backup_deletes_what_retention_does_not_keep(settings, buyer):
    settings.BACKUP_KEEP_DAILY = 2
    settings.BACKUP_KEEP_WEEKLY = 1
    made = [backup_create(now=day(n)) for n in (1, 8, 9, 10)]

    assert [backup.name for backup in backups_stored()] == [made[3].name, made[2].name]
    assert len(stored_files(settings)) == 4
    statuses = dict(Backup.objects.values_list("name", "status"))
    assert [statuses[backup.name] for backup in made] == ["deleted", "deleted", "ok", "ok"]
