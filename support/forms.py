"""The buyer's forms: opening a request and writing in its thread. They check the shape of
what was typed and the files attached; the services decide whether it may be written."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy

from ops.text import validate_single_line
from shop.studio_forms import MultipleFileField, MultipleFileInput
from support.services import ATTACHMENT_TYPES, MAX_ATTACHMENTS, MAX_BODY, check_attachment

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


def _attachments_help() -> str:
    return (
        f"Optional, up to {MAX_ATTACHMENTS}: images, PDF, text or zip, "
        f"{filesizeformat(settings.SUPPORT_ATTACHMENT_MAX_BYTES)} at most each."
    )


class AttachmentsField(MultipleFileField):
    """Files attached to a message, each checked as support takes them (the type sniffed, the
    size, a safe name): cleaned to shop.uploads.CheckedFile, every refusal said by name."""

    def __init__(self, **kwargs):
        accept = ",".join(f".{extension}" for extension in sorted(ATTACHMENT_TYPES))
        kwargs.setdefault("label", "Attach files")
        kwargs.setdefault("help_text", lazy(_attachments_help, str)())
        super().__init__(
            required=False, widget=MultipleFileInput(attrs={"accept": accept}), **kwargs
        )

    def clean(self, data, initial=None) -> list:
        uploads = super().clean(data, initial)
        if len(uploads) > MAX_ATTACHMENTS:
            raise forms.ValidationError(f"Attach at most {MAX_ATTACHMENTS} files to a message.")
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_attachment(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class MessageForm(forms.Form):
    body = _body()
    files = AttachmentsField()


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
    files = AttachmentsField()
