from django.contrib import auth
from django.contrib.auth import middleware
from django.utils.functional import SimpleLazyObject

from accounts.backends import reading_session


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    """Django's, with the user's cached copy taken from the session's read when it was
    fetched with it (accounts.sessions)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        with reading_session(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user
