"""Whole pages, cached.

Django's `cache_page` would replay the first visitor's CSP nonce (and CSRF token) to everyone
after them. Here a page is stored with its nonce, and on a signed-in user's own page its CSRF
token, swapped for placeholders, and served with the new request's own. Anonymous pages are
shared by anonymous visitors; a signed-in user's pages are theirs alone. A page is stored
with the generations of its scopes and served only while they are current (both read in one
round trip); anything that changes what a scope's pages show bumps its generation
(`bump_generation`, or `PageScope.changed`), and every entry also expires on its own. With the
cache down, pages are rendered as usual.
"""

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token

from ops.htmx import wants_fragment
from ops.maintenance import OPEN

NONCE_PLACEHOLDER = "__tessera-csp-nonce__"
CSRF_PLACEHOLDER = "__tessera-csrf-token__"
# Where Django's {% csrf_token %} puts the page's token (the same value everywhere in a page).
_CSRF_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,})"')
# Headers a stored page may carry. Cookies never: they belong to the visitor who caused them.
STORED_HEADERS = ("Content-Type", "Vary", "Content-Language")


def generation_key(scope: str) -> str:
    return f"pages:{scope}:generation"


def page_generation(scope: str) -> str | None:
    """The scope's current generation, None when the cache cannot say."""
    return generations_in([scope], cache.get_many([generation_key(scope)]))[0]


def generations_in(scopes: list[str], found: dict) -> list[str | None]:
    """The scopes' generations from what a get_many of their `generation_key`s `found` (read
    with whatever else the caller needs in the same round trip), made where missing."""
    keys = [generation_key(scope) for scope in scopes]
    generations = []
    for key in keys:
        generation = found.get(key)
        if generation is None:
            # A fresh token, never a counter from zero: an evicted counter restarting would
            # bring back pages stored under its old values.
            cache.add(key, str(time.time_ns()), timeout=None)
            generation = cache.get(key)
        generations.append(generation)
    return generations


def _new_generation(scope: str) -> None:
    cache.set(generation_key(scope), str(time.time_ns()), timeout=None)


def bump_generation(scope: str) -> None:
    """Forget every page of `scope`: now, for this transaction's own reads, and again on
    commit, so a page rendered from the old rows in between is not the one kept."""
    _new_generation(scope)
    transaction.on_commit(lambda: _new_generation(scope))


@dataclass(frozen=True)
class PageScope:
    """One kind of cached page, named once: `of()` is the scope its pages are cached under
    (`of(owner_id)` for pages that are one user's own, such as a buyer's library), `changed()`
    forgets them."""

    name: str

    def of(self, owner_id: int | None = None) -> str:
        return self.name if owner_id is None else f"{self.name}-{owner_id}"

    def changed(self, owner_id: int | None = None) -> None:
        bump_generation(self.of(owner_id))


def _cacheable_request(request: HttpRequest, *, signed_in: bool) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.user.is_authenticated == signed_in
        and not len(get_messages(request))
        # While the shop is closed only staff get pages, with a banner that must neither be
        # kept for after nor be missing from a page kept from before (ops.maintenance).
        and not getattr(request, "maintenance", OPEN).is_on
    )


def _stored_content(request: HttpRequest, response: HttpResponse, *, nonce: str, signed_in: bool):
    """The page with its nonce (and, on a signed-in page, its CSRF token) swapped for
    placeholders; None when it must not be stored."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    content = response.content.decode(response.charset).replace(nonce, NONCE_PLACEHOLDER)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        # One visitor's token is never replayed to another: anonymous pages holding one are
        # not stored, and a signed-in page's (one masked value per render) is swapped out.
        found = _CSRF_IN_FORM.search(content) if signed_in else None
        if found is None:
            return None
        content = content.replace(found[1], CSRF_PLACEHOLDER)
    return content


def _page_key(request: HttpRequest, *, signed_in: bool) -> str:
    variant = "fragment" if wants_fragment(request) else "page"
    who = f"user-{request.user.pk}" if signed_in else "anonymous"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pages:{who}:{variant}:{path}"


def cache_page_in(
    scopes: Callable[[HttpRequest], list[str]], timeout: int, *, signed_in: bool = False
) -> Callable:
    """Cache a view's pages under the generations of `scopes(request)`.

    Anonymous pages (the default) are shared by every anonymous visitor; with `signed_in`, each
    signed-in user has their own, and the view must sit behind its gate. Either way, only
    visitors without pending messages are served from or stored in the cache."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request, signed_in=signed_in):
                return view(request, *args, **kwargs)
            # The page is stored with the generations it was made under, and read in the same
            # round trip as the current ones: it is served only if they are still the same.
            in_scopes = scopes(request)
            key = _page_key(request, signed_in=signed_in)
            found = cache.get_many([*(generation_key(scope) for scope in in_scopes), key])
            generations = generations_in(in_scopes, found)
            if None in generations:
                return view(request, *args, **kwargs)
            nonce = str(get_nonce(request))
            stored = found.get(key)
            if stored is not None and stored[0] == generations:
                _, content, headers = stored
                content = content.replace(NONCE_PLACEHOLDER, nonce)
                if CSRF_PLACEHOLDER in content:
                    content = content.replace(CSRF_PLACEHOLDER, get_token(request))
                response = HttpResponse(content)
                for name, value in headers:
                    response.headers[name] = value
                return response
            response = view(request, *args, **kwargs)
            content = _stored_content(request, response, nonce=nonce, signed_in=signed_in)
            if content is not None:
                headers = [(n, response[n]) for n in STORED_HEADERS if response.has_header(n)]
                cache.set(key, (generations, content, headers), timeout)
            return response

        return wrapper

    return decorator


def cache_anonymous_page(scope: PageScope, timeout: int) -> Callable:
    return cache_page_in(lambda request: [scope.of()], timeout)
