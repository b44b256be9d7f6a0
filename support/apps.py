from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from access.services import register_on_revoke
        from accounts.panels import PanelPage, register_panel_page
        from shop import extensions
        from support import views
        from support.services import requests_close_for_revoked

        register_on_revoke(requests_close_for_revoked)
        # After access's and billing's: support comes after them in INSTALLED_APPS.
        extensions.register_offer(views.offer)
        register_panel_page(PanelPage("support/", views.requests, "support", "Support"))
