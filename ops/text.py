"""Rules for text that comes from outside: what the database can store, and what is one line."""

import re

from django.core.exceptions import ValidationError

# PostgreSQL refuses a NUL in text, and a lone surrogate cannot be encoded as UTF-8 at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: each can
# end a line somewhere (an email header refuses CR and LF outright).
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def unstorable(value: object) -> bool:
    """Whether `value` (a string, or dicts and lists of them, keys included) holds text the
    database cannot store."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(unstorable(key) or unstorable(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(unstorable(item) for item in value)
    return False


def validate_single_line(value: str) -> None:
    """Titles, taglines and labels are one line: no line breaks, tabs or control characters."""
    if _LINE_BREAKING.search(value):
        raise ValidationError(
            "Keep it on one line: no line breaks, tabs or control characters.",
            code="single_line",
        )


def single_line(text: str) -> str:
    """`text` on one line, each run of line breaks and control characters made one space: for
    text stored before its field refused them, on its way into an email subject."""
    return _LINE_BREAKING.sub(" ", text).strip()
