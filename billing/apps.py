from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from accounts.panels import PanelPage, register_panel_page
        from billing import services, signals, views  # noqa: F401 - signals connect on import
        from billing.fulfilment import register_fulfilment
        from shop import extensions

        # Here, as every app registers its items, rather than when services is imported:
        # ready() runs before any request, task or command, and importing stays free of effects.
        register_fulfilment(
            "product",
            label="Product",
            fulfil=services.order_grant_product,
            undo=services.order_revoke_product,
        )
        # What the user bought is the library's; the studio shows what the seller sold.
        register_panel_page(
            PanelPage("orders/", views.orders, "orders", "Orders", panels=("library",))
        )
        register_panel_page(PanelPage("sales/", views.sales, "sales", "Sales", panels=("studio",)))
        register_panel_page(
            PanelPage("sales/list/", views.sale_list, "sale_list", "Sales list", panels=("studio",))
        )
        extensions.register_offer(views.offer)
