from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password


class ProfileForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text="Shown on receipts and, if you sell, on your products.",
    )


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed (most of a signup's time); an address
            # already registered only gets a notice by email. Hashing here too keeps the
            # answer's timing from telling which addresses are registered.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
