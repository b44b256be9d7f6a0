from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("webhooks/dodo/", views.dodo_webhook, name="dodo_webhook"),
]
