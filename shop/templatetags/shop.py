from django import template

register = template.Library()

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@register.filter
def money(minor_units: int, currency: str = "USD") -> str:
    if not minor_units:
        return "Free"
    amount = f"{minor_units / 100:,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"
