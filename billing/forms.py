from datetime import date, timedelta

from django import forms
from django.utils import timezone

from billing.sales import DEFAULT_DAYS, MAX_DAYS


class SalesRangeForm(forms.Form):
    """The range of the sales page; with neither date, the last 30 days."""

    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
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
