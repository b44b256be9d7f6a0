from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from billing.models import Order


@dataclass(frozen=True)
class Checkout:
    """A hosted checkout the provider opened: where to send the buyer, and its session id."""

    url: str
    session_id: str


class ProviderError(Exception):
    """The provider could not be reached or refused: the buyer is told, nothing changes."""


class ProviderUncertain(ProviderError):
    """The provider did not answer (a timeout, a dropped connection): what was asked may or
    may not have happened there."""


class PaymentProvider(Protocol):
    name: str
    # How long a checkout it opened may be sent to again; zero: open a new one each time.
    checkout_lifetime: timedelta

    def start_checkout(self, order: Order, *, return_url: str) -> Checkout:
        """Open a hosted checkout for `order` (the caller records it through a service)."""

    def refund(self, order: Order, *, reason: str, webhook_url: str) -> None:
        """Ask for a refund of a paid order; the result arrives as a webhook. `webhook_url` is
        where a provider without a dashboard to set it in (dev) sends that webhook."""

    def recent(self, since: datetime) -> list[tuple[str, dict]]:
        """The payments, refunds and disputes since `since`, as (event type, event data) in
        Dodo's webhook format: what reconciliation compares with the webhooks received."""
