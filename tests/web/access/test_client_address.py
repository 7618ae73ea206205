"""Which address a request comes from, behind trusted and untrusted proxies (pure, no server)."""

from __future__ import annotations

import ipaddress

import pytest

from app.web.access.client import ClientResolver

PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)


def scope(peer: str, **headers: str) -> dict:
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http", "client": (peer, 5000), "headers": raw}


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not a proxy: its header is ignored
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # 1.2.3.4 was sent by the client
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies deep
        ("10.0.0.2", "10.0.0.7", "10.0.0.7"),  # all hops trusted: the first
        ("10.0.0.2", "not-an-ip, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "198.51.100.1, garbage", "10.0.0.2"),  # unreadable nearest hop: the peer
        ("::ffff:10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_x_forwarded_for(peer: str, header: str, expected: str) -> None:
    resolver = ClientResolver(PROXIES)
    assert str(resolver(scope(peer, x_forwarded_for=header))) == expected


def test_forwarded_header() -> None:
    resolver = ClientResolver(PROXIES, "forwarded")
    value = 'for=1.2.3.4;proto=http, for="[2001:db8:cafe::17]:4711";by=10.0.0.2'
    assert str(resolver(scope("10.0.0.2", forwarded=value))) == "2001:db8:cafe::17"
    assert str(resolver(scope("10.0.0.2", forwarded="for=192.0.2.60:8080"))) == "192.0.2.60"
    # The header not chosen is not read.
    assert str(resolver(scope("10.0.0.2", x_forwarded_for="192.0.2.60"))) == "10.0.0.2"


def test_no_trusted_proxies_means_the_peer() -> None:
    assert str(ClientResolver(())(scope("10.0.0.2", x_forwarded_for="1.2.3.4"))) == "10.0.0.2"
