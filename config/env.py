"""Small readers for settings from the environment that fail loudly on a malformed value.

An empty variable counts as unset, so `.env.example` can list every name with blanks.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def env_str(name: str, default: str = "") -> str:
    return _raw(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = _raw(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def env_crontab(name: str, default: str) -> dict[str, str]:
    """A five-field cron schedule ("minute hour day month day-of-week", e.g. "0 2 * * *") as
    huey.crontab's keyword arguments, checked by huey itself so that a typo stops the start."""
    from huey import crontab

    raw = env_str(name, default)
    fields = raw.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{name} must have five fields (minute hour day month day-of-week); got {raw!r}"
        )
    schedule = dict(zip(("minute", "hour", "day", "month", "day_of_week"), fields, strict=True))
    try:
        crontab(**schedule, strict=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a cron schedule: {error}; got {raw!r}") from None
    return schedule
