"""System-wide rules applied to every request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property

from ops.maintenance import MaintenanceState, is_staff, maintenance_state
from ops.text import unstorable

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _refuse() -> HttpResponse:
    return HttpResponseBadRequest(
        "Bad request: it carries characters that cannot be stored (a NUL or an unpaired "
        "surrogate).\n",
        content_type="text/plain; charset=utf-8",
    )


class UnstorableTextMiddleware:
    """A request whose path, query string or form carries text the database cannot store (a
    NUL, a lone surrogate) answers 400, before any view looks it up or saves it: PostgreSQL
    refuses such text even in a lookup, and that would answer 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if unstorable(request.path) or any(
            unstorable(key) or unstorable(values) for key, values in request.GET.lists()
        ):
            return _refuse()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        # The form is parsed only where CsrfViewMiddleware parses it anyway. A view exempt
        # from CSRF (a webhook) verifies its raw body, which parsing it first would consume.
        if (
            request.method != "POST"
            or request.content_type not in FORM_TYPES
            or getattr(view, "csrf_exempt", False)
        ):
            return None
        if any(unstorable(key) or unstorable(values) for key, values in request.POST.lists()):
            return _refuse()
        return None


class PrivatePagesMiddleware:
    """What a signed-in visitor is shown (pages, fragments, file downloads and their
    redirects) is theirs alone: `Cache-Control: private, no-store`, so that no shared cache
    (a CDN, a proxy) and no browser's disk keeps it for the next person at that computer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


# What stays open while the shop is closed for maintenance, by URL name. The admin gates itself
# (anyone may reach its sign-in page; only staff get further), payment webhooks must not be
# lost (a provider gives up retrying after a while), nor the Telegram bot's updates (a
# seller's link), and /healthz reports the mode. The dev provider's hosted checkout stands for
# Dodo's, which is not ours to close: a buyer mid-payment finishes paying there.
OPEN_NAMESPACES = {"admin"}
OPEN_VIEWS = {
    "healthz",
    "billing:dodo_webhook",
    "billing:dev_checkout",
    "telegram_webhook",
    # Local media in development (django.conf.urls.static); a bucket or CDN in production.
    "django.views.static.serve",
}


def _open_while_closed(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in OPEN_VIEWS or bool(OPEN_NAMESPACES.intersection(match.namespaces))


def _closed_page(request: HttpRequest, state: MaintenanceState) -> HttpResponse:
    response = render(request, "503.html", {"maintenance": state}, status=503)
    response["Retry-After"] = str(state.retry_after())
    if request.htmx:
        # htmx 2 swaps no 5xx answer, so a fragment request would fail silently; it acts on
        # HX-Refresh whatever the status, and the reload lands on this page in full.
        response["HX-Refresh"] = "true"
    # Kept by no cache, shared or the browser's: the shop must show as soon as it opens.
    add_never_cache_headers(response)
    return response


class MaintenanceMiddleware:
    """While the shop is closed for maintenance (ops.maintenance), every request but those to
    OPEN_VIEWS and the admin, and those of signed-in staff, answers 503 with the closed page.
    Static files never get here (WhiteNoise answers them first). Costs one cache get per
    request on a warm cache; the path is resolved only while the shop is closed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @cached_property
    def healthz_path(self) -> str:
        return reverse("healthz")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == self.healthz_path:
            # It reports the mode itself, within its deadline even with a database that hangs.
            return self.get_response(request)
        request.maintenance = state = maintenance_state()
        if not state.is_on or _open_while_closed(request.path_info) or is_staff(request.user):
            return self.get_response(request)
        return _closed_page(request, state)
