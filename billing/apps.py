from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from accounts.panels import PanelPage, register_panel_page
        from billing import signals, views  # noqa: F401 - signals connect on import
        from shop import extensions

        register_panel_page(PanelPage("orders/", views.orders, "orders", "Orders"))
        register_panel_page(PanelPage("sales/", views.sales, "sales", "Sales", panels=("studio",)))
        extensions.register_offer(views.offer)
