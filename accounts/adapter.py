from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User
from accounts.panels import ADMIN, LIBRARY, STUDIO, places_for
from ops.network import client_ip
from ops.notifications import queue_email, site, site_url


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
        # Rendered here, where the request is known; delivered by a task after commit. Signed
        # SITE_NAME at SITE_URL, and linking there: allauth names the request's host ("Hello
        # from 127.0.0.1") and builds its links (activate_url, password_reset_url, signup_url)
        # on it.
        request = self.request
        context = {name: _on_site(value, request) for name, value in context.items()}
        base = {"request": request, "email": email}
        message = self.render_mail(
            template_prefix, email, {**base, **context, "current_site": site()}
        )
        queue_email(message)

    def get_client_ip(self, request: HttpRequest) -> str:
        # The address rate limits key on, read as the rest of the app reads it.
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Google sign-in (accounts.google). A new user is made by AccountAdapter.new_user: a
    customer, as by email sign-up."""

    def list_apps(self, request, provider=None, client_id=None) -> list:
        # From settings only: no query on every page that asks whether Google is on, and no
        # SocialApp row added in the admin can sit beside the configured client (allauth
        # refuses to choose between two).
        from allauth.socialaccount.models import SocialApp  # not at import: models load later

        apps = []
        for provider_id, config in settings.SOCIALACCOUNT_PROVIDERS.items():
            for app in config.get("APPS", []):
                if provider not in (None, provider_id) or client_id not in (
                    None,
                    app["client_id"],
                ):
                    continue
                apps.append(
                    SocialApp(
                        provider=provider_id,
                        client_id=app["client_id"],
                        secret=app["secret"],
                        key=app.get("key", ""),
                        settings=app.get("settings", {}),
                    )
                )
        return apps

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount) -> str:
        # allauth's page of connected accounts is not offered (accounts.google).
        return landing_url(request.user)


def _on_site(value, request: HttpRequest | None):
    """`value` moved to SITE_URL if it is a link to the host `request` came in on."""
    if not isinstance(value, str) or request is None:
        return value
    link = urlsplit(value)
    if link.scheme not in ("http", "https") or link.netloc != request.get_host():
        return value
    return site_url(urlunsplit(("", "", link.path, link.query, link.fragment)))
