"""The seller's support inbox in the studio: requests on their products, the one waiting
longest first, each answered, resolved or closed in place; free requests granted to owners."""

import statistics
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from accounts.panels import STUDIO, Panel, panel_page
from accounts.roles import seller_required
from ops.htmx import wants_fragment
from ops.pagecache import cache_page_in
from shop.models import Product
from support.forms import AttachmentsField
from support.models import SupportRequest
from support.pages import SUPPORT_TTL, inbox_scopes
from support.services import (
    MAX_BODY,
    SupportRefused,
    message_post,
    request_close,
    request_grant,
    request_resolve,
)

PAGE_SIZE = 25
FIGURES_DAYS = 30
S = SupportRequest.Status
# Waiting on the seller first, then waiting on the buyer, then the rest; the oldest first.
WAITING_FIRST = Case(
    When(status=S.OPEN, then=Value(0)),
    When(status=S.ANSWERED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class InboxFilter(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Waiting or answered"), ("all", "All"), *S.choices],
    )
    product = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    funding = forms.ChoiceField(
        required=False, choices=[("", "Any funding"), *SupportRequest.Funding.choices]
    )
    q = forms.CharField(required=False, max_length=100, label="Search")

    def __init__(self, *args, seller: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only products asked about (a seller may sell thousands), rendered as a plain list by
        # the page: Django's widget renders each option through a template of its own.
        asked = SupportRequest.objects.of_seller(seller).values("product")
        self.products = list(
            Product.objects.filter(pk__in=asked).order_by("title").values_list("pk", "title")
        )
        self.fields["product"].choices = [("", "Any product"), *self.products]

    def product_options(self) -> str:
        chosen = str(self["product"].value() or "")
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((pk, " selected" if str(pk) == chosen else "", title) for pk, title in self.products),
        )

    def apply(self, requests):
        status, product = self.cleaned_data["status"], self.cleaned_data["product"]
        funding, q = self.cleaned_data["funding"], self.cleaned_data["q"].strip()
        if status == "":
            requests = requests.filter(status__in=(S.OPEN, S.ANSWERED))
        elif status != "all":
            requests = requests.filter(status=status)
        if product:
            requests = requests.filter(product_id=product)
        if funding:
            requests = requests.filter(funding=funding)
        if q:
            requests = requests.filter(
                Q(subject__icontains=q)
                | Q(buyer__name__icontains=q)
                | Q(product__title__icontains=q)
            )
        return requests


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your answer", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = AttachmentsField()


class GrantForm(forms.Form):
    """On the product's studio page (support.offers): a free request for one of its owners."""

    email = forms.EmailField(label="Owner's email")
    reason = forms.CharField(max_length=200, help_text="Kept on the request.")


def inbox_figures(*, seller: User) -> dict:
    """Requests waiting on the seller, and the median time to a first answer over the last
    FIGURES_DAYS days; two queries."""
    mine = SupportRequest.objects.of_seller(seller)
    since = timezone.now() - timedelta(days=FIGURES_DAYS)
    answered = mine.filter(opened_at__gte=since, first_answer_at__isnull=False).values_list(
        "opened_at", "first_answer_at"
    )
    waits = [first - opened for opened, first in answered]
    return {
        "waiting": mine.filter(status=S.OPEN).count(),
        "median_first_answer": _in_words(statistics.median(waits)) if waits else "",
        "days": FIGURES_DAYS,
    }


def _in_words(wait: timedelta) -> str:
    minutes = round(wait.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{round(hours / 24)} days"


@require_safe
@vary_on_headers("HX-Request")
@panel_page
@cache_page_in(inbox_scopes, SUPPORT_TTL, signed_in=True)
def inbox(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    form = InboxFilter(request.GET, seller=request.user)
    requests = SupportRequest.objects.of_seller(request.user).select_related("buyer", "product")
    requests = form.apply(requests) if form.is_valid() else requests.none()
    page = Paginator(requests.order_by(WAITING_FIRST, "last_message_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"panel": panel, "form": form, "page": page}
    if wants_fragment(request):
        return render(request, "support/inbox.html#results", context)
    context["figures"] = inbox_figures(seller=request.user)
    return render(request, "support/inbox.html", context)


def _sellers_request(request: HttpRequest, pk: int) -> SupportRequest:
    return get_object_or_404(
        SupportRequest.objects.of_seller(request.user).select_related("buyer", "product"), pk=pk
    )


def _thread(request: HttpRequest, support_request: SupportRequest, form: ReplyForm, **extra):
    context = {
        "panel": STUDIO,
        "support_request": support_request,
        "thread": support_request.messages.select_related("author").prefetch_related("attachments"),
        "form": form,
        **extra,
    }
    template = "support/inbox_thread.html"
    if wants_fragment(request):
        template += "#thread"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@seller_required
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One request's thread, answered in place (htmx) or by post/redirect/get."""
    support_request = _sellers_request(request, pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_post(
                request=support_request,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except SupportRefused as refused:
            form.add_error(None, refused)
        else:
            if not wants_fragment(request):
                return redirect("inbox:thread", pk)
            support_request.refresh_from_db()
            form = ReplyForm()
    return _thread(request, support_request, form)


@require_POST
@seller_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = _sellers_request(request, pk)
    try:
        request_resolve(request=support_request, actor=request.user)
    except SupportRefused as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("inbox:thread", pk)


@require_POST
@seller_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = _sellers_request(request, pk)
    try:
        request_close(request=support_request, actor=request.user, reason="closed by the seller")
    except SupportRefused as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("inbox:thread", pk)


@require_POST
@seller_required
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    """A free request for an owner of one of the seller's products (from its studio page)."""
    product = get_object_or_404(Product.objects.of_seller(request.user), pk=pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        buyer = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        try:
            if buyer is None:
                raise SupportRefused("Support is for products in your library.")
            granted = request_grant(
                buyer=buyer, product=product, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except SupportRefused:
            # The same answer whether the address is unknown or does not own the product.
            form.add_error("email", "No owner of that product has this address.")
        else:
            messages.success(request, f"Support granted to {buyer.get_full_name()}.")
            return redirect("inbox:thread", granted.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("studio:product", pk=product.pk)
