from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from access import downloads, views
        from shop import extensions

        downloads.refuse_unsigned_private_storage()
        extensions.register_offer(views.offer)
        extensions.register_studio_section(views.studio_owners)
