"""System-wide rules applied to every request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control

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
