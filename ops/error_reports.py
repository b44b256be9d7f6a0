"""What error reports (the emails to ADMINS, the debug page) may show of settings and values."""

import re

from django.views.debug import SafeExceptionReporterFilter

# Passwords ride in connection URLs (postgres://user:pw@host/db, redis://:pw@host/0), and
# those end up in settings whose names Django does not hide (DATABASE_URL, a cache's
# LOCATION, HUEY's connection url) and in request.META, which holds the environment under
# runserver.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:)[^\s@]+@", re.IGNORECASE)


class ErrorReportFilter(SafeExceptionReporterFilter):
    """Django's filter, also hiding settings named like a URL or a DSN, and the password of
    any URL in a value (nested in dicts and lists, or in a traceback's local variables)."""

    # Not ROOT_URLCONF: URL and DSN as words of the name only.
    hidden_settings = re.compile(
        rf"{SafeExceptionReporterFilter.hidden_settings.pattern}|(?<![a-z])(?:URL|DSN)(?![a-z])",
        flags=re.IGNORECASE,
    )

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        return _without_password(cleansed) if isinstance(cleansed, str) else cleansed

    def cleanse_special_types(self, request, value):
        cleansed = super().cleanse_special_types(request, value)
        return _without_password(cleansed) if isinstance(cleansed, str) else cleansed


def _without_password(text: str) -> str:
    return _URL_PASSWORD.sub(rf"\1{ErrorReportFilter.cleansed_substitute}@", text)
