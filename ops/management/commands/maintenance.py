from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ops.models import Maintenance
from ops.services import MaintenanceRefused, maintenance_end, maintenance_start


def _expected_end(text: str):
    """An ISO 8601 time ("2026-12-03 18:00", "2026-12-03T18:00:00+02:00"); one without an
    offset is in the shop's TIME_ZONE."""
    try:
        at = parse_datetime(text.strip())
    except ValueError:
        at = None
    if at is None:
        raise CommandError(
            f"--until {text!r} is not a date and time: write it like 2026-12-03 18:00 (in the "
            "shop's time zone) or 2026-12-03T18:00:00+02:00."
        )
    return timezone.make_aware(at) if timezone.is_naive(at) else at


class Command(BaseCommand):
    help = (
        "Close the shop to visitors for maintenance (on), open it again (off), or say which "
        "it is (status). Signed-in staff, the admin, payment webhooks and /healthz keep working."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="on|off|status")
        on = actions.add_parser("on", help="Close the shop to visitors.")
        on.add_argument(
            "--message", default="", help="What visitors read (default: a friendly line)."
        )
        on.add_argument(
            "--until",
            default="",
            help="When you expect to open again, e.g. '2026-12-03 18:00' (the shop's time zone) "
            "or ISO 8601 with an offset; shown to visitors and sent as Retry-After.",
        )
        actions.add_parser("off", help="Open the shop again.")
        actions.add_parser("status", help="Say whether the shop is closed, and since when.")

    def handle(self, *args, action: str, **options):
        if action == "on":
            ends_at = _expected_end(options["until"]) if options["until"] else None
            try:
                maintenance_start(message=options["message"], ends_at=ends_at)
            except MaintenanceRefused as refusal:
                raise CommandError(str(refusal)) from None
            self.stdout.write(
                self.style.WARNING("Maintenance mode on: the shop is closed to visitors.")
            )
        elif action == "off":
            maintenance_end()
            self.stdout.write(self.style.SUCCESS("Maintenance mode off: the shop is open."))
        self._status()

    def _status(self) -> None:
        # From the database, not the cache: this is what every server will show within
        # MAINTENANCE_CACHE_SECONDS.
        row = (
            Maintenance.objects.select_related("changed_by")
            .filter(pk=Maintenance.SINGLE_PK)
            .first()
        )
        if row is None or not row.is_on:
            self.stdout.write("Status: open.")
            return
        when = timezone.localtime(row.changed_at)
        who = row.changed_by.email if row.changed_by else "the command line"
        self.stdout.write(f"Status: closed for maintenance since {when:%Y-%m-%d %H:%M %Z} ({who}).")
        self.stdout.write(f"Message: {row.message or '(the default)'}")
        if row.ends_at:
            self.stdout.write(f"Expected end: {timezone.localtime(row.ends_at):%Y-%m-%d %H:%M %Z}")
