"""The shop's URLs with local media served, as config.urls has them with DEBUG on (tests run
with it off)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as shop

urlpatterns = [
    *shop,
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
