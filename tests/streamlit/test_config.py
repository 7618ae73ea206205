""".streamlit/config.toml: the dashboard's page wears the charts' theme and never phones home."""

from __future__ import annotations

import tomllib
from pathlib import Path

from app.charts import theme

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_page_colours_are_the_chart_theme():
    colours = tomllib.loads(CONFIG.read_text())["theme"]
    assert colours["base"] == "dark"
    assert colours["backgroundColor"].lower() == theme.BACKGROUND.lower()
    assert colours["secondaryBackgroundColor"].lower() == theme.PANEL.lower()
    assert colours["textColor"].lower() == theme.TEXT.lower()
    assert colours["borderColor"].lower() == theme.BORDER.lower()
    assert colours["primaryColor"].lower() == theme.EMA_PALETTE[0].lower()


def test_headless_without_usage_statistics_or_tracebacks():
    config = tomllib.loads(CONFIG.read_text())
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
