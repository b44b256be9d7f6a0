from typing import Protocol

from billing.models import Order


class ProviderError(Exception):
    """The provider could not be reached or refused: the buyer is told, nothing changes."""


class PaymentProvider(Protocol):
    name: str

    def start_checkout(self, order: Order, *, return_url: str) -> str:
        """Open a hosted checkout for `order`; the URL to send the buyer to."""

    def refund(self, order: Order) -> None:
        """Ask for a refund of a paid order; the result arrives as a webhook."""
