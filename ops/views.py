import logging
import secrets
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.maintenance import maintenance_state

logger = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def _cache_answers() -> bool:
    token = secrets.token_hex(8)
    try:
        cache.set("healthz", token, timeout=10)
        return cache.get("healthz") == token
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False


# A load balancer waits about two seconds for an answer; a database that has not answered by
# then is down. (A hung Redis costs at most its socket timeout: ops.redis.)
HEALTH_DEADLINE = 1.5


def _database_answers_in_time() -> bool:
    """Ask the database from a thread of its own, with its own connection: a connection to a
    server that hangs would block the request however its timeouts are set. A thread still
    waiting at the deadline finishes, or times out, on its own."""
    answered = []

    def ask():
        try:
            answered.append(_database_answers())
        finally:
            connection.close()  # this thread's connection, not the request's

    thread = threading.Thread(target=ask, daemon=True, name="healthz-database")
    thread.start()
    thread.join(HEALTH_DEADLINE)
    if not answered:
        logger.error("Health check: the database did not answer within %s s", HEALTH_DEADLINE)
    return answered == [True]


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every part the app needs answers within HEALTH_DEADLINE, 503 naming the part
    that does not.

    The cache is only checked when it is shared (Redis): the local-memory one cannot fail.
    Errors are logged, never echoed: connection strings would leak.

    `maintenance` says whether the shop is closed to visitors, without changing the status:
    the status tells a load balancer whether this server can serve, and a closed shop is
    served (to staff, webhooks, the closed page) by healthy servers; answering 503 would have
    the balancer take every one of them out, webhooks and admin included.
    """
    checks = {"database": _database_answers_in_time()}
    if settings.REDIS_URL:
        checks["cache"] = _cache_answers()
    failing = [part for part, answered in checks.items() if not answered]
    body = {
        "status": "unavailable" if failing else "ok",
        "checks": {part: "ok" if answered else "down" for part, answered in checks.items()},
        # Not asked of a database that just failed to answer in time: this must answer fast.
        "maintenance": "on" if maintenance_state(ask_database=checks["database"]).is_on else "off",
    }
    return JsonResponse(body, status=503 if failing else 200)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
