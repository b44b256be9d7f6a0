"""Sign-in with Google, through allauth's Google provider (settings: GOOGLE_CLIENT_ID and
GOOGLE_CLIENT_SECRET).

allauth serves its pages for every installed provider; these take their place, so that with
Google off every one of them answers 404, and with it on only those the shop offers answer:
the start of the dance (a POST; a GET asks first), Google's return, and the pages allauth ends
a failed or unfinished one on. Not offered: One Tap sign-in (`google/login/token/`) and the
page of connected accounts (`3rdparty/`): Google connects itself to the user with its verified
address, and a password can always be set by a reset.
"""

from collections.abc import Callable
from functools import wraps

from allauth.socialaccount import views as socialaccount_views
from allauth.socialaccount.providers.google import views as google_views
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect


def is_set_up() -> bool:
    return bool(settings.SOCIALACCOUNT_PROVIDERS.get("google", {}).get("APPS"))


def google_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view`, or a 404 while Google sign-in is off. An htmx request is sent on with a full
    page load: Google's page cannot be swapped into ours."""

    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_set_up():
            raise Http404("Google sign-in is off.")
        response = view(request, *args, **kwargs)
        if request.htmx and response.status_code in (301, 302, 303):
            return HttpResponseClientRedirect(response["Location"])
        return response

    return page


def not_offered(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise Http404("Not offered.")


urlpatterns = [
    path(
        "google/login/",
        require_http_methods(["GET", "POST"])(google_page(google_views.oauth2_login)),
        name="google_login",
    ),
    path(
        "google/login/callback/",
        require_GET(google_page(google_views.oauth2_callback)),
        name="google_callback",
    ),
    path("google/login/token/", not_offered),
    path(
        "3rdparty/login/cancelled/",
        require_GET(google_page(socialaccount_views.login_cancelled)),
        name="socialaccount_login_cancelled",
    ),
    path(
        "3rdparty/login/error/",
        require_GET(google_page(socialaccount_views.login_error)),
        name="socialaccount_login_error",
    ),
    path(
        "3rdparty/signup/",
        require_http_methods(["GET", "POST"])(google_page(socialaccount_views.signup)),
        name="socialaccount_signup",
    ),
    path("3rdparty/", not_offered, name="socialaccount_connections"),
    # allauth's old addresses of the pages above, which it still redirects.
    re_path(r"^social/", not_offered),
]
