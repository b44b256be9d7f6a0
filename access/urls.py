from django.urls import path

from access import views
from accounts.panels import LIBRARY
from accounts.urls import panel_urls

bound = {"panel": LIBRARY}

urlpatterns = [
    path("", views.library, bound, name="home"),
    path("add/<int:pk>/", views.add_to_library, name="add"),
    path("p/<slug:slug>/", views.library_product, bound, name="product"),
    *panel_urls(LIBRARY),
]
