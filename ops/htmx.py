from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page. A history restore (Back after the cache
    let go of the page) needs the full page, like a plain request."""
    return bool(request.htmx and not request.htmx.history_restore_request)
