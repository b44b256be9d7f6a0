"""The seller's support offer for a product, edited in place on the product's studio page (a
studio section: shop.extensions)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from accounts.panels import STUDIO
from accounts.roles import seller_required
from ops.htmx import wants_fragment
from shop.models import Product
from shop.studio_forms import PriceField
from support.inbox import GrantForm
from support.services import support_offer, support_offer_set


class OfferForm(forms.Form):
    included_days = forms.IntegerField(
        label="Support included for (days after purchase)",
        min_value=0,
        max_value=3650,
        initial=0,
        help_text="0 includes none.",
    )
    price = PriceField(label="Price of one support request", initial=0, help_text="0 sells none.")


def offer_section(request: HttpRequest, product: Product) -> str:
    offer = support_offer(product=product)
    form = OfferForm(initial={"included_days": offer.included_days, "price": offer.price / 100})
    context = {"product": product, "offer": offer, "form": form, "grant_form": GrantForm()}
    return render_to_string("support/offer_section.html", context, request)


@require_POST
@seller_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.of_seller(request.user), pk=pk)
    form = OfferForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            support_offer_set(
                product=product,
                included_days=form.cleaned_data["included_days"],
                price=form.cleaned_data["price"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not wants_fragment(request):
                return redirect("studio:product", pk=product.pk)
            saved = True
    context = {
        "panel": STUDIO,
        "product": product,
        "offer": support_offer(product=product),
        "form": form,
        "saved": saved,
        "grant_form": GrantForm(),
    }
    template = (
        "support/offer_section.html" if wants_fragment(request) else "support/offer_page.html"
    )
    return render(request, template, context, status=200 if wants_fragment(request) else 400)
