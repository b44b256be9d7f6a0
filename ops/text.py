"""Rules for text that comes from outside: what the database can store."""

import re

# PostgreSQL refuses a NUL in text, and a lone surrogate cannot be encoded as UTF-8 at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


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
