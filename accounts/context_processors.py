from django.http import HttpRequest

from accounts.panels import places_for


def places(request: HttpRequest) -> dict:
    """The panels (and admin) the signed-in user's roles open, for the site navigation."""
    return {"places": places_for(request.user)}
