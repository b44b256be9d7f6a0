from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("buy/<int:pk>/", views.buy, name="buy"),
    path("orders/<uuid:public_id>/checkout/", views.checkout, name="checkout"),
    path("orders/<uuid:public_id>/", views.order_return, name="order_return"),
    path("orders/<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("dev/checkout/<uuid:public_id>/", views.dev_checkout, name="dev_checkout"),
    path("dev/refund/<uuid:public_id>/", views.dev_refund, name="dev_refund"),
    path("webhooks/dodo/", views.dodo_webhook, name="dodo_webhook"),
]
