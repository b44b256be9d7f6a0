"""Changes to system-wide state."""

# Maintenance mode (ops.maintenance reads it).

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ops.maintenance import forget_cached_state
from ops.models import Maintenance
from ops.notifications import alert_staff


class MaintenanceRefused(Exception):
    """A switch that was not made, with the reason for the person who asked."""


def maintenance_check_end(ends_at: datetime | None, *, now: datetime | None = None) -> None:
    """Refuse an expected end that is naive (no time zone) or not in the future."""
    if ends_at is None:
        return
    if timezone.is_naive(ends_at):
        raise MaintenanceRefused("The expected end needs a time zone.")
    if ends_at <= (now or timezone.now()):
        raise MaintenanceRefused(
            f"The expected end ({ends_at:%Y-%m-%d %H:%M %Z}) has already passed: give a time "
            "in the future, or none."
        )


def _locked_row() -> Maintenance:
    # The row may be missing (a database flushed since its migration); two switches creating it
    # at once meet on its primary key, and the loser reads the winner's.
    Maintenance.objects.get_or_create(pk=Maintenance.SINGLE_PK)
    return Maintenance.objects.select_for_update().get(pk=Maintenance.SINGLE_PK)


def _who(by) -> str:
    return getattr(by, "email", "") or "manage.py"


@transaction.atomic
def maintenance_start(
    *, message: str = "", ends_at: datetime | None = None, by=None
) -> Maintenance:
    """Close the shop to visitors (or change the message and expected end while it is closed).
    `by` is the staff member who asked; None from the command line."""
    message = message.strip()
    max_length = Maintenance._meta.get_field("message").max_length
    if len(message) > max_length:
        raise MaintenanceRefused(f"The message is too long: at most {max_length} characters.")
    maintenance_check_end(ends_at)
    row = _locked_row()
    was_on = row.is_on
    row.is_on, row.message, row.ends_at = True, message, ends_at
    row.changed_at, row.changed_by = timezone.now(), by
    row.save()
    if not was_on:
        alert_staff(text=f"Maintenance mode on: the shop is closed to visitors ({_who(by)}).")
    transaction.on_commit(forget_cached_state)
    return row


@transaction.atomic
def maintenance_end(*, by=None) -> Maintenance:
    """Open the shop again; the message and expected end are cleared with it."""
    row = _locked_row()
    was_on = row.is_on
    row.is_on, row.message, row.ends_at = False, "", None
    row.changed_at, row.changed_by = timezone.now(), by
    row.save()
    if was_on:
        alert_staff(text=f"Maintenance mode off: the shop is open again ({_who(by)}).")
    transaction.on_commit(forget_cached_state)
    return row
