import hmac
import json
import logging

from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts import telegram
from accounts.forms import ProfileForm, SellerProfileForm, StartSellingForm, TelegramEventsForm
from accounts.models import TelegramLink
from accounts.panels import LIBRARY, STUDIO, Panel, own_panel, panel_page
from accounts.roles import seller_required
from accounts.services import (
    telegram_chat_blocked,
    telegram_link_bind,
    telegram_link_choose,
    telegram_link_disconnect,
    telegram_link_start,
    user_change_password,
    user_start_selling,
    user_update_profile,
)
from ops.htmx import wants_fragment

logger = logging.getLogger(__name__)


def _profile_form(panel: Panel, user, data=None) -> ProfileForm:
    """The name, and in the studio the display name buyers know the seller by."""
    initial = {"name": user.name, "display_name": user.display_name}
    if panel == STUDIO:
        return SellerProfileForm(data, initial=initial, user=user)
    return ProfileForm(data, initial=initial)


@require_http_methods(["GET", "POST"])
@panel_page
def profile(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = _profile_form(panel, request.user, data)
    saved = False
    if data is not None and form.is_valid():
        try:
            user = user_update_profile(
                user=request.user,
                name=form.cleaned_data["name"],
                display_name=form.cleaned_data.get("display_name"),
            )
        except ValidationError as error:
            form.add_error("display_name", error)  # only the studio's form sends one
        else:
            if not request.htmx:
                messages.success(request, "Your profile is saved.")
                return redirect(f"{panel.key}:profile")
            form, saved = _profile_form(panel, user), True
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


@require_http_methods(["GET", "POST"])
@login_required
def start_selling(request: HttpRequest) -> HttpResponse:
    """Turn on the studio, under the display name buyers will know the seller by."""
    studio = reverse("studio:home")
    if request.user.is_seller:
        return HttpResponseClientRedirect(studio) if request.htmx else redirect(studio)
    data = request.POST if request.method == "POST" else None
    form = StartSellingForm(data, initial={"display_name": request.user.name}, user=request.user)
    if data is not None and form.is_valid():
        try:
            user_start_selling(user=request.user, display_name=form.cleaned_data["display_name"])
        except ValidationError as error:
            form.add_error("display_name", error)
        else:
            messages.success(request, "Welcome to the studio. You can now publish products.")
            return HttpResponseClientRedirect(studio) if request.htmx else redirect(studio)
    template = "accounts/start_selling.html"
    if wants_fragment(request):
        template += "#start-selling-form"
    return render(request, template, {"form": form})


@require_safe
@login_required
def password_change_elsewhere(request: HttpRequest) -> HttpResponse:
    """allauth's own password page: send the user to the panel they belong to instead."""
    panel = own_panel(request.user) or LIBRARY
    return redirect(f"{panel.key}:password_change")


class EmailView(allauth_views.EmailView):
    """allauth's email page (with ACCOUNT_CHANGE_EMAIL: change to a new address once it is
    confirmed) inside a panel; its template is allauth's, which extends the panel's."""

    @property
    def success_url(self) -> str:
        return self.request.path

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {"panel": self.kwargs["panel"]}


email_change = require_http_methods(["GET", "POST"])(panel_page(EmailView.as_view()))


def email_elsewhere(request: HttpRequest) -> HttpResponse:
    """allauth's own email page: shown in the panel the user belongs to; bare, as allauth
    has it, for staff who have no panel."""
    panel = own_panel(request.user)
    if panel is None or request.method != "GET":
        return allauth_views.email(request)
    return redirect(f"{panel.key}:email")


@require_safe
@panel_page
def sign_out(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    """Asks before signing out; the form posts to allauth's sign-out."""
    return render(request, "account/logout.html", {"panel": panel})


class LogoutView(allauth_views.LogoutView):
    """allauth's sign-out: its page of confirmation is shown in the user's panel."""

    def get(self, *args, **kwargs) -> HttpResponse:
        panel = own_panel(self.request.user)
        if panel is None:
            return super().get(*args, **kwargs)
        return redirect(f"{panel.key}:sign_out")


logout = LogoutView.as_view()


class LoginView(allauth_views.LoginView):
    """allauth's login, answering 429 once failed attempts for an address hit the limit."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(e.code == "too_many_login_attempts" for e in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


login = LoginView.as_view()


@require_safe
@panel_page
def telegram_page(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    """The seller's Telegram: connect a chat, choose what goes there, disconnect."""
    return _telegram(request)


def _telegram(
    request: HttpRequest, *, token: str = "", form: TelegramEventsForm | None = None, **extra
) -> HttpResponse:
    link = TelegramLink.objects.filter(user=request.user).first() or TelegramLink()
    if form is None:
        chosen = [event for event in telegram.Event if getattr(link, event.field)]
        form = TelegramEventsForm(initial={"events": chosen})
    context = {
        "panel": STUDIO,
        "set_up": telegram.is_set_up(),
        "link": link,
        "deep_link": telegram.deep_link(token) if token else "",
        "form": form,
        **extra,
    }
    template = "accounts/telegram.html"
    if wants_fragment(request):
        template += "#telegram"
    return render(request, template, context)


@require_POST
@seller_required
def telegram_connect(request: HttpRequest) -> HttpResponse:
    if not telegram.is_set_up():
        return _telegram(request)
    # The token is kept only as a digest, so the answer to this POST is the one page that can
    # show its link: no redirect, also without JavaScript.
    return _telegram(request, token=telegram_link_start(user=request.user))


@require_POST
@seller_required
def telegram_events(request: HttpRequest) -> HttpResponse:
    form = TelegramEventsForm(request.POST)
    if not form.is_valid():
        return _telegram(request, form=form)
    telegram_link_choose(user=request.user, events=set(form.cleaned_data["events"]))
    if not request.htmx:
        messages.success(request, "Your Telegram notices are saved.")
        return redirect("studio:telegram")
    return _telegram(request, saved=True)


@require_POST
@seller_required
def telegram_disconnect(request: HttpRequest) -> HttpResponse:
    telegram_link_disconnect(user=request.user)
    if not request.htmx:
        messages.success(request, "Telegram is disconnected. Notices go by email only.")
        return redirect("studio:telegram")
    return _telegram(request)


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Updates from the shop's Telegram bot (setWebhook with TELEGRAM_WEBHOOK_SECRET as its
    secret_token). Every well-formed update answers 200, also one that does nothing:
    Telegram sends again whatever is not answered with a 2xx."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden("Unknown bot.")
    try:
        update = json.loads(request.body)
    except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth
        update = None
    if not isinstance(update, dict) or type(update.get("update_id")) is not int:
        logger.info("Telegram update refused: not an update")
        return HttpResponseBadRequest("Not an update.")
    if start := telegram.start_command(update):
        chat_id, token = start
        telegram_link_bind(token=token, chat_id=chat_id)
    elif (chat_id := telegram.blocked_chat(update)) is not None:
        telegram_chat_blocked(chat_id=chat_id)
    return HttpResponse()
