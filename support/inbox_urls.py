from django.urls import path

from support import inbox, offers

urlpatterns = [
    path("grant/<int:pk>/", inbox.grant, name="grant"),
    path("offer/<int:pk>/", offers.offer_edit, name="offer"),
    path("<int:pk>/", inbox.thread, name="thread"),
    path("<int:pk>/resolve/", inbox.resolve, name="resolve"),
    path("<int:pk>/close/", inbox.close, name="close"),
]
