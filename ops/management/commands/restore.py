import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ops.backups import BackupFailed, BackupRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (see `backup --list`) into the database, and its media and private "
        "files into their local folders. Stop the web servers and task workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The backup's name, as `backup --list` shows it.")
        parser.add_argument(
            "--yes", action="store_true", help="Replace the database: what is in it is lost."
        )
        parser.add_argument(
            "--force", action="store_true", help="Restore even with DEBUG off (production)."
        )
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead (a restore drill); files are left alone.",
        )

    def handle(self, *args, name: str, yes: bool, force: bool, database_url: str, **options):
        target = connections["default"].settings_dict["NAME"]
        database = None
        if database_url:
            try:
                database = dj_database_url.parse(database_url)
            except ValueError as error:
                raise CommandError(f"--database-url is not a database URL: {error}") from None
            target = database["NAME"]
        if not yes:
            raise CommandError(
                f"This replaces database {target} with backup {name}; what is in it now is "
                "lost. Run again with --yes to go ahead."
            )
        # A refusal, not a code path that differs: DEBUG off is how this shop's settings say
        # production (config/settings.py), where a restore is for the owner to mean twice.
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Add --force if you mean to restore here."
            )
        try:
            backup_restore(name=name, database=database, log=self.stdout.write)
        except (BackupRefused, BackupFailed) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {name} into {target}."))
