"""The two panels, library (buyer) and studio (seller), and the decorator that puts a
shared account page inside whichever panel the user came from."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.roles import CUSTOMER, GATES, SELLER, STAFF, Role


@dataclass(frozen=True)
class PanelPage:
    """A page added to panels by a higher app: billing's order history to the library, its
    sales figures and sales list to the studio."""

    route: str
    view: Callable[..., HttpResponse]
    name: str
    label: str
    panels: tuple[str, ...] = ("library", "studio")
    # A setting of the account (Telegram), listed last, beside Profile and Password.
    account: bool = False


# The explicit registration point for pages higher apps add to every panel (DESIGN: a lower
# app never imports a higher one). Filled in AppConfig.ready, read when URLs load.
PANEL_PAGES: list[PanelPage] = []


def register_panel_page(page: PanelPage) -> None:
    if page not in PANEL_PAGES:
        PANEL_PAGES.append(page)


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    role: Role
    template: str

    @property
    def url(self) -> str:
        return reverse(f"{self.key}:home")

    @property
    def extra_pages(self) -> list[tuple[str, str]]:
        """(label, URL) of the registered pages, for the panel's navigation."""
        return [(page.label, reverse(f"{self.key}:{page.name}")) for page in self.pages]

    @property
    def pages(self) -> list[PanelPage]:
        """The registered pages this panel carries: its own (the studio's sales and inbox, the
        library's orders), then those it shares with the other panel (a seller's own support
        requests, as a buyer), then the account's settings; each group in the order the apps
        registered them."""
        pages = [page for page in PANEL_PAGES if self.key in page.panels]
        return sorted(pages, key=lambda page: (page.account, page.panels != (self.key,)))


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


def own_panel(user) -> Panel | None:
    """The panel a shared account page opens in when reached from outside one (allauth's
    own URLs): the studio for sellers, the library for customers, none for staff only."""
    return next(iter(places_for(user, order=(STUDIO, LIBRARY))), None)


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
