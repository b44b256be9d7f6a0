"""Where higher apps add to shop pages without shop importing them (DESIGN: imports flow one
way; a lower app exposes an explicit, synchronous registration point, never a signal).

- The product page's offers: each app's part of who may get the product, and how (access:
  downloads for an owner, "Add to library" for a free product; billing: Buy), shown together.
- Sections of a product's studio page: figures the seller sees (owners and downloads).

Each is a function `(request, product) -> str` (safe HTML) registered once, at app start.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from shop.models import Product

Renderer = Callable[[HttpRequest, Product], str]

_offers: list[Renderer] = []
_studio_sections: list[Renderer] = []


def register_offer(render: Renderer) -> None:
    """An app's part of the product page's offer, or "" when it has nothing to offer this
    visitor; shown in the order registered (the layer order: access before billing)."""
    if render not in _offers:
        _offers.append(render)


def register_studio_section(render: Renderer) -> None:
    if render not in _studio_sections:
        _studio_sections.append(render)


def offers(request: HttpRequest, product: Product) -> list[SafeString]:
    found = (render(request, product).strip() for render in _offers)
    return [mark_safe(html) for html in found if html]  # noqa: S308 - renderers return escaped template output


def studio_sections(request: HttpRequest, product: Product) -> list[SafeString]:
    return [mark_safe(render(request, product)) for render in _studio_sections]  # noqa: S308 - as above
