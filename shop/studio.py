"""The seller studio: a seller's own products, created and edited in place."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.panels import Panel, panel_page
from ops.htmx import wants_fragment
from shop import extensions
from shop.models import Product, ShortLink
from shop.services import (
    product_create,
    product_set_categories,
    product_set_cover,
    product_set_status,
    product_update,
    short_link_create,
    short_link_pending_visits,
    short_link_set_active,
    version_add,
)
from shop.studio_forms import (
    FIELD_FORMS,
    FIELD_LABELS,
    CoverForm,
    ProductCreateForm,
    ShortLinkForm,
    VersionForm,
    initial_for,
)


def _own_product(request: HttpRequest, pk: int) -> Product:
    return get_object_or_404(Product.objects.of_seller(request.user), pk=pk)


@require_safe
@panel_page
def products(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    visits_per_product = (
        ShortLink.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(total=Sum("visits"))
        .values("total")
    )
    own = (
        Product.objects.of_seller(request.user)
        .annotate(version_count=Count("versions", distinct=True))
        # A subquery, not a join: joined with versions, a sum counts each visit once per version.
        .annotate(visits=Subquery(visits_per_product, output_field=IntegerField()))
        .order_by("-created_at", "-pk")
    )
    return render(request, "shop/studio/products.html", {"panel": panel, "products": own})


@require_http_methods(["GET", "POST"])
@panel_page
def product_new(request: HttpRequest, *, panel: Panel) -> HttpResponse:
    form = ProductCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        product = product_create(seller=request.user, **form.cleaned_data)
        return redirect("studio:product", pk=product.pk)
    return render(request, "shop/studio/product_new.html", {"panel": panel, "form": form})


def _fields() -> list[dict]:
    return [{"name": name, "label": FIELD_LABELS[name], "editing": False} for name in FIELD_FORMS]


def _links_with_visits(product: Product) -> list[tuple[ShortLink, int]]:
    links = list(product.short_links.all())
    pending = short_link_pending_visits(links=links)
    return [(link, link.visits + pending[link.pk]) for link in links]


def _field_url(product: Product, name: str) -> str:
    return reverse("studio:product", kwargs={"pk": product.pk}) + f"#field-{name}"


@require_safe
@panel_page
def product_edit(request: HttpRequest, *, panel: Panel, pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    context = {
        "panel": panel,
        "product": product,
        "fields": _fields(),
        "links": _links_with_visits(product),
        "link_form": ShortLinkForm(),
        "versions": product.versions.annotate(file_count=Count("files")),
        "sections": extensions.studio_sections(request, product),
    }
    return render(request, "shop/studio/product_edit.html", context)


def _save(product: Product, name: str, form) -> None:
    if name == "categories":
        product_set_categories(product=product, categories=form.cleaned_data["categories"])
    elif name == "status":
        product_set_status(product=product, status=form.cleaned_data["status"])
    else:
        product_update(product=product, **form.changes())


def _focus(form) -> None:
    """Give `autofocus` to the first field in error, else the first field: htmx focuses it
    when the editor is swapped in, a browser when the editor is a page of its own."""
    name = next((name for name in form.fields if name in form.errors), next(iter(form.fields)))
    form.fields[name].widget.attrs["autofocus"] = True


@require_http_methods(["GET", "POST"])
@panel_page
def product_field(request: HttpRequest, *, panel: Panel, pk: int, name: str) -> HttpResponse:
    """One field of a product: GET shows its editor, POST saves it through a service.

    With htmx only the field's fragment travels, and a save brings along, out of band, the
    parts of the page drawn from the product (its heading, window title and short links);
    without JavaScript the editor is a page of its own and a save redirects back to the field.
    Either way the focus comes back to the field: its first input, or its Edit button."""
    if name not in FIELD_FORMS:
        raise Http404("No such field.")
    product = _own_product(request, pk)
    form_class = FIELD_FORMS[name]
    form = form_class(request.POST or None, initial=initial_for(product, name))
    editing, saved = True, False
    if request.method == "POST" and form.is_valid():
        try:
            _save(product, name, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                return redirect(_field_url(product, name))
            product.refresh_from_db()
            editing, saved = False, True
    elif request.method == "GET" and request.GET.get("cancel") is not None:
        editing = False
    if editing:
        _focus(form)
    field = {
        "name": name,
        "label": FIELD_LABELS[name],
        "editing": editing,
        "form": form,
        "focus": True,  # the field acted on gets the focus back when it is swapped in
    }
    context = {"panel": panel, "product": product, "field": field}
    template = "shop/studio/product_field.html"
    if saved:
        context["links"] = _links_with_visits(product)
        template = "shop/studio/product_edit.html#saved"
    elif wants_fragment(request):
        template = "shop/studio/product_edit.html#field"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@panel_page
def version_new(request: HttpRequest, *, panel: Panel, pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    form = VersionForm(request.POST or None, request.FILES or None, product=product)
    if request.method == "POST" and form.is_valid():
        try:
            version = version_add(product=product, **form.cleaned_data)
        except IntegrityError:
            form.add_error("label", "That version was just added. Choose another label.")
        else:
            messages.success(request, f"Version {version.label} is added.")
            return redirect("studio:product", pk=product.pk)
    context = {"panel": panel, "product": product, "form": form}
    return render(request, "shop/studio/version_new.html", context)


@require_http_methods(["GET", "POST"])
@panel_page
def cover(request: HttpRequest, *, panel: Panel, pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    form = CoverForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        product_set_cover(product=product, image=form.cleaned_data["cover"])
        messages.success(request, "The cover is updated.")
        return redirect("studio:product", pk=product.pk)
    return render(
        request, "shop/studio/cover.html", {"panel": panel, "product": product, "form": form}
    )


@require_POST
@panel_page
def short_link_new(request: HttpRequest, *, panel: Panel, pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    form = ShortLinkForm(request.POST)
    if form.is_valid():
        link = short_link_create(product=product, label=form.cleaned_data["label"])
        messages.success(request, f"Short link {link.code} is ready.")
    else:
        messages.error(request, f"No short link: {' '.join(form.errors['label'])}")
    return redirect("studio:product", pk=product.pk)


@require_POST
@panel_page
def short_link_toggle(request: HttpRequest, *, panel: Panel, pk: int, link_id: int) -> HttpResponse:
    product = _own_product(request, pk)
    link = get_object_or_404(product.short_links, pk=link_id)
    short_link_set_active(link=link, active=not link.is_active)
    return redirect("studio:product", pk=product.pk)
