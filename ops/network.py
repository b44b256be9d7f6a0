"""The visitor's address, read one way for everything that keys on it: allauth's rate limits
(through accounts.adapter) and the download log."""

import logging

from allauth.core.internal.httpkit import clean_client_ip, get_client_ip
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies, the address the outermost of them
    added to X-Forwarded-For (entries before it are the client's own word). None when there
    is no address to read."""
    try:
        ip = get_client_ip(request)
    except ImproperlyConfigured:
        # Fewer entries than trusted proxies: the request skipped one of them, or the count
        # is wrong. allauth raises (a 500); the peer's own address is the one known.
        logger.warning(
            "X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT: %r",
            request.headers.get("X-Forwarded-For"),
        )
        ip = None
    # allauth answers None, not REMOTE_ADDR, for an X-Forwarded-For entry that is no address.
    return ip or clean_client_ip(request.META.get("REMOTE_ADDR", ""))
