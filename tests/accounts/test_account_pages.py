"""Every allauth page a user meets, in the shop's words: sentence case, none of allauth's Title
Case (“Bad Token”, “Confirm Email Address”, “Sign Out”), and the favicon every page carries."""

import re
from html import unescape

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.template.loader import render_to_string

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

# What allauth's own templates and forms say, none of which a user may meet here.
ALLAUTH_TITLE_CASE = [
    "Bad Token",
    "Confirm Email Address",
    "Sign Out",
    "Password Reset",
    "Change Password",
    "Reset My Password",
    "Remember Me",
    "Verify Your Email Address",
    "Email Address",
    "Email Addresses",
    "Change Email",
    "Re-send Verification",
    "Cancel Change",
    "Confirm Access",
    "New Password",
    "Account Inactive",
    "Successfully signed in",
]
# Words that keep their capital letter in the middle of a sentence.
PROPER = {"Tessera", "I"}


def shown_texts(html: str) -> list[str]:
    """The page's title, headings, labels and buttons, as text."""
    parts = re.findall(r"<(title|h1|h2|label|button|legend)\b[^>]*>(.*?)</\1>", html, re.S)
    texts = (re.sub(r"<[^>]+>", " ", inner) for _, inner in parts)
    return [" ".join(unescape(text).split()) for text in texts if text.strip()]


def title_case_words(text: str) -> list[str]:
    """Capitalised words past the first of each sentence, proper nouns and addresses aside."""
    found = []
    for sentence in re.split(r"(?<=[.?!:·])\s+", text):
        found += [
            word
            for word in sentence.split()[1:]
            if word[:1].isupper() and word.strip("\u2019'.,?!:") not in PROPER and "@" not in word
        ]
    return found


def assert_in_the_shops_words(response, heading: str) -> None:
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    for phrase in ALLAUTH_TITLE_CASE:
        assert phrase not in html, phrase
    assert {text: title_case_words(text) for text in shown_texts(html)} == {
        text: [] for text in shown_texts(html)
    }
    assert '<link rel="icon" href="/static/img/favicon.svg"' in html


@pytest.fixture
def newcomer(db):
    return make_user("new@example.com", verified=False)


def confirmation_url(address: EmailAddress) -> str:
    return f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/"


def reset_url(user) -> str:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    return f"/accounts/password/reset/key/{key}/"


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/login/", "Welcome back"),
        ("/accounts/signup/", "Create your account"),
        ("/accounts/confirm-email/", "Check your inbox"),
        ("/accounts/confirm-email/no-such-key/", "This link has expired"),
        ("/accounts/password/reset/", "Forgot your password?"),
        ("/accounts/password/reset/done/", "Check your inbox"),
        ("/accounts/password/reset/key/1-no-such-key/", "This reset link has expired"),
        ("/accounts/password/reset/key/done/", "Your new password is set"),
        ("/accounts/inactive/", "This account is inactive"),
    ],
)
def test_the_signed_out_pages_speak_the_shops_voice(client, url, heading):
    response = client.get(url)

    assert response.status_code == 200
    assert_in_the_shops_words(response, heading)


def test_the_login_form_says_keep_me_signed_in(client):
    assert b"Keep me signed in" in client.get("/accounts/login/").content


def test_a_confirmation_link_asks_to_confirm_in_the_shops_voice(client, newcomer):
    address = EmailAddress.objects.get(user=newcomer)

    response = client.get(confirmation_url(address))

    assert response.status_code == 200
    assert_in_the_shops_words(response, "Confirm your email address")
    assert b"<strong>new@example.com</strong>" in response.content


def test_an_address_confirmed_by_someone_else_says_so(client, buyer, newcomer):
    taken = EmailAddress.objects.create(user=newcomer, email=buyer.email, verified=False)

    response = client.get(confirmation_url(taken))

    assert_in_the_shops_words(response, "This address is already in use")
    assert not EmailAddress.objects.get(pk=taken.pk).verified


def test_a_bad_confirmation_key_sends_a_signed_in_user_to_the_email_page(client, buyer):
    client.force_login(buyer)

    response = client.get("/accounts/confirm-email/no-such-key/")

    assert_in_the_shops_words(response, "This link has expired")
    assert b'href="/accounts/email/"' in response.content


def test_a_reset_link_asks_for_the_new_password_in_the_shops_voice(client, buyer):
    response = client.get(reset_url(buyer), follow=True)

    assert_in_the_shops_words(response, "Choose a new password")
    assert b"New password (again)" in response.content


def test_a_used_reset_link_is_refused_in_the_shops_voice(client, buyer):
    url = reset_url(buyer)
    form_url = client.get(url)["Location"]
    client.post(form_url, {"password1": "a-new-pass-4321", "password2": "a-new-pass-4321"})

    response = client.get(url, follow=True)

    assert_in_the_shops_words(response, "This reset link has expired")
    buyer.refresh_from_db()
    assert buyer.check_password("a-new-pass-4321")


def test_the_password_reset_page_knows_who_is_signed_in(client, buyer):
    client.force_login(buyer)

    response = client.get("/accounts/password/reset/")

    assert_in_the_shops_words(response, "Forgot your password?")
    assert "You\u2019re signed in as buyer@example.com." in response.content.decode()


def test_reauthenticating_speaks_the_shops_voice(client, buyer):
    client.force_login(buyer)

    response = client.get("/accounts/reauthenticate/")

    assert_in_the_shops_words(response, "Confirm it\u2019s you")


@pytest.mark.parametrize(
    ("template", "subject"),
    [
        ("email_confirmation_signup", "Confirm your email address"),
        ("email_confirmation", "Confirm your email address"),
        ("password_reset_key", "Reset your password"),
        ("account_already_exists", "You already have an account"),
        ("unknown_account", "No account uses this address"),
        ("email_changed", "Your email address has changed"),
        ("password_changed", "Your password has changed"),
        ("password_reset", "Your password was reset"),
    ],
)
def test_email_subjects_are_in_sentence_case(template, subject):
    assert render_to_string(f"account/email/{template}_subject.txt").strip() == subject


def test_signing_up_and_resetting_send_sentence_case_subjects(
    client, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
        client.post("/accounts/password/reset/", {"email": buyer.email})

    assert [m.subject for m in mail.outbox] == [
        "[Tessera] Confirm your email address",
        "[Tessera] Reset your password",
    ]


def test_the_messages_of_signing_up_and_out_speak_the_shops_voice(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)[1]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link, follow=True).content.decode()
    signed_out = client.post("/accounts/logout/", follow=True).content.decode()

    assert "Thanks: new@example.com is confirmed." in confirmed
    assert "You\u2019re signed in as new@example.com." in confirmed
    assert "You\u2019re signed out. See you soon." in signed_out
