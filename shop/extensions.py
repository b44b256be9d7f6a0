"""Where higher apps add to shop pages without shop importing them (DESIGN: imports flow one
way; a lower app exposes an explicit, synchronous registration point, never a signal).

- The product page's call-to-action: who may get the product, and how (access, billing).
- Sections of a product's studio page: figures the seller sees (owners and downloads).

Each is a function `(request, product) -> str` (safe HTML) registered once, at app start.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from shop.models import Product

Renderer = Callable[[HttpRequest, Product], str]

_call_to_action: list[Renderer] = []
_studio_sections: list[Renderer] = []


def register_call_to_action(render: Renderer) -> None:
    """The last registered wins: a higher app (billing) takes over from a lower one (access)."""
    _call_to_action.append(render)


def register_studio_section(render: Renderer) -> None:
    if render not in _studio_sections:
        _studio_sections.append(render)


def call_to_action(request: HttpRequest, product: Product) -> SafeString:
    return mark_safe(_call_to_action[-1](request, product))  # noqa: S308 - renderers return escaped template output


def studio_sections(request: HttpRequest, product: Product) -> list[SafeString]:
    return [mark_safe(render(request, product)) for render in _studio_sections]  # noqa: S308 - as above
