"""Where an alert's webhook may go: ALERT_WEBHOOK_HOSTS (host or host:port), when set, is the
whole list; blank, any host but loopback, private, link-local and reserved addresses. Loopback
(a local stand-in, a sidecar) is allowed only when listed. Checked when the alert is created and
again, on the resolved addresses, before each delivery (a name may change what it points to)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from app.core.errors import ParameterError

MAX_URL_CHARS = 2000
RESOLVE_TIMEOUT_S = 3.0


def _listed(host: str, port: int, allowed: tuple[str, ...]) -> bool:
    return host in allowed or f"{host}:{port}" in allowed


def _address_refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def _parts(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return host, port


def check_webhook_url(url: object, allowed: tuple[str, ...]) -> str | None:
    """The URL if it may be used; ParameterError naming the rule otherwise."""
    if url is None:
        return None
    if not isinstance(url, str) or not url.strip():
        raise ParameterError("webhook_url", "webhook_url must be an http(s) URL or null.")
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise ParameterError("webhook_url", f"webhook_url is over {MAX_URL_CHARS} characters.")
    try:
        parts = urlsplit(url)
        host, port = _parts(url)
    except ValueError:
        raise ParameterError("webhook_url", "webhook_url is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ParameterError("webhook_url", "webhook_url must be an http:// or https:// URL.")
    listed = _listed(host, port, allowed)
    if allowed and not listed:
        raise ParameterError(
            "webhook_url",
            f"webhook host {host!r} is not in ALERT_WEBHOOK_HOSTS (the allowed webhook hosts).",
        )
    if not listed and (
        host == "localhost" or host.endswith(".localhost") or _literal_refused(host)
    ):
        raise ParameterError(
            "webhook_url",
            "webhooks to loopback or private addresses are allowed only for hosts listed in "
            "ALERT_WEBHOOK_HOSTS.",
        )
    return url


def _literal_refused(host: str) -> bool:
    try:
        return _address_refused(host.strip("[]"))
    except ValueError:
        return False  # a name: checked on its addresses before each delivery


async def delivery_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    """At send time: a listed host, or a name whose every address is public."""
    host, port = _parts(url)
    if _listed(host, port, allowed):
        return True
    if allowed:
        return False
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_S
        )
    except (OSError, TimeoutError):
        return False
    return bool(infos) and not any(_address_refused(info[4][0]) for info in infos)
