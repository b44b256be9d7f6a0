"""Development's console email: what a person reads, links unbroken, no quoted-printable."""

import io

from django.core.mail import EmailMultiAlternatives

from ops.mail import ConsoleEmailBackend

LINK = "https://shop.tessera.test/accounts/confirm-email/" + "MQ:1xZ3GH:" + "t" * 90 + "/"


def _printed(message) -> str:
    stream = io.StringIO()
    ConsoleEmailBackend(stream=stream).send_messages([message])
    return stream.getvalue()


def test_a_long_link_is_printed_whole_and_nothing_is_quoted_printable():
    message = EmailMultiAlternatives(
        "Confirm your café account", f"Hello Zoë,\n\nOpen {LINK} to confirm.\n", to=["z@mail.test"]
    )

    printed = _printed(message)

    assert LINK in printed
    assert "=\n" not in printed
    assert "=C3" not in printed
    assert "Subject: Confirm your café account" in printed
    assert "Hello Zoë," in printed
    assert "quoted-printable" not in printed
    assert printed.endswith("-" * 79 + "\n")


def test_every_text_part_is_printed_and_attachments_by_name():
    message = EmailMultiAlternatives("Receipt", f"Text {LINK}", to=["z@mail.test"])
    message.attach_alternative(f'<a href="{LINK}">Confirm</a>', "text/html")
    message.attach("notes.pdf", b"%PDF-1.4", "application/pdf")

    printed = _printed(message)

    assert f"[text/plain]\nText {LINK}" in printed
    assert f'[text/html]\n<a href="{LINK}">Confirm</a>' in printed
    assert "[attachment: notes.pdf (application/pdf)]" in printed
    assert "%PDF" not in printed


def test_the_django_console_backend_would_break_the_link():
    # What this backend is for: Django's own prints the wire format.
    from django.core.mail.backends.console import EmailBackend

    stream = io.StringIO()
    EmailBackend(stream=stream).send_messages(
        [EmailMultiAlternatives("Confirm", f"Open {LINK}", to=["z@mail.test"])]
    )

    assert LINK not in stream.getvalue()
    assert "=\n" in stream.getvalue()
