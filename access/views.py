from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from access.downloads import download_log, file_response
from access.library import LIBRARY_TTL, entry_links, library_scopes
from access.models import Download, PurchasedProduct
from access.selectors import owned_file, owned_purchase
from access.services import access_grant
from accounts.panels import Panel, panel_page
from accounts.roles import customer_required
from ops.htmx import wants_fragment
from ops.pagecache import cache_page_in
from shop.models import Product, ProductFile, ProductVersion

LIBRARY_PAGE_SIZE = 20


def offer(request: HttpRequest, product: Product) -> str:
    """Access's part of the product page's offer: downloads for an owner, "Add to library"
    for a free product; nothing for a paid product the visitor does not own (billing sells)."""
    purchase = owned_purchase(user=request.user, product_id=product.pk)
    if purchase is None and not product.is_free:
        return ""
    latest = product.versions.prefetch_related("files").first() if purchase else None
    context = {"product": product, "purchase": purchase, "latest": latest}
    return render_to_string("access/call_to_action.html", context, request)


def studio_owners(request: HttpRequest, product: Product) -> str:
    """The seller's figures for one product: active owners and downloads."""
    owners = PurchasedProduct.objects.active().filter(product=product)
    context = {
        "owner_count": owners.count(),
        "download_count": Download.objects.filter(product=product).count(),
        "recent_owners": owners.select_related("user").order_by("-granted_at")[:10],
    }
    return render_to_string("access/studio_owners.html", context, request)


@require_POST
def add_to_library(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.published(), pk=pk, price=0)
    if not request.user.is_authenticated:
        return redirect_to_login(product_url(product))
    return _add(request, product)


@customer_required
def _add(request: HttpRequest, product: Product) -> HttpResponse:
    access_grant(user=request.user, product=product, source="free", via="free product")
    return redirect(product_url(product))


def product_url(product: Product) -> str:
    return reverse("shop:product", args=[product.slug])


def _library_purchases(user, *, q: str, updates_only: bool):
    latest = ProductVersion.objects.filter(product=OuterRef("product")).order_by(
        "-released_at", "-pk"
    )
    purchases = (
        PurchasedProduct.objects.owned_by(user)
        .select_related("product__seller")
        .defer("product__description", "product__search_document", "product__seller__password")
        .annotate(
            latest_version_id=Subquery(latest.values("pk")[:1]),
            latest_release=Subquery(latest.values("released_at")[:1]),
        )
        .order_by("-granted_at", "-pk")
    )
    if q:
        purchases = purchases.filter(
            Q(product__title__icontains=q) | Q(product__tagline__icontains=q)
        )
    if updates_only:
        purchases = purchases.filter(latest_release__gt=F("last_downloaded_at"))
    return purchases


def _library_entries(request: HttpRequest, page) -> list[dict]:
    """Each purchase on the page with its latest version and that version's files, and what
    higher apps link to from it; two queries for the whole page, and one for each such app."""
    versions = ProductVersion.objects.in_bulk(
        [p.latest_version_id for p in page.object_list if p.latest_version_id]
    )
    files = {}
    for file in ProductFile.objects.filter(version__in=versions.keys()):
        files.setdefault(file.version_id, []).append(file)
    links = entry_links(request, list(page.object_list))
    return [
        {
            "purchase": purchase,
            "product": purchase.product,
            "latest": versions.get(purchase.latest_version_id),
            "files": files.get(purchase.latest_version_id, []),
            "links": links.get(purchase.pk, []),
            "update_available": bool(
                purchase.latest_release
                and purchase.last_downloaded_at
                and purchase.latest_release > purchase.last_downloaded_at
            ),
        }
        for purchase in page.object_list
    ]


@require_safe
@vary_on_headers("HX-Request")
@panel_page
@cache_page_in(library_scopes, LIBRARY_TTL, signed_in=True)
def library(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    updates_only = request.GET.get("updates") == "1"
    purchases = _library_purchases(request.user, q=q, updates_only=updates_only)
    page = Paginator(purchases, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "panel": panel,
        "page": page,
        "entries": _library_entries(request, page),
        "q": q,
        "updates": updates_only,
    }
    template = "access/library.html#entries" if wants_fragment(request) else "access/library.html"
    return render(request, template, context)


@require_safe
@panel_page
def library_product(request: HttpRequest, slug: str, *, panel: Panel) -> HttpResponse:
    """Every version of an owned product, each with its files."""
    purchase = get_object_or_404(
        PurchasedProduct.objects.owned_by(request.user).select_related("product"),
        product__slug=slug,
    )
    versions = purchase.product.versions.prefetch_related("files")
    context = {"panel": panel, "purchase": purchase, "product": purchase.product}
    return render(request, "access/library_product.html", context | {"versions": versions})


@require_safe
def download(request: HttpRequest, file_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    file = owned_file(user=request.user, file_id=file_id)
    if file is None:
        return _dead_download(request)
    download_log(request, file)
    return file_response(file)


def _dead_download(request: HttpRequest) -> HttpResponse:
    # Rendered here rather than raised: with DEBUG on (`make run`, the demo) Django would show
    # its technical 404 page, and an old link from an email is something a buyer meets.
    return render(request, "access/download_missing.html", status=404)
