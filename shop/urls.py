from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("products/", views.catalog, name="catalog"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
    path("s/<str:code>", views.short_link, name="short_link"),
]
