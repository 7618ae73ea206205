"""Settings of the Redis live hub's message checks (LIVE_BACKEND=redis)."""

from __future__ import annotations

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings

MIN_SECRET_LENGTH = 16


class LiveRedisSettings(BaseSettings):
    # Shared by every replica: envelopes are signed (HMAC-SHA256) and unsigned or wrongly signed
    # ones dropped. Unset: messages are still checked, but a well-formed forgery from a holder's
    # id cannot be told apart, so Redis must then be private to the service.
    live_redis_secret: SecretStr | None = None

    @field_validator("live_redis_secret", mode="before")
    @classmethod
    def _blank_secret(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("live_redis_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters (or empty: off)")
        return value
