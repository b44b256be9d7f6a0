from django.urls import path

from accounts import views
from accounts.panels import Panel

app_name = "accounts"

urlpatterns = [
    path("start-selling/", views.start_selling, name="start_selling"),
    path("telegram/connect/", views.telegram_connect, name="telegram_connect"),
    path("telegram/events/", views.telegram_events, name="telegram_events"),
    path("telegram/disconnect/", views.telegram_disconnect, name="telegram_disconnect"),
]


def panel_urls(panel: Panel) -> list:
    """The account pages every panel carries, bound to `panel`; the panel's own app adds them
    to its URLs so they are reachable only inside it."""
    bound = {"panel": panel}
    return [
        path("account/", views.profile, bound, name="profile"),
        path("account/email/", views.email_change, bound, name="email"),
        path("account/password/", views.password_change, bound, name="password_change"),
        path("account/sign-out/", views.sign_out, bound, name="sign_out"),
        *(path(page.route, page.view, bound, name=page.name) for page in panel.pages),
    ]
