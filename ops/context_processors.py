from django.conf import settings
from django.http import HttpRequest

from ops.maintenance import staff_banner


def site(request: HttpRequest) -> dict:
    return {"site_name": settings.SITE_NAME}


def maintenance(request: HttpRequest) -> dict:
    """The state for the staff banner (base.html, the admin), while the shop is closed."""
    return {"maintenance_banner": staff_banner(request)}
