from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.timesince import timesince

from ops.backups import backup_create, backups_stored
from ops.models import Backup


class Command(BaseCommand):
    help = (
        "Back up the database (and the media and private folders when they are local) to the "
        "backups storage, then delete what retention does not keep. --list shows the backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="List the backups, newest first.")

    def handle(self, *args, list: bool, **options):
        if list:
            return self.list_backups()
        backup = backup_create()
        if backup.status != Backup.Status.OK:
            # Non-zero for cron, which then mails its owner too.
            raise CommandError(f"Backup {backup.name} failed: {backup.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {backup.name}: {_size(backup.size)}, sha256 {backup.checksum}."
            )
        )

    def list_backups(self) -> None:
        now = timezone.now()
        stored = backups_stored()
        recorded = {backup.name: backup for backup in Backup.objects.all()}
        rows = [
            (
                backup.name,
                _age(backup.created_at, now),
                _size(backup.size),
                # Made elsewhere, or before the database was restored: no row here.
                recorded[backup.name].status if backup.name in recorded else "not recorded",
                backup.checksum[:12],
            )
            for backup in stored
        ]
        stored_names = {backup.name for backup in stored}
        rows += [
            (backup.name, _age(backup.started_at, now), "-", backup.status, "-")
            for backup in recorded.values()
            if backup.name not in stored_names
            and backup.status in (Backup.Status.FAILED, Backup.Status.RUNNING)
        ]
        if not rows:
            self.stdout.write("No backups yet.")
            return
        header = ("name", "age", "size", "status", "sha256")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = zip(row, widths, strict=True)
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in cells))


def _size(size: int) -> str:
    # Non-breaking spaces are for pages; a terminal's columns want plain ones.
    return filesizeformat(size).replace("\xa0", " ")


def _age(when, now) -> str:
    return f"{timesince(when, now)} ago".replace("\xa0", " ")
