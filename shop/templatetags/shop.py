from django import template

register = template.Library()

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@register.filter
def money(minor_units: int, currency: str = "USD") -> str:
    """A price: zero is "Free"."""
    if not minor_units:
        return "Free"
    return amount(minor_units, currency)


@register.filter
def amount(minor_units: int, currency: str = "USD") -> str:
    """A sum of money, zero included ("$0.00")."""
    figure = f"{(minor_units or 0) / 100:,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"
