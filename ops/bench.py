from django.http import HttpRequest, HttpResponse
from django.template import engines

_TEMPLATE = engines["django"].from_string("<!doctype html><title>ok</title><p>{{ word }}</p>")


def baseline(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the smallest Django view rendering a minimal template,
    served by the same process and middleware as every other page."""
    return HttpResponse(_TEMPLATE.render({"word": "baseline"}))
