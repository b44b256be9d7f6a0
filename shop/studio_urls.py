from django.urls import path

from accounts.panels import STUDIO
from accounts.urls import panel_urls
from shop import studio

bound = {"panel": STUDIO}

urlpatterns = [
    path("", studio.products, bound, name="home"),
    path("products/new/", studio.product_new, bound, name="product_new"),
    path("products/<int:pk>/", studio.product_edit, bound, name="product"),
    path("products/<int:pk>/cover/", studio.cover, bound, name="cover"),
    path("products/<int:pk>/links/", studio.short_link_new, bound, name="short_link_new"),
    path(
        "products/<int:pk>/links/<int:link_id>/toggle/",
        studio.short_link_toggle,
        bound,
        name="short_link_toggle",
    ),
    path("products/<int:pk>/versions/new/", studio.version_new, bound, name="version_new"),
    path("products/<int:pk>/<str:name>/", studio.product_field, bound, name="product_field"),
    *panel_urls(STUDIO),
]
