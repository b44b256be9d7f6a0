from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import backends, pages, views  # noqa: F401 - signals connect on import
        from accounts.panels import PanelPage, register_panel_page
        from accounts.roles import STAFF
        from accounts.services import telegram_chat_gone
        from ops.maintenance import register_staff_check
        from ops.telegram import register_on_chat_gone

        register_on_chat_gone(telegram_chat_gone)
        # Who uses the shop while it is closed for maintenance: the staff gate, held here.
        register_staff_check(STAFF.held_by)

        register_panel_page(
            PanelPage(
                "telegram/",
                views.telegram_page,
                "telegram",
                "Telegram",
                panels=("studio",),
                account=True,
            )
        )
