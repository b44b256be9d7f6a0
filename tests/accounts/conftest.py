import pytest
from django.contrib.auth.hashers import get_hasher

from tests.accounts.google_stub import google_stub_running


@pytest.fixture
def password_hashes(monkeypatch):
    """How many times a password is hashed: checking one hashes it, and so does making one
    (`set_password`, `make_password`, the mitigations of timing attacks)."""
    hasher = type(get_hasher())
    calls = []
    real_encode = hasher.encode

    def encode(self, *args, **kwargs):
        calls.append(1)
        return real_encode(self, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", encode)
    return calls


@pytest.fixture
def google_stub(settings, monkeypatch):
    """Google sign-in on, against a local stub of Google (tests/accounts/google_stub.py)."""
    with google_stub_running(settings, monkeypatch) as stub:
        yield stub
