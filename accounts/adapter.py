from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from accounts.models import User
from ops.notifications import queue_email


def landing_url(user: User) -> str:
    """Where a user belongs after signing in: the first panel their roles open."""
    if user.is_seller:
        return "/studio/"
    if user.is_customer:
        return "/library/"
    if user.is_staff:
        return "/admin/"
    return "/"


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
