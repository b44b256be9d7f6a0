"""Whole pages cached for anonymous visitors.

Django's `cache_page` would replay the first visitor's CSP nonce to everyone after them. Here a
page is stored with its nonce swapped for a placeholder and served with the new request's own
nonce. Only anonymous visitors without pending messages are served from or stored in the cache:
a signed-in visitor's page shows who they are and what they own. The key carries a generation
for its scope; anything that changes what the scope's pages show bumps it (`bump_generation`),
and every entry also expires on its own. With the cache down, pages are rendered as usual.
"""

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.contrib.messages import get_messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce

from ops.cache import cache_add, cache_get, cache_get_many, cache_set
from ops.htmx import wants_fragment

NONCE_PLACEHOLDER = "__tessera-csp-nonce__"
# Headers a stored page may carry. Cookies never: they belong to the visitor who caused them.
STORED_HEADERS = ("Content-Type", "Vary", "Content-Language")


def _generation_key(scope: str) -> str:
    return f"pages:{scope}:generation"


def page_generation(scope: str) -> str | None:
    """The scope's current generation, None when the cache cannot say."""
    return page_generations([scope])[0]


def page_generations(scopes: list[str]) -> list[str | None]:
    """The generations of several scopes in one round trip (None where the cache cannot say)."""
    keys = [_generation_key(scope) for scope in scopes]
    found = cache_get_many(keys)
    generations = []
    for key in keys:
        generation = found.get(key)
        if generation is None:
            # A fresh token, never a counter from zero: an evicted counter restarting would
            # bring back pages stored under its old values.
            cache_add(key, str(time.time_ns()), timeout=None)
            generation = cache_get(key)
        generations.append(generation)
    return generations


def _new_generation(scope: str) -> None:
    cache_set(_generation_key(scope), str(time.time_ns()), timeout=None)


def bump_generation(scope: str) -> None:
    """Forget every page of `scope`: now, for this transaction's own reads, and again on
    commit, so a page rendered from the old rows in between is not the one kept."""
    _new_generation(scope)
    transaction.on_commit(lambda: _new_generation(scope))


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    # A page that asked for a CSRF token carries one visitor's token: never replay it.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _page_key(request: HttpRequest, scope: str, generation: str) -> str:
    variant = "fragment" if wants_fragment(request) else "page"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pages:{scope}:{generation}:{variant}:{path}"


def cache_anonymous_page(scope: str, timeout: int) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            generation = page_generation(scope)
            if generation is None:
                return view(request, *args, **kwargs)
            key = _page_key(request, scope, generation)
            nonce = str(get_nonce(request))
            stored = cache_get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content.replace(NONCE_PLACEHOLDER, nonce))
                for name, value in headers:
                    response.headers[name] = value
                return response
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                content = response.content.decode(response.charset).replace(
                    nonce, NONCE_PLACEHOLDER
                )
                headers = [(n, response[n]) for n in STORED_HEADERS if response.has_header(n)]
                cache_set(key, (content, headers), timeout)
            return response

        return wrapper

    return decorator
