from django.urls import path

from support import inbox

urlpatterns = [
    path("grant/", inbox.grant, name="grant"),
    path("<int:pk>/", inbox.thread, name="thread"),
    path("<int:pk>/resolve/", inbox.resolve, name="resolve"),
    path("<int:pk>/close/", inbox.close, name="close"),
]
