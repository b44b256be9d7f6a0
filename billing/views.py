import logging
import time

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from access.selectors import user_owns
from accounts.panels import Panel, panel_page
from accounts.roles import customer_required
from billing.forms import SalesRangeForm
from billing.models import Order
from billing.providers import ProviderError, dev, get_provider
from billing.sales import (
    SALES_TTL,
    SaleFilter,
    presets,
    sale_page,
    sales_csv,
    sales_report,
    sales_scopes,
    seller_sales,
)
from billing.services import (
    OrderRefused,
    RefundRefused,
    order_buy,
    order_cancel,
    order_record_checkout,
    order_refund_request,
    webhook_process,
    webhook_store,
)
from billing.webhooks import InvalidWebhook, verify
from ops.htmx import wants_fragment
from ops.pagecache import cache_page_in
from shop.models import Product

logger = logging.getLogger(__name__)
ORDERS_PAGE_SIZE = 25
# How long the return page asks for news of a payment before it says it is still waiting.
RETURN_POLL_SECONDS = 120


def offer(request: HttpRequest, product: Product) -> str:
    """Billing's part of the product page's offer: Buy, for a paid product the visitor does not
    own (access shows an owner their downloads) and does not sell."""
    if product.is_free or product.seller_id == request.user.pk:
        return ""
    if user_owns(user=request.user, product=product):
        return ""
    return render_to_string("billing/buy.html", {"product": product}, request)


def _own_order(request: HttpRequest, public_id) -> Order:
    return get_object_or_404(
        Order.objects.select_related("product"), buyer=request.user, public_id=public_id
    )


@require_POST
def buy(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.published(), pk=pk, price__gt=0)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("shop:product", args=[product.slug]))
    return _buy(request, product)


@customer_required
def _buy(request: HttpRequest, product: Product) -> HttpResponse:
    if user_owns(user=request.user, product=product):
        messages.info(request, f"{product.title} is already in your library.")
        return redirect("library:home")
    try:
        order = order_buy(buyer=request.user, product=product, provider=get_provider().name)
    except OrderRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("shop:product", product.slug)
    return redirect("billing:checkout", order.public_id)


def _open_checkout_url(order: Order) -> str:
    """The provider's checkout the order was last sent to, while the provider keeps it open."""
    if not (order.checkout_url and order.checkout_opened_at):
        return ""
    lifetime = get_provider(order.provider).checkout_lifetime
    return order.checkout_url if timezone.now() - order.checkout_opened_at < lifetime else ""


def _repriced(order: Order) -> bool:
    # A new checkout charges a product at its price today (the provider's twin of it).
    product = order.product
    return order.is_for_product and (order.amount, order.currency) != (
        product.price,
        product.currency,
    )


@require_http_methods(["GET", "POST"])
@customer_required
def checkout(request: HttpRequest, public_id) -> HttpResponse:
    """The order summary; "Continue to payment" sends the buyer to the provider: to the
    checkout this order opened there, while it is open, or to a new one."""
    order = _own_order(request, public_id)
    if order.status != Order.Status.PENDING:
        return redirect("billing:order_return", order.public_id)
    if request.method == "POST":
        if url := _open_checkout_url(order):
            return redirect(url)
        if _repriced(order):
            messages.error(
                request,
                f"The price of {order.product.title} has changed since this order was started. "
                "Cancel it and buy again at today's price.",
            )
            return render(request, "billing/checkout.html", {"order": order})
        return_url = request.build_absolute_uri(
            reverse("billing:order_return", args=[order.public_id])
        )
        try:
            checkout = get_provider().start_checkout(order, return_url=return_url)
        except ProviderError:
            logger.warning("checkout failed for %s", order.public_id, exc_info=True)
            messages.error(
                request, "The payment service did not answer. Nothing was charged; try again."
            )
        else:
            order_record_checkout(order=order, session_id=checkout.session_id, url=checkout.url)
            return redirect(checkout.url)
    return render(request, "billing/checkout.html", {"order": order})


def _poll_started(request: HttpRequest) -> int:
    """When this visit to the return page began asking (`since`, in Unix seconds, carried by
    its polls); now for a first visit, and for a value that is not a time already past."""
    now = int(time.time())
    try:
        since = int(request.GET.get("since", ""))
    except ValueError:
        return now
    return since if 0 < since <= now else now


@require_safe
@customer_required
def order_return(request: HttpRequest, public_id) -> HttpResponse:
    """Where the provider sends the buyer back. It never grants anything: it shows what the
    webhook has recorded, and htmx polls it for RETURN_POLL_SECONDS, while the order waits
    for a payment, after which it says so and offers to check again, pay again or cancel."""
    order = _own_order(request, public_id)
    since = _poll_started(request) if wants_fragment(request) else int(time.time())
    # A payment can only be on its way after a trip to the provider's checkout.
    confirming = order.status == Order.Status.PENDING and bool(order.checkout_session_id)
    template = "billing/return.html"
    if wants_fragment(request):
        template += "#status"
    context = {
        "order": order,
        "polling": confirming and time.time() - since < RETURN_POLL_SECONDS,
        "since": since,
        "dev_refund": get_provider().name == "dev" and order.status == Order.Status.PAID,
    }
    return render(request, template, context)


@require_POST
@customer_required
def cancel(request: HttpRequest, public_id) -> HttpResponse:
    """The buyer cancels a pending order. From the return page's htmx form its status part
    comes back, in place; otherwise the buyer goes back to `next` (the orders page) or to the
    order, with a message."""
    order = _own_order(request, public_id)
    cancelled = order_cancel(order=order)
    order.refresh_from_db(fields=["status", "updated_at"])
    if wants_fragment(request):
        return render(request, "billing/return.html#status", {"order": order})
    if cancelled:
        messages.success(request, f"Order for {order.title} cancelled. Nothing was charged.")
    else:
        status = order.get_status_display().lower()
        messages.error(request, f"This order is {status}: it cannot be cancelled.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("billing:order_return", order.public_id)


def _webhook_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("billing:dodo_webhook"))


def _dev_order(request: HttpRequest, public_id) -> Order:
    order = _own_order(request, public_id)
    if get_provider().name != "dev" or order.provider != "dev":
        raise Http404("The dev provider is off.")
    return order


@require_http_methods(["GET", "POST"])
@customer_required
def dev_checkout(request: HttpRequest, public_id) -> HttpResponse:
    """The dev provider's hosted checkout: Pay or Decline send a signed webhook, as Dodo would."""
    order = _dev_order(request, public_id)
    if request.method == "POST" and order.status == Order.Status.PENDING:
        kind = "payment.succeeded" if "pay" in request.POST else "payment.failed"
        _, body = dev.payment_event(order, kind)
        try:
            dev.send(_webhook_url(request), body)
        except ProviderError as error:
            messages.error(request, f"The dev provider could not report the payment: {error}.")
        return redirect("billing:order_return", order.public_id)
    return render(request, "billing/dev_checkout.html", {"order": order})


@require_POST
@customer_required
def dev_refund(request: HttpRequest, public_id) -> HttpResponse:
    """Dev only: the buyer refunds a paid order, through the same request staff make."""
    order = _dev_order(request, public_id)
    try:
        order_refund_request(
            order_id=order.pk,
            reason="Refunded by the buyer (dev provider)",
            actor=request.user,
            webhook_url=_webhook_url(request),
        )
    except (RefundRefused, ProviderError) as error:
        messages.error(request, f"No refund: {error}.")
    return redirect("billing:order_return", order.public_id)


@csrf_exempt  # a provider's server posts here; the Standard Webhooks signature is the check
@require_POST
def dodo_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = verify(request.body, dict(request.headers))
    except InvalidWebhook as error:
        logger.info("webhook refused: %s", error)
        return HttpResponseBadRequest("Invalid webhook.")
    stored, _ = webhook_store(
        webhook_id=request.headers["webhook-id"], event=event, body=request.body.decode()
    )
    # A database error from here on answers 500 and rolls the processing back: the provider
    # retries, and the stored event is applied then.
    webhook_process(event_id=stored.pk, payment_id=stored.payment_id)
    return HttpResponse(status=204)


@require_safe
@vary_on_headers("HX-Request")
@panel_page
@cache_page_in(sales_scopes, SALES_TTL, signed_in=True)
def sales(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    """The seller's sales, refunds and owners over a range of days, with a chart."""
    form = SalesRangeForm(request.GET)
    report = None
    if form.is_valid():
        start, end = form.range()
        report = sales_report(seller_id=request.user.pk, start=start, end=end)
    context = {
        "panel": panel,
        "form": form,
        "report": report,
        "presets": presets(timezone.localdate()),
    }
    template = "billing/sales.html"
    if wants_fragment(request):
        template += "#report"
    return render(request, template, context)


@require_safe
@vary_on_headers("HX-Request")
@panel_page
def sale_list(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    """The seller's sales one by one, newest first, filtered by product and status; as CSV
    with `format=csv`. Not cached: a page is one query for its rows, and it is always now."""
    form = SaleFilter(request.GET, seller_id=request.user.pk)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        sales = seller_sales(
            seller_id=request.user.pk, product_id=data["product"], status=data["status"]
        )
        if data["format"] == "csv":
            return sales_csv(sales, filename=f"sales-{timezone.localdate():%Y-%m-%d}.csv")
        page = sale_page(sales, after=data["after"], before=data["before"])
    template = "billing/sale_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, {"panel": panel, "form": form, "page": page})


@require_safe
@panel_page
def orders(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    """The signed-in user's own orders, in the library (sellers who also buy find theirs
    there; the studio has their sales instead)."""
    page = Paginator(
        Order.objects.filter(buyer=request.user)
        .select_related("product")
        .order_by("-created_at", "-pk"),
        ORDERS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "billing/orders.html", {"panel": panel, "page": page})
