"""The buyer's side of support: the product page's way in, opening a request, the list of
one's requests (in both panels) and a request's thread; and the files attached to messages,
for the buyer, the seller and staff alike. The seller's inbox is support.inbox.

Every write goes through support.services; a refusal is its sentence, shown where the buyer
asked, and nothing is written."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from access.downloads import private_file_response
from access.models import PurchasedProduct
from access.selectors import owned_purchase
from accounts.models import User
from accounts.panels import Panel, panel_page
from accounts.roles import CUSTOMER, customer_required
from ops.htmx import wants_fragment
from ops.pagecache import cache_page_in
from shop.models import Product
from support.forms import MessageForm, RequestOpenForm
from support.models import SupportAttachment, SupportOffer, SupportRequest
from support.pages import SUPPORT_TTL, buyer_scopes
from support.services import (
    SupportRefused,
    included_until,
    message_post,
    request_close,
    request_open_included,
    request_payment_order,
    request_resolve,
    request_start_paid,
    support_offer,
)

REQUESTS_PAGE_SIZE = 25
THREAD = "support/thread.html"


def _active_request(user: User, product: Product) -> SupportRequest | None:
    return SupportRequest.objects.of_buyer(user).active().filter(product=product).first()


def _included(product: Product, purchase: PurchasedProduct) -> tuple:
    """(when the support included with the purchase ends or None, whether it still lasts)."""
    until = included_until(offer=support_offer(product=product), purchase=purchase)
    return until, bool(until and timezone.now() <= until)


def offer(request: HttpRequest, product: Product) -> str:
    """Support's part of the product page's offer, for an owner: their active request, or a
    new one while the support included with their purchase lasts, or one to buy when the
    seller sells support; nothing otherwise."""
    if not CUSTOMER.held_by(request.user):
        return ""
    purchase = owned_purchase(user=request.user, product_id=product.pk)
    if purchase is None:
        return ""
    active = _active_request(request.user, product)
    until, lasts = (None, False) if active else _included(product, purchase)
    price = 0 if active or lasts else support_offer(product=product).price
    if not (active or lasts or price):
        return ""
    context = {"product": product, "active": active, "until": until, "price": price}
    return render_to_string("support/offer.html", context, request)


def library_links(request: HttpRequest, purchases: list) -> dict[int, list[tuple[str, str]]]:
    """Support's links on a page of the buyer's library (access.library): the active request,
    or a new one where the offer allows it now; two queries for the page."""
    products = [purchase.product_id for purchase in purchases]
    active = dict(
        SupportRequest.objects.of_buyer(request.user)
        .active()
        .filter(product__in=products)
        .values_list("product_id", "pk")
    )
    offers = {o.product_id: o for o in SupportOffer.objects.filter(product__in=products)}
    now = timezone.now()
    links = {}
    for purchase in purchases:
        if purchase.product_id in active:
            url = reverse("support:thread", args=[active[purchase.product_id]])
            links[purchase.pk] = [("Your support request", url)]
            continue
        offer = offers.get(purchase.product_id)
        until = offer and included_until(offer=offer, purchase=purchase)
        if offer and (offer.price or (until and now <= until)):
            url = reverse("support:new", args=[purchase.product.slug])
            links[purchase.pk] = [("Get support", url)]
    return links


@require_http_methods(["GET", "POST"])
@customer_required
def request_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A new request on the support included with the buyer's purchase of the product."""
    product = get_object_or_404(Product, slug=slug)
    purchase = owned_purchase(user=request.user, product_id=product.pk)
    if purchase is None:
        raise Http404("No such product in your library.")
    until, lasts = _included(product, purchase)
    # Included support while it lasts; after that, bought per request if the seller sells it.
    price = 0 if lasts else support_offer(product=product).price
    form = RequestOpenForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fields = {
            "buyer": request.user,
            "product": product,
            "subject": form.cleaned_data["subject"],
            "body": form.cleaned_data["body"],
            "files": form.cleaned_data["files"],
        }
        try:
            opened = request_start_paid(**fields) if price else request_open_included(**fields)
        except SupportRefused as refusal:
            form.add_error(None, refusal)
        else:
            if opened.status == SupportRequest.Status.AWAITING_PAYMENT:
                url = reverse("billing:checkout", args=[opened.order.public_id])
            else:
                url = reverse("support:thread", args=[opened.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    active = _active_request(request.user, product)
    context = {
        "product": product,
        "form": form,
        "active": active,
        "until": until,
        "price": price,
        "can_open": (lasts or bool(price)) and not active,
    }
    template = "support/new.html"
    if wants_fragment(request):
        template += "#open-form"
    return render(request, template, context)


@require_safe
@vary_on_headers("HX-Request")
@panel_page
@cache_page_in(buyer_scopes, SUPPORT_TTL, signed_in=True)
def requests(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    """The signed-in user's own support requests, latest message first, in whichever panel
    they came from (a seller who buys asks for support too)."""
    support_requests = (
        SupportRequest.objects.of_buyer(request.user)
        .select_related("product")
        .defer("product__description", "product__search_document")
        .order_by("-last_message_at", "-pk")
    )
    page = Paginator(support_requests, REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "support/requests.html"
    if wants_fragment(request):
        template += "#requests"
    return render(request, template, {"panel": panel, "page": page})


def _own_request(request: HttpRequest, pk: int) -> SupportRequest:
    """The signed-in buyer's request, or 404: a seller reads theirs in the inbox."""
    return get_object_or_404(
        SupportRequest.objects.of_buyer(request.user).select_related("product__seller"), pk=pk
    )


def _thread(
    request: HttpRequest, support_request: SupportRequest, form: MessageForm, refusal: str = ""
) -> HttpResponse:
    context = {
        "support_request": support_request,
        "thread_messages": support_request.messages.prefetch_related("attachments"),
        "form": form,
        "refusal": refusal,
    }
    template = THREAD
    if wants_fragment(request):
        template += "#thread"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@customer_required
@cache_page_in(buyer_scopes, SUPPORT_TTL, signed_in=True)
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    """A request's messages in order, with the buyer's reply form while it is open."""
    support_request = _own_request(request, pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_post(
                request=support_request,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except SupportRefused as refusal:
            # Ended meanwhile (by the seller, or in another tab): the thread as it now is.
            return _thread(request, _own_request(request, pk), form, refusal=refusal.message)
        if not request.htmx:
            return redirect("support:thread", pk)
        support_request, form = _own_request(request, pk), MessageForm()
    return _thread(request, support_request, form)


def _end(request: HttpRequest, pk: int, end, done: str) -> HttpResponse:
    """Close or resolve: htmx gets the thread as it now is, a plain form post/redirect/get."""
    support_request = _own_request(request, pk)
    try:
        end(request=support_request, actor=request.user)
    except SupportRefused as refusal:
        if request.htmx:
            return _thread(request, support_request, MessageForm(), refusal=refusal.message)
        messages.error(request, refusal.message)
    else:
        if request.htmx:
            return _thread(request, _own_request(request, pk), MessageForm())
        messages.success(request, done)
    return redirect("support:thread", pk)


def _close_by_buyer(*, request: SupportRequest, actor: User) -> SupportRequest:
    return request_close(request=request, actor=actor, reason="closed by the buyer")


@require_POST
@customer_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, _close_by_buyer, "Your request is closed.")


@require_POST
@customer_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, request_resolve, "Your request is marked resolved.")


@require_POST
@customer_required
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """On to the checkout of a request awaiting payment (a new order if the last one failed)."""
    support_request = _own_request(request, pk)
    try:
        order = request_payment_order(request=support_request)
    except SupportRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("support:thread", pk)
    return redirect("billing:checkout", order.public_id)


@require_safe
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A file attached to a message: for the request's buyer (revoked access or not, the thread
    is theirs), the product's seller and staff; 404 for anyone else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attached = get_object_or_404(SupportAttachment.objects.readable_by(request.user), pk=pk)
    return private_file_response(
        attached.file,
        name=attached.original_name,
        content_type=attached.content_type,
        size=attached.size,
    )
