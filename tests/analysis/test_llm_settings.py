"""The LLM settings: blank means off, a base must be a URL, the timeout is bounded, the key is
never shown in the start-up error."""

from __future__ import annotations

import pytest

from app.config import load_settings
from app.core import ConfigError


def test_blank_llm_settings_mean_none() -> None:
    settings = load_settings(llm_api_base=" ", llm_api_key="", llm_model="")
    assert settings.llm_api_base is None and settings.llm_api_key is None
    assert settings.llm_model is None


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"llm_api_base": "ftp://x"}, "LLM_API_BASE"),
        ({"llm_timeout": 0}, "LLM_TIMEOUT"),
        ({"llm_timeout": 1000}, "LLM_TIMEOUT"),
    ],
)
def test_bad_llm_settings_name_the_variable(overrides: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(**overrides)


def test_the_key_is_not_in_the_error_of_a_bad_setting() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(llm_api_base="nope", llm_api_key="sk-secret-123")
    assert "sk-secret-123" not in str(caught.value)
