from django.http import HttpRequest

from accounts.panels import LIBRARY, STUDIO, places_for


def places(request: HttpRequest) -> dict:
    """The panels (and admin) the signed-in user's roles open, for the site navigation."""
    opened = places_for(request.user)
    # The nav reads library first; landing order (studio first) is for after sign-in.
    nav_order = {LIBRARY.key: 0, STUDIO.key: 1}
    return {"places": sorted(opened, key=lambda place: nav_order.get(place.key, 2))}
