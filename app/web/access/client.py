"""Which address a request comes from: the peer, or, when the peer is a trusted proxy, the
client that proxy names in ``X-Forwarded-For`` (or ``Forwarded``).

The forwarded list is read from the right (nearest hop first): each trusted proxy is skipped
and the first address that is not one is the client, so a client cannot pose as anyone by
sending its own header through the proxy. The address is worked out once per request and kept
in the ASGI scope for the other access middlewares.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from starlette.types import Scope

from app.settings.access import IpNetwork

SCOPE_KEY = "superchart.client"
MAX_HEADER_CHARS = 4096  # a longer forwarded list is not read (the peer is used)
_FORWARDED_FOR = re.compile(r'for\s*=\s*"?\[?([0-9A-Za-z.:_-]+?)\]?(?::\d+)?"?\s*(?:[;,]|$)', re.I)

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(text: str) -> IpAddress | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def in_networks(address: IpAddress | None, networks: Sequence[IpNetwork]) -> bool:
    return address is not None and any(address in network for network in networks)


class ClientResolver:
    """The client address of a scope, believing forwarded headers from ``trusted`` only."""

    def __init__(self, trusted: Sequence[IpNetwork], header: str = "x-forwarded-for") -> None:
        self.trusted = tuple(trusted)
        self.header = header.encode("latin-1")

    def __call__(self, scope: Scope) -> IpAddress | None:
        cached = scope.get(SCOPE_KEY, False)
        if cached is not False:
            return cached
        client = scope.get("client")
        peer = parse_ip(client[0]) if client else None
        address = self._through_proxies(scope, peer) if self.trusted else peer
        scope[SCOPE_KEY] = address
        return address

    def _through_proxies(self, scope: Scope, peer: IpAddress | None) -> IpAddress | None:
        if not in_networks(peer, self.trusted):
            return peer
        hops = self._hops(scope)
        for hop in reversed(hops):
            address = parse_ip(hop)
            if address is None:
                return peer  # a hop we cannot read: nothing to its left can be believed
            if not in_networks(address, self.trusted):
                return address
        return parse_ip(hops[0]) if hops else peer

    def _hops(self, scope: Scope) -> list[str]:
        values = [v for k, v in scope.get("headers", ()) if k == self.header]
        text = ",".join(v.decode("latin-1") for v in values)
        if not text or len(text) > MAX_HEADER_CHARS:
            return []
        if self.header == b"forwarded":
            return _FORWARDED_FOR.findall(text)
        return [part.strip() for part in text.split(",") if part.strip()]
