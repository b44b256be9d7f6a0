"""The PostgreSQL backend's health check: no round trip for an idle connection, a fresh
connection for one the server has closed."""

import time
from unittest import mock

import psycopg
import pytest
from django.db import connection

from accounts.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_connection_afterwards():
    yield
    connection.close()  # the test database's teardown gets a working one


def _terminate_backend() -> int:
    """Close this connection from the server's side, as a restart would; its backend's pid."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(100):  # the server says goodbye asynchronously
        if connection._has_unread_data():
            break
        time.sleep(0.05)
    return pid


def _next_request() -> None:
    # What Django does between two requests (request_finished, request_started).
    connection.close_if_unusable_or_obsolete()


def test_an_idle_connection_is_reused_without_asking_the_server():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    _next_request()

    with mock.patch.object(connection.connection, "cursor", side_effect=AssertionError):
        connection.close_if_health_check_failed()

    assert connection.health_check_done
    assert connection.connection.info.backend_pid == pid


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(buyer):
    pid = _terminate_backend()
    _next_request()

    assert User.objects.filter(pk=buyer.pk).exists()
    assert connection.connection.info.backend_pid != pid


def test_a_closed_connection_is_not_usable():
    _terminate_backend()

    assert not connection.is_usable()
