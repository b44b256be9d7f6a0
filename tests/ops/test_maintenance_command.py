"""`manage.py maintenance on|off|status`."""

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from ops.maintenance import maintenance_state
from ops.models import Maintenance

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    """The command, its on-commit callbacks run (the test's transaction never commits)."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("maintenance", *args, stdout=out)
    return out.getvalue()


def row() -> Maintenance:
    return Maintenance.objects.get(pk=1)


def test_on_closes_the_shop_with_a_message_and_an_end_in_the_shops_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    until = (timezone.now() + timedelta(days=2)).astimezone(ZoneInfo("Europe/Berlin"))
    text = f"{until:%Y-%m-%d} 18:00"

    out = run("on", "--message", "Moving house", "--until", text)

    closed = row()
    assert closed.is_on
    assert closed.message == "Moving house"
    assert closed.ends_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M") == text
    assert closed.changed_by is None
    assert "closed to visitors" in out
    assert "Message: Moving house" in out
    # The switch forgot the cached copy: every request sees it at once.
    assert maintenance_state().is_on


def test_on_takes_an_iso_time_with_its_offset():
    until = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)

    run("on", "--until", until.astimezone(ZoneInfo("Asia/Tokyo")).isoformat())

    assert row().ends_at == until


def test_off_opens_the_shop():
    run("on")
    assert maintenance_state().is_on

    out = run("off")

    assert not row().is_on
    assert not maintenance_state().is_on
    assert "Status: open." in out


def test_status_says_which_and_changes_nothing():
    assert run("status") == "Status: open.\n"
    run("on", "--message", "Back at six")

    out = run("status")

    assert "Status: closed for maintenance since" in out
    assert "(the command line)" in out
    assert "Message: Back at six" in out
    assert row().is_on


@pytest.mark.parametrize(
    ("until", "error"),
    [
        ("tomorrow", "is not a date and time"),
        ("2026-13-45 10:00", "is not a date and time"),
        ("2001-01-01 10:00", "has already passed"),
    ],
)
def test_a_bad_end_is_an_error_that_changes_nothing(until, error):
    with pytest.raises(CommandError, match=error):
        run("on", "--until", until)

    assert not row().is_on


def test_a_message_too_long_is_an_error_that_changes_nothing():
    with pytest.raises(CommandError, match="too long"):
        run("on", "--message", "x" * 501)

    assert not row().is_on


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["on", "--until", "soon"], 1, "is not a date and time"),
        ([], 2, "on|off|status"),
        (["sideways"], 2, "invalid choice"),
    ],
)
def test_bad_input_exits_non_zero_from_the_command_line(args, code, said):
    # Refused before the database is asked, so the real command runs here, in its own process.
    done = subprocess.run(  # noqa: S603 - this interpreter, our own manage.py
        [sys.executable, "manage.py", "maintenance", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == code
    assert said in done.stderr
