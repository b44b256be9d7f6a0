import json
import threading
import time

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = pytest.mark.django_db


class _Broken:
    def __init__(self, *args, **kwargs):
        raise ConnectionError("could not reach postgres://tessera:s3cret@db.internal/tessera")


def test_healthz_is_200_when_everything_answers(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}, "maintenance": "off"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", _Broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"
    assert b"s3cret" not in response.content


def test_healthz_checks_the_cache_when_redis_is_configured(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    assert client.get("/healthz").json()["checks"] == {"database": "ok", "cache": "ok"}

    monkeypatch.setattr("ops.views.cache.set", _Broken)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "down"},
        "maintenance": "off",
    }


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_a_redis_that_refuses_connections(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr("ops.views.cache", dead)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "down"


def test_healthz_is_503_within_its_deadline_when_the_database_hangs(client, monkeypatch):
    released = threading.Event()
    monkeypatch.setattr("ops.views._database_answers", lambda: released.wait(30))
    started = time.monotonic()
    try:
        response = client.get("/healthz")
    finally:
        released.set()

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"
    assert time.monotonic() - started < 2


@pytest.mark.postgres
def test_database_connections_carry_the_statement_timeout(settings):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("15s",)


@pytest.mark.postgres
def test_a_connection_to_a_database_that_never_answers_gives_up_on_its_own(settings):
    """DATABASE_CONNECT_TIMEOUT reaches the driver: a server that accepts and never answers
    costs a request seconds, not gunicorn's whole timeout."""
    import socket

    import psycopg
    from django.db import connection

    options = connection.settings_dict["OPTIONS"]
    hung = socket.create_server(("127.0.0.1", 0))  # the kernel accepts; nothing ever answers
    outcome = []

    def connect():
        try:
            psycopg.connect(
                host="127.0.0.1",
                port=hung.getsockname()[1],
                user="tessera",
                connect_timeout=options["connect_timeout"],
            )
        except psycopg.OperationalError as error:
            outcome.append(error)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(options["connect_timeout"] + 5)  # never hangs the suite, even when it fails
    hung.close()

    assert options["connect_timeout"] == 2
    assert outcome, "the connection attempt was still waiting"
