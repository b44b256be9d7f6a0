from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("products/", views.catalog, name="catalog"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
]
