"""Payment providers behind one small interface, chosen by PAYMENT_PROVIDER."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from billing.providers.base import PaymentProvider, ProviderError


def get_provider() -> PaymentProvider:
    if settings.PAYMENT_PROVIDER == "dodo":
        # Issue 5 is in progress: the Dodo provider (SDK checkout sessions, customers and
        # products synced by tasks, refunds) is the next part to build.
        raise ImproperlyConfigured("PAYMENT_PROVIDER=dodo is not built yet; use dev.")
    from billing.providers.dev import DevProvider

    return DevProvider()


__all__ = ["PaymentProvider", "ProviderError", "get_provider"]
