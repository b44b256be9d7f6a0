"""The visitor's address, read through the trusted proxies only."""

import logging

import pytest

from ops.network import client_ip


def _request(rf, forwarded_for=None, remote_addr="10.0.0.1"):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    request = rf.get("/", headers=headers)
    request.META["REMOTE_ADDR"] = remote_addr
    return request


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(rf, "203.0.113.9")) == "10.0.0.1"


@pytest.mark.parametrize(
    ("count", "visitor"), [(1, "198.51.100.4"), (2, "203.0.113.9")], ids=["one", "two"]
)
def test_behind_trusted_proxies_the_outermost_ones_entry_is_the_visitor(
    rf, settings, count, visitor
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count

    # A forged entry, then what each proxy saw: the visitor, then the first proxy.
    request = _request(rf, "192.0.2.66, 203.0.113.9, 198.51.100.4")

    assert client_ip(request) == visitor


def test_fewer_entries_than_trusted_proxies_fall_back_to_the_peer(rf, settings, caplog):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    with caplog.at_level(logging.WARNING, logger="ops.network"):
        assert client_ip(_request(rf, "203.0.113.9")) == "10.0.0.1"
    assert "fewer entries than TRUSTED_PROXY_COUNT" in caplog.text


def test_an_entry_that_is_no_address_falls_back_to_the_peer(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request(rf, "not-an-address")) == "10.0.0.1"


def test_a_request_without_any_address_has_none(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request(rf, remote_addr="")) is None
