"""The buyer's forms: opening a request and writing in its thread. They check the shape of
what was typed; the services decide whether it may be written."""

from django import forms

from ops.text import validate_single_line
from support.services import MAX_BODY

SUBJECT_MAX = 120


def _body() -> forms.CharField:
    return forms.CharField(
        label="Your message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write a message first.",
            "max_length": f"Keep a message to {MAX_BODY:,} characters (this one has "
            "%(show_value)s).",
        },
    )


class MessageForm(forms.Form):
    body = _body()


class RequestOpenForm(forms.Form):
    subject = forms.CharField(
        max_length=SUBJECT_MAX,
        validators=[validate_single_line],
        help_text="What it is about, in a few words.",
        error_messages={
            "required": "Give your request a subject.",
            "max_length": f"Keep the subject to {SUBJECT_MAX} characters (this one has "
            "%(show_value)s).",
        },
    )
    body = _body()
