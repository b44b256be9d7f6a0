from datetime import date, timedelta

from django import forms
from django.utils import timezone

from billing.sales import DEFAULT_DAYS, MAX_DAYS


class SalesRangeForm(forms.Form):
    """The range of the sales page; with neither date, the last 30 days."""

    start = forms.DateField(label="From", required=False)
    end = forms.DateField(label="To", required=False)

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        end = data.get("end") or today
        try:
            start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:  # an end in year 1
            raise forms.ValidationError("Choose a later end date.") from None
        if start > end:
            raise forms.ValidationError("The range must start before it ends.")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose a range of at most {MAX_DAYS} days.")
        if end > today:
            raise forms.ValidationError("The range cannot end in the future.")
        data["start"], data["end"] = start, end
        return data

    def range(self) -> tuple[date, date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]
