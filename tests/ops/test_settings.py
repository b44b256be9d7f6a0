import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_crontab, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "shop.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
    "DATABASE_URL": "postgres://tessera:pw@127.0.0.1:5432/tessera",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.example.com",
    "PAYMENT_PROVIDER": "dev",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    ours = {*PRODUCTION, "PAYMENT_PROVIDER", "SITE_URL", "HUEY_FILE", "CACHE_DIR"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("on", True), ("No", False), ("", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)

    assert env_bool("FLAG", default=True) is value


@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        (lambda: env_bool("VALUE", default=False), "maybe"),
        (lambda: env_int("VALUE", 1), "ten"),
        (lambda: env_choice("VALUE", ("dev", "dodo"), "dev"), "stripe"),
    ],
)
def test_malformed_values_fail_loudly(monkeypatch, reader, raw):
    monkeypatch.setenv("VALUE", raw)

    with pytest.raises(ImproperlyConfigured, match="VALUE"):
        reader()


def test_lists_and_strings_trim_and_fall_back(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    monkeypatch.setenv("EMPTY", "  ")

    assert env_list("HOSTS") == ["a.example", "b.example"]
    assert env_str("EMPTY", "fallback") == "fallback"
    assert env_int("EMPTY", 7) == 7


@pytest.mark.postgres
def test_check_deploy_is_clean_under_production_settings():
    # The model checks ask the server what it supports (stored generated columns).
    database = {"DATABASE_URL": os.environ["DATABASE_URL"]}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION | database)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_database_url_refuses_to_start():
    result = _manage("check", DATABASE_URL="mysqlish:/nowhere")

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_names_its_payment_provider():
    result = _manage("check", DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="shop.example.com")

    assert result.returncode != 0
    assert "set PAYMENT_PROVIDER" in result.stderr


def test_dodo_without_keys_refuses_to_start():
    result = _manage("check", PAYMENT_PROVIDER="dodo")

    assert result.returncode != 0
    assert "DODO_PAYMENTS_API_KEY" in result.stderr


def test_defaults_need_no_variables():
    # The suite itself runs on whatever CI sets; the embedded defaults are read in a fresh process.
    probe = (
        "from django.conf import settings as s; print("
        "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.HUEY['huey_class'],"
        " s.HUEY['immediate'], s.MAILERS['default']['BACKEND'], s.STORAGES['private']['BACKEND'],"
        " s.PAYMENT_PROVIDER, s.SITE_URL)"
    )

    result = _manage("shell", "--verbosity", "0", "--no-imports", "-c", probe)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "huey.MemoryHuey",
        "True",
        "ops.mail.ConsoleEmailBackend",
        "ops.storage.PrivateFileSystemStorage",
        "dev",
        "http://localhost:8000",
    ]


def _site_url(**env: str) -> subprocess.CompletedProcess:
    probe = "from django.conf import settings as s; print(s.SITE_URL)"
    return _manage("shell", "--verbosity", "0", "--no-imports", "-c", probe, **env)


def test_the_site_url_is_read_without_its_trailing_slash():
    result = _site_url(SITE_URL="https://shop.tessera.test/")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://shop.tessera.test"


def test_in_production_the_site_url_defaults_to_the_first_allowed_host():
    result = _site_url(**PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://shop.example.com"


@pytest.mark.parametrize("raw", ["shop.tessera.test", "https://shop.tessera.test/shop/"])
def test_a_malformed_site_url_refuses_to_start(raw):
    result = _manage("check", SITE_URL=raw)

    assert result.returncode != 0
    assert "SITE_URL must be the shop's address" in result.stderr


def test_production_without_a_host_to_link_to_refuses_to_start():
    result = _manage("check", **PRODUCTION | {"ALLOWED_HOSTS": "*"})

    assert result.returncode != 0
    assert "SITE_URL must be the shop's address" in result.stderr


@pytest.mark.parametrize(("raw", "count"), [("", "0"), ("2", "2")], ids=["unset", "two"])
def test_trusted_proxy_count_is_allauths(raw, count):
    probe = "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"

    result = _manage(
        "shell", "--verbosity", "0", "--no-imports", "-c", probe, TRUSTED_PROXY_COUNT=raw
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == count


def test_a_negative_trusted_proxy_count_refuses_to_start():
    result = _manage("check", TRUSTED_PROXY_COUNT="-1")

    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


def test_a_redis_timeout_of_zero_refuses_to_start():
    result = _manage("check", REDIS_TIMEOUT_MS="0")

    assert result.returncode != 0
    assert "REDIS_TIMEOUT_MS must be a positive" in result.stderr


@pytest.mark.parametrize(
    ("raw", "says"), [("0 25 * * *", "not a cron schedule"), ("0 2 * *", "five fields")]
)
def test_a_malformed_backup_schedule_fails_loudly(monkeypatch, raw, says):
    monkeypatch.setenv("BACKUP_CRONTAB", raw)

    with pytest.raises(ImproperlyConfigured, match=says):
        env_crontab("BACKUP_CRONTAB", "0 2 * * *")


def test_the_backup_schedule_defaults_to_two_in_the_morning(monkeypatch):
    monkeypatch.delenv("BACKUP_CRONTAB", raising=False)

    assert env_crontab("BACKUP_CRONTAB", "0 2 * * *") == {
        "minute": "0",
        "hour": "2",
        "day": "*",
        "month": "*",
        "day_of_week": "*",
    }


def test_a_bad_backup_schedule_or_folder_refuses_to_start(tmp_path):
    schedule = _manage("check", BACKUP_CRONTAB="every night")
    inside_media = _manage("check", VAR_DIR=str(tmp_path), BACKUP_DIR=str(tmp_path / "media/b"))

    assert schedule.returncode != 0
    assert "BACKUP_CRONTAB" in schedule.stderr
    assert inside_media.returncode != 0
    assert "BACKUP_DIR must not be inside MEDIA_ROOT" in inside_media.stderr
