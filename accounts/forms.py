from django import forms


class ProfileForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text="Shown on receipts and, if you sell, on your products.",
    )
