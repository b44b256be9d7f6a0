"""Maintenance mode: whether the shop is closed to visitors, read on every request.

The state lives in the database (ops.Maintenance, changed only through ops.services) and is
read through the cache: on a warm cache a request costs one cache get and no query. The
cached copy lives MAINTENANCE_CACHE_SECONDS and is deleted when a switch commits, so another
app server sees a switch at once, or at the latest when its copy expires (a fill racing the
switch may store the old state; the TTL bounds that). A miss, or a cache that is down (it
fails soft: ops.redis_cache), reads the database. A database that cannot answer either does
not turn every page into a 500 because of this check: the last state this process read is
used (open in a process that never read one), and the request carries on to whatever its view
does without a database.

Staff must be told apart without importing accounts (imports flow ops <- accounts): accounts
registers its staff gate at ready() (`register_staff_check`); until one is registered nobody
passes as staff, so the shop stays closed rather than open to the wrong people.
"""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone

from ops.models import Maintenance

logger = logging.getLogger(__name__)

CACHE_KEY = "ops:maintenance:v1"
DEFAULT_MESSAGE = (
    "We are doing some maintenance to make the shop better. Nothing you bought or saved is "
    "affected. Please come back soon."
)
# Retry-After when no end is expected, or the expected end has passed: a browser or crawler
# asks again in five minutes.
DEFAULT_RETRY_SECONDS = 300


@dataclass(frozen=True)
class MaintenanceState:
    is_on: bool = False
    message: str = ""
    ends_at: datetime | None = None

    @property
    def message_shown(self) -> str:
        return self.message or DEFAULT_MESSAGE

    def retry_after(self, now: datetime | None = None) -> int:
        """Seconds a client should wait before asking again: until the expected end while
        it is ahead, else DEFAULT_RETRY_SECONDS."""
        now = now or timezone.now()
        if self.ends_at is None or self.ends_at <= now:
            return DEFAULT_RETRY_SECONDS
        return math.ceil((self.ends_at - now).total_seconds())

    def overdue(self, now: datetime | None = None) -> bool:
        return self.ends_at is not None and self.ends_at <= (now or timezone.now())


OPEN = MaintenanceState()
_last_read = OPEN


def _from_database() -> MaintenanceState:
    global _last_read
    row = Maintenance.objects.filter(pk=Maintenance.SINGLE_PK).values("is_on", "message", "ends_at")
    found = next(iter(row), None)
    _last_read = MaintenanceState(**found) if found else OPEN
    return _last_read


def maintenance_state(*, ask_database: bool = True) -> MaintenanceState:
    """The current state: the cache's copy, else the database's (then cached), else the last
    one this process read (at once with `ask_database` False: a database known to hang)."""
    state = cache.get(CACHE_KEY)
    if isinstance(state, MaintenanceState):
        return state
    if not ask_database:
        return _last_read
    try:
        state = _from_database()
    except DatabaseError:
        logger.warning("maintenance: the database did not answer; using the last state read")
        return _last_read
    cache.set(CACHE_KEY, state, settings.MAINTENANCE_CACHE_SECONDS)
    return state


def forget_cached_state() -> None:
    """Called on commit of a switch. A delete, not a set of the new state: two switches
    committing close together may run their callbacks in either order, and a set could leave
    the older one cached; after a delete the next read takes whatever the database holds."""
    cache.delete(CACHE_KEY)


_staff_checks: list[Callable[[object], bool]] = []


def register_staff_check(check: Callable[[object], bool]) -> None:
    """`check(user)` answers whether a signed-in user is staff, who use the closed shop as
    usual (accounts registers its STAFF gate)."""
    if check not in _staff_checks:
        _staff_checks.append(check)


def is_staff(user) -> bool:
    return any(check(user) for check in _staff_checks)


def staff_banner(request: HttpRequest) -> MaintenanceState | None:
    """The state, when the page should tell a staff member that the shop is closed."""
    state = getattr(request, "maintenance", None)
    if state is None or not state.is_on or not is_staff(request.user):
        return None
    return state
