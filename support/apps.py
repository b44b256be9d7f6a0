from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from access.services import register_on_revoke
        from accounts.panels import PanelPage, register_panel_page
        from shop import extensions
        from support import inbox, offers
        from support.services import requests_close_for_revoked

        register_on_revoke(requests_close_for_revoked)
        extensions.register_studio_section(offers.offer_section)
        register_panel_page(
            PanelPage("inbox/", inbox.inbox, "inbox", "Support inbox", panels=("studio",))
        )
