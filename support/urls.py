from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("new/<slug:slug>/", views.request_new, name="new"),
    path("<int:pk>/", views.thread, name="thread"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
