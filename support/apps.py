from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from access.library import register_entry_links
        from access.services import register_on_revoke
        from accounts.panels import PanelPage, register_panel_page
        from billing.fulfilment import register_fulfilment
        from shop import extensions
        from support import inbox, offers, signals, views  # noqa: F401 - signals connect
        from support.services import (
            ITEM,
            requests_close_for_revoked,
            support_paid,
            support_refunded,
        )

        register_on_revoke(requests_close_for_revoked)
        register_fulfilment(
            ITEM, label="Support request", fulfil=support_paid, undo=support_refunded
        )
        # After access's and billing's: support comes after them in INSTALLED_APPS.
        extensions.register_offer(views.offer)
        register_entry_links(views.library_links)
        extensions.register_studio_section(offers.offer_section)
        # The seller's inbox first; then, in both panels, the requests they made as a buyer.
        register_panel_page(PanelPage("inbox/", inbox.inbox, "inbox", "Inbox", panels=("studio",)))
        register_panel_page(
            PanelPage("support/", views.requests, "support", "Your support requests")
        )
