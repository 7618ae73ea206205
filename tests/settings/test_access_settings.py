"""The access settings: off by default, each bad value refused at start naming its variable,
a token never echoed; when Redis counts as configured."""

from __future__ import annotations

import pytest

from app.config import load_settings
from app.core import ConfigError


def test_everything_is_off_by_default() -> None:
    settings = load_settings()
    assert settings.api_tokens == () and settings.allowed_ips == ()
    assert settings.rate_limit is None and settings.ws_max_per_client == 0
    assert settings.redis_enabled is False  # the committed .env leaves REDIS_URL blank


def test_lists_are_parsed() -> None:
    settings = load_settings(
        api_tokens=" first-token-0123456789 ,second-token-0123456789",
        allowed_ips="10.0.0.0/8, 192.168.1.7,2001:db8::/32",
        rate_limit=" 10/second;300/hour ",
    )
    assert settings.access_tokens == ("first-token-0123456789", "second-token-0123456789")
    networks = [str(n) for n in settings.allowed_ips]
    assert networks == ["10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32"]
    assert settings.rate_limit == "10/second;300/hour"
    assert "first-token" not in repr(settings)  # SecretStr


def test_a_short_token_is_refused_and_not_shown() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(api_tokens="long-enough-token-012345,hunter2")
    message = caught.value.message
    assert "API_TOKENS: " in message and "at least 16" in message and "***" in message
    assert "hunter2" not in message and "long-enough" not in message


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("allowed_ips", "10.0.0.0/8,office", "'office' is not an IP address or CIDR"),
        ("trusted_proxies", "300.1.1.1", "not an IP address or CIDR"),
        ("rate_limit", "lots", "N/minute"),
        ("forwarded_header", "x-real-ip", "x-forwarded-for"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(**{name: value})
    assert name.upper() + ": " in caught.value.message and words in caught.value.message


@pytest.mark.parametrize(
    ("overrides", "enabled"),
    [
        ({}, False),
        ({"redis_url": ""}, False),
        ({"redis_url": "redis://10.0.0.5:6379/0"}, True),
        ({"live_backend": "redis"}, True),
    ],
)
def test_redis_counts_as_configured_when_given(overrides: dict, enabled: bool) -> None:
    assert load_settings(**overrides).redis_enabled is enabled


def test_redis_url_alone_turns_on_the_live_redis_hub_unless_told_otherwise() -> None:
    url = "redis://10.0.0.5:6379/0"
    assert load_settings().live_backend == "memory"
    assert load_settings(redis_url=url).live_backend == "redis"
    kept = load_settings(redis_url=url, live_backend="memory")
    assert kept.live_backend == "memory" and kept.redis_enabled
