"""GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, read by a fresh process as production reads them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ON = {"GOOGLE_CLIENT_ID": "shop.apps.googleusercontent.com", "GOOGLE_CLIENT_SECRET": "s3cret"}


def _manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOOGLE_")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("given", ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"])
def test_one_of_the_two_without_the_other_refuses_to_start(tmp_path, given):
    result = _manage("check", tmp_path=tmp_path, **{given: ON[given]})

    assert result.returncode != 0
    assert "needs both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET" in result.stderr


@pytest.mark.parametrize("env", [{}, ON], ids=["off", "on"])
def test_the_migrations_do_not_depend_on_google_being_on(tmp_path, env):
    result = _manage("makemigrations", "--check", "--dry-run", tmp_path=tmp_path, **env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_with_both_the_client_is_configured_and_googles_page_may_be_posted_to(tmp_path):
    probe = (
        "from django.conf import settings as s; from accounts import google; "
        "print(google.is_set_up(), s.SOCIALACCOUNT_PROVIDERS['google']['APPS'][0]['client_id'], "
        "' '.join(s.SECURE_CSP['form-action']))"
    )

    result = _manage("shell", "--no-imports", "-c", probe, tmp_path=tmp_path, **ON)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "shop.apps.googleusercontent.com",
        "'self'",
        "https://accounts.google.com",
    ]


def test_without_them_google_is_off_and_its_page_is_not_allowed(tmp_path):
    probe = (
        "from django.conf import settings as s; from accounts import google; "
        "print(google.is_set_up(), ' '.join(s.SECURE_CSP['form-action']))"
    )

    result = _manage("shell", "--no-imports", "-c", probe, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "'self'"]
