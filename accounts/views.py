from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts.forms import ProfileForm
from accounts.panels import LIBRARY, STUDIO, Panel, panel_page
from accounts.services import user_change_password, user_start_selling, user_update_profile
from ops.htmx import wants_fragment


@require_http_methods(["GET", "POST"])
@panel_page
def profile(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"name": request.user.name})
    saved = False
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, name=form.cleaned_data["name"])
        if not request.htmx:
            messages.success(request, "Your profile is saved.")
            return redirect(f"{panel.key}:profile")
        form, saved = ProfileForm(initial={"name": request.user.name}), True
    template = "accounts/profile.html"
    if wants_fragment(request):
        template += "#profile-form"
    return render(request, template, {"panel": panel, "form": form, "saved": saved})


@require_http_methods(["GET", "POST"])
@panel_page
def password_change(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    # Each attempt checks the current password: a session left open must not be a way to
    # guess it. allauth's own limit for its password page (ACCOUNT_RATE_LIMITS), counted
    # before the check so that a refused attempt costs no hash.
    limited = request.method == "POST" and not ratelimit.consume(
        request, action="change_password", user=request.user
    )
    form = PasswordChangeForm(request.user, None if limited else request.POST or None)
    saved = False
    if request.method == "POST" and form.is_valid():
        user = user_change_password(
            user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        # Keeps this session signed in; the user's other sessions no longer validate.
        update_session_auth_hash(request, user)
        get_adapter(request).send_notification_mail("account/email/password_changed", user)
        if not request.htmx:
            messages.success(request, "Your password is changed. Other sessions are signed out.")
            return redirect(f"{panel.key}:password_change")
        form, saved = PasswordChangeForm(request.user), True
    template, status = "accounts/password_change.html", 429 if limited else 200
    if wants_fragment(request):
        # htmx swaps no 4xx answer: the fragment, with its notice, comes with a 200.
        template, status = template + "#password-form", 200
    context = {"panel": panel, "form": form, "saved": saved, "limited": limited}
    return render(request, template, context, status=status)


@require_POST
@login_required
def start_selling(request: HttpRequest) -> HttpResponse:
    user_start_selling(user=request.user)
    messages.success(request, "Welcome to the studio. You can now publish products.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("studio:home"))
    return redirect("studio:home")


@require_safe
@login_required
def password_change_elsewhere(request: HttpRequest) -> HttpResponse:
    """allauth's own password page: send the user to the panel they belong to instead."""
    panel = STUDIO if STUDIO.role.held_by(request.user) else LIBRARY
    return redirect(f"{panel.key}:password_change")


class LoginView(allauth_views.LoginView):
    """allauth's login, answering 429 once failed attempts for an address hit the limit."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(e.code == "too_many_login_attempts" for e in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


login = LoginView.as_view()
