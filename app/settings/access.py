"""Who may use the FastAPI service, and how much: tokens, IP allowlists, rate limits.

Everything is off by default (blank values): ``make run`` stays open to its one local user.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MIN_TOKEN_CHARS = 16  # a guessable token is refused at start
MAX_TOKENS = 100


def _split(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _networks(value: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    networks = []
    for text in value:
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(
                f"{text[:60]!r} is not an IP address or CIDR block "
                "(e.g. 10.0.0.0/8,192.168.1.7,2001:db8::/32)"
            ) from None
    return tuple(networks)


class AccessSettings(BaseSettings):
    """API_TOKENS, ALLOWED_IPS, TRUSTED_PROXIES, FORWARDED_HEADER, METRICS_ALLOWED_IPS,
    RATE_LIMIT, WS_MAX_PER_CLIENT, WS_COUNT_TTL_S (see the README's "Running it for others")."""

    # Any of these (comma-separated) opens the API, /ws, the page and /udf; blank: no token asked.
    api_tokens: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    # CIDR blocks allowed in (403 otherwise); blank: every address. /health is always open.
    allowed_ips: Annotated[tuple[IpNetwork, ...], NoDecode] = ()
    # Proxies whose X-Forwarded-For (or Forwarded) names the client; nobody else's is believed.
    trusted_proxies: Annotated[tuple[IpNetwork, ...], NoDecode] = ()
    forwarded_header: Literal["x-forwarded-for", "forwarded"] = "x-forwarded-for"
    # Who may read /metrics (blank: whoever may read the API).
    metrics_allowed_ips: Annotated[tuple[IpNetwork, ...], NoDecode] = ()
    # Requests per token (else per client address), e.g. 120/minute or 10/second;100/minute.
    rate_limit: str | None = None
    # Open WebSockets per token (else per client address), over every worker and replica when
    # REDIS_URL is set (else per worker process); 0: no cap.
    ws_max_per_client: int = Field(default=0, ge=0, le=100_000)
    # How long a socket counted in Redis stays counted without its process renewing it (every
    # third of this): what a crashed worker's sockets count for, at most.
    ws_count_ttl_s: float = Field(default=15.0, ge=1.0, le=300.0)

    @field_validator("api_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        return _split(value)

    @field_validator("api_tokens")
    @classmethod
    def _check_tokens(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        if len(value) > MAX_TOKENS:
            raise ValueError(f"at most {MAX_TOKENS} tokens")
        for token in value:
            secret = token.get_secret_value()
            if len(secret) < MIN_TOKEN_CHARS or not secret.isprintable() or " " in secret:
                raise ValueError(
                    f"each token must be at least {MIN_TOKEN_CHARS} printable characters "
                    "without spaces (make one: python -c 'import secrets; "
                    "print(secrets.token_urlsafe())')"
                )
        return value

    @field_validator("allowed_ips", "trusted_proxies", "metrics_allowed_ips", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        split = _split(value)
        if isinstance(split, tuple) and all(isinstance(item, str) for item in split):
            return _networks(split)
        return split

    @field_validator("forwarded_header", mode="before")
    @classmethod
    def _normalise_header(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("rate_limit", mode="before")
    @classmethod
    def _blank_limit(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("rate_limit")
    @classmethod
    def _check_limit(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                "not a rate; use N/second, N/minute, N/hour or N/day, several joined "
                "by ';' (e.g. 120/minute or 10/second;300/hour)"
            ) from None
        return value.strip()

    @property
    def access_tokens(self) -> tuple[str, ...]:
        return tuple(token.get_secret_value() for token in self.api_tokens)
