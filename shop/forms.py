from decimal import Decimal

from django import forms

from shop.models import Category

SORTS = [
    ("relevance", "Best match"),
    ("newest", "Newest"),
    ("price", "Price: low to high"),
    ("-price", "Price: high to low"),
]


def to_cents(amount: Decimal) -> int:
    """A price typed in major units (12.50) as stored, in minor units (1250)."""
    return int(amount * 100)


class CatalogFilterForm(forms.Form):
    """The catalog's query string. Bad values are dropped, never an error page."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    category = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Categories",
    )
    min_price = forms.DecimalField(
        required=False, min_value=0, max_digits=9, decimal_places=2, label="Min price"
    )
    max_price = forms.DecimalField(
        required=False, min_value=0, max_digits=9, decimal_places=2, label="Max price"
    )
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort by")

    def filters(self) -> dict:
        """The valid part of the query, with prices in minor units."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        cents = {
            key: to_cents(data[key])
            for key in ("min_price", "max_price")
            if isinstance(data.get(key), Decimal)
        }
        return {
            "q": data.get("q", "").strip(),
            "categories": list(data.get("category") or []),
            "sort": data.get("sort") or "",
            **cents,
        }
