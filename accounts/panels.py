"""The two panels, library (buyer) and studio (seller), and the decorator that puts a
shared account page inside whichever panel the user came from."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.http import HttpRequest, HttpResponse

from accounts.roles import CUSTOMER, GATES, SELLER, Role


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    role: Role
    template: str


LIBRARY = Panel("library", "Library", CUSTOMER, "accounts/panels/library.html")
STUDIO = Panel("studio", "Studio", SELLER, "accounts/panels/studio.html")


def panel_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Gate a shared page by its panel's role and hand the panel to the view.

    The panel comes from the URL the page was reached through (`accounts.urls.panel_urls`),
    so one view serves both panels and there is no route to it outside a panel.
    """

    @wraps(view)
    def in_panel(request: HttpRequest, *args, panel: Panel, **kwargs) -> HttpResponse:
        @GATES[panel.role]
        def gated(request: HttpRequest) -> HttpResponse:
            return view(request, *args, panel=panel, **kwargs)

        return gated(request)

    return in_panel
