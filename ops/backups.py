"""Backups of the database and, where they are local folders, the media and private files.

A backup is two objects in the "backups" storage: `<name>.tar`, the archive (the database's
dump, then `media/…` and `private/…`), and `<name>.json`, its manifest: engine, time, applied
migrations, and the size and SHA-256 of the archive and of each part in it. The manifest is
written last, so a backup without one is not listed and never restored; a failure part-way
deletes what it stored. Each attempt is an `ops.Backup` row, and a failed one alerts staff.

Written here rather than with django-dbbackup (5.4): its SQLite restore copies bytes over the
live database file (wrong under WAL, which we use) instead of the backup API, its SQLite dump
is held in memory, it keeps no checksums and retains the last N only, and a dump would run
under our connection's statement_timeout. What it would have saved is one pg_dump call.
"""

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.mail import EmailMessage
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ops.models import Backup
from ops.notifications import alert_staff, queue_email, site_url

logger = logging.getLogger(__name__)

FORMAT = 1
CHUNK = 1024 * 1024
DATABASE_PARTS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# Where a folder's files go in the archive, by the storage that keeps them.
FOLDERS = {"media": "default", "private": "private"}
# Longer than any backup here takes: an attempt still "running" after this was cut short (its
# worker killed or the machine restarted) and will never finish.
INTERRUPTED_AFTER = timedelta(hours=12)


class BackupFailed(Exception):
    pass


class BackupRefused(Exception):
    """A restore that must not go ahead: no such backup, a checksum that does not match, a
    backup of another engine. Nothing has been touched."""


@dataclass(frozen=True)
class StoredBackup:
    name: str
    created_at: datetime
    size: int
    checksum: str
    manifest: dict


class _Hashing:
    """A file that hashes and counts the bytes passing through it, either way."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.sha256 = hashlib.sha256()
        self.size = 0

    def _seen(self, data: bytes) -> bytes:
        self.sha256.update(data)
        self.size += len(data)
        return data

    def write(self, data: bytes) -> int:
        return self.file.write(self._seen(data))

    def read(self, size: int = -1) -> bytes:
        return self._seen(self.file.read(size))


def backup_storage() -> Storage:
    return storages["backups"]


def backup_create(*, now: datetime | None = None) -> Backup:
    """Back up the default database (and local folders) to the backups storage, then apply
    retention. A failure is recorded on the returned row and alerted, never raised."""
    now = now or timezone.now()
    _interrupted_failed(now=now)
    backup = Backup.objects.create(
        name=f"tessera-{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}", started_at=now
    )
    try:
        manifest = _store(backup.name, created_at=now)
    except Exception as error:
        logger.exception("backup %s failed", backup.name)
        return _backup_failed(backup, error=_describe(error))
    Backup.objects.filter(pk=backup.pk).update(
        status=Backup.Status.OK,
        finished_at=timezone.now(),
        size=manifest["archive"]["size"],
        checksum=manifest["archive"]["sha256"],
    )
    try:
        backups_prune()
    except Exception as error:
        logger.exception("pruning old backups failed")
        with transaction.atomic():
            alert_staff(
                text=f"Old backups could not be deleted: {_describe(error)}",
                key=f"backup-prune-failed-{backup.name}",
            )
    backup.refresh_from_db()
    return backup


def _interrupted_failed(*, now: datetime) -> None:
    """Attempts cut short are recorded as failed, and told to staff like any failure; what one
    stored (an archive without its manifest: never listed, never restored) is deleted."""
    storage = backup_storage()
    cutoff = now - INTERRUPTED_AFTER
    for backup in Backup.objects.filter(status=Backup.Status.RUNNING, started_at__lt=cutoff):
        _delete_quietly(storage, f"{backup.name}.tar")
        hours = INTERRUPTED_AFTER // timedelta(hours=1)
        _backup_failed(backup, error=f"interrupted: still unfinished {hours} hours after it began")


def _describe(error: Exception) -> str:
    if isinstance(error, BackupFailed):
        return str(error)[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


@transaction.atomic
def _backup_failed(backup: Backup, *, error: str) -> Backup:
    Backup.objects.filter(pk=backup.pk).update(
        status=Backup.Status.FAILED, finished_at=timezone.now(), error=error
    )
    admin_url = site_url("/admin/ops/backup/?status__exact=failed")
    text = f"Backup {backup.name} failed.\n\n{error}\n\n{admin_url}"
    # Keyed by the backup: a task run twice, or an alert retried, tells staff once.
    alert_staff(text=text, key=f"backup-failed-{backup.name}")
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    for member in staff:
        queue_email(
            EmailMessage(
                subject=f"[{settings.SITE_NAME}] Backup failed", body=text, to=[member.email]
            ),
            key=f"backup-failed-{backup.name}-{member.pk}",
        )
    backup.refresh_from_db()
    return backup


def _store(name: str, *, created_at: datetime) -> dict:
    storage = backup_storage()
    connection = connections["default"]
    archive_name = f"{name}.tar"
    with tempfile.TemporaryDirectory(prefix="tessera-backup-") as workdir:
        dump = Path(workdir) / "database"
        database_part = _dump_database(connection, dump)
        with (Path(workdir) / "archive.tar").open("w+b") as archive:
            parts, archive_entry = _write_archive(
                archive, dump=dump, database_part=database_part, folders=_local_folders()
            )
            archive.seek(0)
            _save_or_delete(storage, archive_name, File(archive, name=archive_name))
    manifest = {
        "format": FORMAT,
        "name": name,
        "created_at": created_at.isoformat(),
        "engine": connection.vendor,
        "migrations": _applied_migrations(connection),
        "archive": {"name": archive_name, **archive_entry},
        "parts": parts,
    }
    content = ContentFile(json.dumps(manifest, indent=2).encode())
    try:
        _save_or_delete(storage, f"{name}.json", content)
    except Exception:
        _delete_quietly(storage, archive_name)
        raise
    return manifest


def _save_or_delete(storage: Storage, name: str, content: File) -> None:
    try:
        stored = storage.save(name, content)
    except Exception:
        # A local file or an upload may be left half-written.
        _delete_quietly(storage, name)
        raise
    if stored != name:
        _delete_quietly(storage, stored)
        raise BackupFailed(f"the storage renamed {name} to {stored}")


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:
        logger.exception("could not delete %s from the backups storage", name)


def _dump_database(connection, path: Path) -> str:
    """Dump the database into `path`, as it is at one instant; the part's name."""
    if connection.vendor == "postgresql":
        command = [settings.BACKUP_PG_DUMP, "--format=custom", "--no-password", f"--file={path}"]
        _run(command, connection.settings_dict)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
    else:
        raise BackupFailed(f"no backup for a {connection.vendor} database")
    return DATABASE_PARTS[connection.vendor]


def _run(command: list[str], database: dict) -> None:
    try:
        subprocess.run(command, env=_libpq_env(database), capture_output=True, check=True)  # noqa: S603
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode(errors="replace").strip()
        raise BackupFailed(f"{command[0]} exited with {error.returncode}: {stderr}") from None
    except FileNotFoundError:
        raise BackupFailed(
            f"{command[0]} not found: install the PostgreSQL client, or name it in "
            "BACKUP_PG_DUMP / BACKUP_PG_RESTORE"
        ) from None


def _libpq_env(database: dict) -> dict[str, str]:
    """The connection as libpq's variables, so that no password shows in a process list."""
    # A dump or a restore runs far longer than the statement_timeout requests run under.
    env = {**os.environ, "PGOPTIONS": "-c statement_timeout=0"}
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    names |= {"NAME": "PGDATABASE"}
    for key, variable in names.items():
        if database.get(key):
            env[variable] = str(database[key])
    options = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT"}
    options |= {"sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}
    for key, variable in options.items():
        if database.get("OPTIONS", {}).get(key):
            env[variable] = str(database["OPTIONS"][key])
    return env


def _local_folders() -> dict[str, Path]:
    """The media and private folders, when they are local; buckets are backed up by their
    own provider (versioning, replication), not through this."""
    folders = {}
    for part, alias in FOLDERS.items():
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            folders[part] = Path(storage.location)
    return folders


def _write_archive(
    archive: BinaryIO, *, dump: Path, database_part: str, folders: dict[str, Path]
) -> tuple[list[dict], dict]:
    hashing = _Hashing(archive)
    parts = []
    with tarfile.open(fileobj=hashing, mode="w|") as tar:
        parts.append(_add(tar, dump, database_part))
        for part, folder in folders.items():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    parts.append(_add(tar, path, f"{part}/{path.relative_to(folder).as_posix()}"))
    return parts, {"size": hashing.size, "sha256": hashing.sha256.hexdigest()}


def _add(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    info = tar.gettarinfo(path, name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as file:
        reader = _Hashing(file)
        tar.addfile(info, reader)
    return {"name": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def _applied_migrations(connection) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def backups_stored() -> list[StoredBackup]:
    """The backups in the storage (those with a manifest), newest first."""
    storage = backup_storage()
    try:
        _, files = storage.listdir("")
    except FileNotFoundError:  # a local folder no backup has made yet
        return []
    found = []
    for file in files:
        if file.endswith(".json"):
            manifest = _read_manifest(storage, file.removesuffix(".json"))
            found.append(
                StoredBackup(
                    name=manifest["name"],
                    created_at=datetime.fromisoformat(manifest["created_at"]),
                    size=manifest["archive"]["size"],
                    checksum=manifest["archive"]["sha256"],
                    manifest=manifest,
                )
            )
    return sorted(found, key=lambda backup: backup.created_at, reverse=True)


def _read_manifest(storage: Storage, name: str) -> dict:
    if not _is_backup_name(name) or not storage.exists(f"{name}.json"):
        raise BackupRefused(f"There is no backup named {name!r} (see `manage.py backup --list`).")
    with storage.open(f"{name}.json", "rb") as file:
        return json.load(file)


def _is_backup_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def backups_to_keep(created: dict[str, datetime], *, daily: int, weekly: int) -> set[str]:
    """Of backups made at `created` (by name), those retention keeps: the newest of each of
    the last `daily` days that have one, and of each of the last `weekly` (ISO) weeks that
    have one. Counted in days that have a backup, so a worker down for a week never leaves
    retention deleting the last good backups."""
    days: set = set()
    weeks: set = set()
    keep = set()
    for name in sorted(created, key=created.__getitem__, reverse=True):
        day = created[name].date()
        week = created[name].isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(name)
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            keep.add(name)
    return keep


def backups_prune() -> list[str]:
    """Delete the backups retention does not keep (BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY);
    their names."""
    stored = backups_stored()
    keep = backups_to_keep(
        {backup.name: backup.created_at for backup in stored},
        daily=settings.BACKUP_KEEP_DAILY,
        weekly=settings.BACKUP_KEEP_WEEKLY,
    )
    storage = backup_storage()
    deleted = []
    for backup in stored:
        if backup.name in keep:
            continue
        # The manifest first: a backup half-deleted is then no longer listed as one.
        storage.delete(f"{backup.name}.json")
        storage.delete(backup.manifest["archive"]["name"])
        Backup.objects.filter(name=backup.name).update(status=Backup.Status.DELETED)
        deleted.append(backup.name)
    return deleted


def backup_restore(
    *, name: str, database: dict | None = None, log: Callable[[str], object] = logger.info
) -> dict:
    """Restore backup `name` into `database` (a DATABASES entry; the default database when
    None, and then the local folders too), after checking the archive and each part against
    the manifest. Raises BackupRefused, having touched nothing, when a check fails."""
    storage = backup_storage()
    manifest = _read_manifest(storage, name)
    connection = connections["default"]
    into_default = database is None
    database = database or connection.settings_dict
    engine = _engine(database["ENGINE"])
    if manifest["engine"] != engine:
        raise BackupRefused(
            f"Backup {name} is of a {manifest['engine']} database; this one is {engine}."
        )
    with tempfile.TemporaryDirectory(prefix="tessera-restore-") as workdir:
        parts = _checked_parts(storage, manifest, Path(workdir))
        log(f"Backup {name} matches its checksums ({len(parts)} parts).")
        dump = parts.pop(DATABASE_PARTS[engine])
        if into_default:
            connections.close_all()
        if engine == "postgresql":
            _run(
                [
                    settings.BACKUP_PG_RESTORE,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-password",
                    f"--dbname={database['NAME']}",
                    str(dump),
                ],
                database,
            )
        else:
            _sqlite_restore(dump, connection if into_default else None, database["NAME"])
        log(f"Database {database['NAME']} restored from {name}.")
        if into_default:
            _restore_folders(parts, log)
    return manifest


def _engine(backend: str) -> str:
    if "postgresql" in backend:
        return "postgresql"
    if "sqlite3" in backend:
        return "sqlite"
    raise BackupRefused(f"Cannot restore into a {backend} database.")


def _checked_parts(storage: Storage, manifest: dict, workdir: Path) -> dict[str, Path]:
    """Download the archive and unpack its parts into `workdir`, each checked against the
    manifest; their paths by part name."""
    archive_path = workdir / "archive.tar"
    with storage.open(manifest["archive"]["name"], "rb") as source, archive_path.open("wb") as out:
        hashing = _Hashing(out)
        while chunk := source.read(CHUNK):
            hashing.write(chunk)
    expected = manifest["archive"]
    if (hashing.sha256.hexdigest(), hashing.size) != (expected["sha256"], expected["size"]):
        raise BackupRefused(
            f"Backup {manifest['name']} does not match its checksum: refused, nothing restored."
        )
    wanted = {part["name"]: part for part in manifest["parts"]}
    paths = {}
    with tarfile.open(archive_path, mode="r:") as tar:
        for member in tar:
            part = wanted.get(member.name)
            if part is None or not member.isfile() or not _is_part_name(member.name):
                raise BackupRefused(f"Backup {manifest['name']} holds {member.name!r}: refused.")
            path = workdir / "parts" / member.name
            path.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, path.open("wb") as out:
                hashing = _Hashing(out)
                shutil.copyfileobj(source, hashing, CHUNK)
            if (hashing.sha256.hexdigest(), hashing.size) != (part["sha256"], part["size"]):
                raise BackupRefused(f"{member.name} in {manifest['name']} fails its checksum.")
            paths[member.name] = path
    if missing := set(wanted) - set(paths):
        raise BackupRefused(f"Backup {manifest['name']} lacks {', '.join(sorted(missing))}.")
    return paths


def _is_part_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return False
    return name in DATABASE_PARTS.values() or (path.parts[0] in FOLDERS and len(path.parts) > 1)


def _sqlite_restore(dump: Path, connection, path: str) -> None:
    """Through SQLite's backup API, which writes the pages through the database's own locks
    and journal (WAL included), so other connections see the restored database whole."""
    with closing(sqlite3.connect(dump)) as source:
        if connection is not None:
            connection.ensure_connection()
            source.backup(connection.connection)
        else:
            with closing(sqlite3.connect(path)) as target:
                source.backup(target)


def _restore_folders(parts: dict[str, Path], log: Callable[[str], object]) -> None:
    folders = _local_folders()
    restored = dict.fromkeys(FOLDERS, 0)
    for name, path in parts.items():
        folder, _, relative = name.partition("/")
        if folder not in folders:
            continue
        target = folders[folder] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        restored[folder] += 1
    for folder, count in restored.items():
        if folder in folders:
            log(f"{count} file(s) restored into {folders[folder]}.")
        elif any(name.startswith(f"{folder}/") for name in parts):
            log(f"The {folder} files were left out: that storage is not a local folder now.")
