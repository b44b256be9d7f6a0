from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent). Each app may have a `demo` module with "
        "`seed(*, log)`; they run in INSTALLED_APPS order, lower layers first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, and demo accounts have public "
                "passwords. Use --force if you really mean it."
            )
        with transaction.atomic():
            for app in apps.get_app_configs():
                if module_has_submodule(app.module, "demo"):
                    import_module(f"{app.name}.demo").seed(log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. These passwords are for the demo only.")
        )
