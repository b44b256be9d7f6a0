from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from ops.htmx import wants_fragment
from ops.pagecache import cache_anonymous_page
from shop import extensions
from shop.catalog import PAGES, PAGES_TTL, catalog_page
from shop.forms import CatalogFilterForm
from shop.markdown import render_markdown
from shop.models import Product
from shop.services import short_link_visit


@cache_anonymous_page(PAGES, PAGES_TTL)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    listed = Product.objects.published().select_related("seller")
    context = {
        "featured": listed.filter(featured=True)[:4],
        "newest": listed.order_by("-published_at", "-pk")[:8],
    }
    return render(request, "shop/home.html", context)


@cache_anonymous_page(PAGES, PAGES_TTL)
@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    filters = form.filters()
    page = catalog_page(
        filters=filters,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    context = {
        "form": form,
        "page": page,
        "q": filters["q"],
        # A filter beyond the search box is on: its fold opens on small screens too.
        "narrowed": bool(filters["categories"]) or "min_price" in filters or "max_price" in filters,
    }
    template = "shop/catalog.html"
    if wants_fragment(request):
        # The results, and the filters drawn again from the same query (out of band).
        template += "#update"
    return render(request, template, context)


@cache_anonymous_page(PAGES, PAGES_TTL)
@require_safe
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(
        Product.objects.visible_to(request.user).select_related("seller"), slug=slug
    )
    latest = product.versions.prefetch_related("files").first()
    context = {
        "product": product,
        "description": render_markdown(product.description),
        "categories": product.categories.all(),
        "latest": latest,
        "files": latest.files.all() if latest else [],
        "changelog": render_markdown(latest.changelog) if latest else "",
        "offers": extensions.offers(request, product),
    }
    return render(request, "shop/product.html", context)


@require_safe
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    url = short_link_visit(code=code)
    if url is None:
        raise Http404("No such link.")
    return HttpResponseRedirect(url)
