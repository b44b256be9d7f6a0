from allauth.account import forms as allauth_forms
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password

from accounts.models import DISPLAY_NAME_MAX_LENGTH
from accounts.services import display_name_clean
from accounts.telegram import Event

DISPLAY_NAME_HELP = (
    "Shown to buyers on your products and in support threads, never your email address. "
    "No other seller can have it."
)


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Display name",
            max_length=DISPLAY_NAME_MAX_LENGTH,
            help_text=DISPLAY_NAME_HELP,
            **kwargs,
        )


class ProfileForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text="Sellers you buy from see it with your orders and support requests; "
        "without it they see “Customer” and a number.",
    )


class SellerProfileForm(ProfileForm):
    """The studio's profile: the name, and the display name buyers know the seller by."""

    display_name = DisplayNameField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields[
            "name"
        ].help_text = "Not shown to buyers or other sellers: they see your display name."

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"], user=self.user)


class StartSellingForm(forms.Form):
    display_name = DisplayNameField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"], user=self.user)


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed (most of a signup's time); an address
            # already registered only gets a notice by email. Hashing here too keeps the
            # answer's timing from telling which addresses are registered.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


# allauth's forms, with its Title Case labels written the shop's way (ACCOUNT_FORMS).
class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remember"].label = "Keep me signed in"


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in [("password1", "New password"), ("password2", "New password (again)")]:
            self.fields[name].label = self.fields[name].widget.attrs["placeholder"] = label


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "New email address"
        self.fields["email"].help_text = "It replaces your address once you open the link we send."


class TelegramEventsForm(forms.Form):
    """Which events the seller hears of in Telegram: one box per accounts.telegram.Event."""

    events = forms.TypedMultipleChoiceField(
        label="Tell me in Telegram of",
        choices=Event.choices,
        coerce=Event,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
