import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter, get_default_exception_reporter_filter

from ops.error_reports import ErrorReportFilter
from tests.ops.test_settings import PRODUCTION, _manage

DATABASE_URL = "postgres://tessera:secretpw@db.internal:5432/tessera"
REDIS_URL = "redis://:secretpw@cache.internal:6379/0"


def report(request=None) -> str:
    """The text and the HTML of the error report for an exception raised here, as the
    emails to ADMINS and the debug page show it."""
    connection_url = REDIS_URL  # a local variable, as a traceback shows it
    try:
        raise ConnectionError(f"could not connect to {connection_url.split('@')[1]}")
    except ConnectionError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    return reporter.get_traceback_text() + reporter.get_traceback_html()


@pytest.fixture
def production_like(settings):
    settings.DEBUG = False
    settings.DATABASE_URL = DATABASE_URL
    settings.REDIS_URL = REDIS_URL
    settings.SENTRY_DSN = "https://key@sentry.example.com/1"
    # A local-memory cache named after the URL: the report reads the setting, and nothing
    # connects to it.
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {"default": {"BACKEND": locmem, "LOCATION": REDIS_URL}}
    settings.HUEY = {"name": "tessera", "connection": {"url": REDIS_URL}}


def test_the_report_uses_tessera_s_filter():
    assert isinstance(get_default_exception_reporter_filter(), ErrorReportFilter)


def test_no_password_of_a_connection_url_is_in_the_error_report(production_like):
    request = RequestFactory().get("/", DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)

    text = report(request)

    assert "secretpw" not in text
    assert "sentry.example.com" not in text
    assert "could not connect to cache.internal:6379/0" in text


def test_a_url_in_a_value_keeps_all_but_its_password():
    safe = ErrorReportFilter().cleanse_setting(
        "CACHES", {"default": {"LOCATION": REDIS_URL}, "other": ["postgres://u:pw@h/db"]}
    )

    assert safe == {
        "default": {"LOCATION": "redis://:********************@cache.internal:6379/0"},
        "other": ["postgres://u:********************@h/db"],
    }


@pytest.mark.parametrize(
    "name", ["ROOT_URLCONF", "STATIC_ROOT", "ALLOWED_HOSTS", "CURLING", "URLS_AND_MORE"]
)
def test_settings_that_only_contain_the_letters_are_shown(name):
    assert ErrorReportFilter().cleanse_setting(name, "shown") == "shown"


def test_the_real_settings_read_from_the_environment_leak_no_password():
    # The settings module itself, as production loads it (DATABASES, CACHES and HUEY derived
    # from the two URLs), in a process of its own.
    code = (
        "import sys; from django.views.debug import ExceptionReporter\n"
        "try:\n    raise RuntimeError('boom')\n"
        "except RuntimeError:\n"
        "    reporter = ExceptionReporter(None, *sys.exc_info())\n"
        "print(reporter.get_traceback_text(), reporter.get_traceback_html())\n"
    )
    env = PRODUCTION | {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL}

    result = _manage("shell", "--no-imports", "-c", code, **env)

    assert result.returncode == 0, result.stderr
    assert "boom" in result.stdout
    assert "secretpw" not in result.stdout
