from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User
from accounts.panels import ADMIN, LIBRARY, STUDIO, places_for
from ops.network import client_ip
from ops.notifications import queue_email


def landing_url(user: User) -> str:
    """Where a user belongs after signing in: the studio for sellers, the library for
    customers, the admin for staff who are neither."""
    landing_order = (STUDIO, LIBRARY, ADMIN)
    return next((place.url for place in places_for(user, order=landing_order)), reverse("home"))


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return landing_url(request.user)

    def new_user(self, request: HttpRequest) -> User:
        return User(is_customer=True)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Rendered here, where the request is known; delivered by a task after commit.
        request = self.request
        base = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**base, **context})
        queue_email(message)

    def get_client_ip(self, request: HttpRequest) -> str:
        # The address rate limits key on, read as the rest of the app reads it.
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
