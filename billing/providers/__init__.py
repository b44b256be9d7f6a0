"""Payment providers behind one small interface, chosen by PAYMENT_PROVIDER."""

from django.conf import settings

from billing.providers.base import PaymentProvider, ProviderError, ProviderUncertain


def get_provider(name: str = "") -> PaymentProvider:
    """The provider called `name` (an order's), or the one in settings."""
    if (name or settings.PAYMENT_PROVIDER) == "dodo":
        from billing.providers.dodo import DodoProvider

        return DodoProvider()
    from billing.providers.dev import DevProvider

    return DevProvider()


__all__ = ["PaymentProvider", "ProviderError", "ProviderUncertain", "get_provider"]
