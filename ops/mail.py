"""Development's email backend: each message printed for a person to read."""

from django.core.mail.backends import console

# They describe the wire format, not what is printed (each part says its type).
UNPRINTED_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}


class ConsoleEmailBackend(console.EmailBackend):
    """Django's console backend prints a message as it would be sent: quoted-printable, with
    long lines broken by "=" and non-ASCII as "=C3=A9", so a confirmation link cannot be
    followed. This prints the headers decoded and each text part as it was written; other
    parts by name."""

    def write_message(self, message) -> None:
        mime = message.message()
        lines = [
            f"{name}: {value}"
            for name, value in mime.items()
            if name.lower() not in UNPRINTED_HEADERS
        ]
        for part in mime.walk():
            if part.is_multipart():
                continue
            if part.get_content_maintype() == "text" and not part.is_attachment():
                lines += ["", f"[{part.get_content_type()}]", part.get_content().rstrip("\n")]
            else:
                lines += ["", f"[attachment: {part.get_filename()} ({part.get_content_type()})]"]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
