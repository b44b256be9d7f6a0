"""The two panels, library (buyer) and studio (seller), and the decorator that puts a
shared account page inside whichever panel the user came from."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.roles import CUSTOMER, GATES, SELLER, STAFF, Role


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    role: Role
    template: str

    @property
    def url(self) -> str:
        return reverse(f"{self.key}:home")


@dataclass(frozen=True)
class Admin:
    key: str = "admin"
    title: str = "Admin"
    role: Role = STAFF

    @property
    def url(self) -> str:
        return reverse("admin:index")


LIBRARY = Panel("library", "Library", CUSTOMER, "accounts/panels/library.html")
STUDIO = Panel("studio", "Studio", SELLER, "accounts/panels/studio.html")
ADMIN = Admin()


def places_for(user, *, order: tuple = (LIBRARY, STUDIO, ADMIN)) -> list[Panel | Admin]:
    """The places the user's roles open, in `order` (the navigation's by default)."""
    return [place for place in order if place.role.held_by(user)]


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
