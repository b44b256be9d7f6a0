from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.providers import ProviderError
from billing.services import payments_reconcile


class Command(BaseCommand):
    help = (
        "Ask the payment provider for recent payments, refunds and disputes, and apply any the "
        "webhooks missed (safe to run as often as you like, e.g. hourly from cron)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=3, help="How far back to look (3).")

    def handle(self, *args, days: int, **options) -> None:
        if not 1 <= days <= 90:
            raise CommandError("--days must be between 1 and 90.")
        try:
            counts = payments_reconcile(since=timezone.now() - timedelta(days=days))
        except ProviderError as error:
            raise CommandError(f"The provider could not be asked: {error}") from error
        applied = counts.get("applied", 0)
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        self.stdout.write(f"{applied} missed event(s) applied. ({summary or 'nothing listed'})")
