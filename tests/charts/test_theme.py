"""#20: no two lines of one chart share a colour (the line chart took EMA 10's blue; Stochastic's
%K and %D were both orange). The rule lives in app/charts/theme.py, which every engine reads."""

from __future__ import annotations

import pytest

from app.charts import theme
from app.core.indicators import catalog_json, parse_indicators

CATALOG = [entry["name"] for entry in catalog_json()]
EMAS = (10, 21, 50, 150)


def line_colors(emas: tuple[int, ...], names: list[str]) -> list[str]:
    """Every line a chart draws: the price as a line, the EMAs, each indicator's line outputs
    (histograms are coloured up/down; Bollinger's lower band is its upper band's band), the
    oscillators' guides."""
    colors = [theme.PRICE_LINE, theme.GUIDE]
    colors += [theme.ema_color(period, emas) for period in emas]
    specs = [parse_indicators(name)[0] for name in names]
    plots = {entry["name"]: entry.get("plots") or [] for entry in catalog_json()}
    for spec, color in zip(specs, theme.indicator_colors([s.token for s in specs]), strict=True):
        for index, _column in enumerate(spec.columns):
            style = plots[spec.name][index]["style"] if plots[spec.name] else "line"
            if style == "histogram" or (spec.name == "bb" and index == 2):
                continue
            colors.append(theme.output_color(color, spec.name, index))
    return colors


@pytest.mark.parametrize("names", [CATALOG[:8], CATALOG[7:]])  # within the 12-line cap
def test_every_line_of_a_chart_with_every_indicator_has_its_own_colour(names):
    colors = line_colors(EMAS, names)
    assert len(colors) == len(set(colors)), sorted(c for c in colors if colors.count(c) > 1)


def test_twelve_emas_have_twelve_colours_and_the_line_chart_is_not_ema_10s_blue():
    emas = tuple(range(5, 65, 5))
    assert len({theme.ema_color(period, emas) for period in emas}) == 12
    assert theme.PRICE_LINE not in theme.EMA_PALETTE
    stoch = theme.indicator_colors(["stoch:14:3:3"])[0]
    assert theme.output_color(stoch, "stoch", 1) != stoch


def test_palettes_never_overlap():
    palettes = [theme.EMA_PALETTE, theme.INDICATOR_PALETTE, theme.SECOND_OUTPUT_PALETTE]
    everything = [color.lower() for palette in palettes for color in palette]
    assert len(everything) == len(set(everything))
    assert len(theme.SECOND_OUTPUT_PALETTE) == len(theme.INDICATOR_PALETTE)


def test_colours_never_repeat_past_the_palette_however_many_indicators():
    """More instances than the palette's colours (and past the 12-line cap, for the rule's
    sake): every instance and every second output still has a colour of its own, and the
    colours are the same on every call (deterministic, as the page takes them)."""
    tokens = [f"sma:{period}" for period in range(2, 42)] + ["stoch:14:3:3", "macd:12:26:9"]
    colors = theme.indicator_colors(tokens)
    seconds = [theme.output_color(color, "stoch", 1) for color in colors]
    every = [c.lower() for c in colors + seconds + list(theme.EMA_PALETTE)]
    every += [theme.PRICE_LINE, theme.GUIDE]
    assert len(every) == len(set(every)), sorted(c for c in every if every.count(c) > 1)
    assert theme.indicator_colors(tokens) == colors
    past = colors[len(theme.INDICATOR_PALETTE) :]
    assert past[:3] == theme.extra_palettes(3)[0]  # the page's extra palette, in the same order


def test_the_page_gets_the_generated_colours():
    from app.charts.lightweight import chart_options

    options = chart_options((10, 21))
    extra, second = theme.extra_palettes(len(options["indicatorExtraPalette"]))
    assert options["indicatorExtraPalette"] == extra and len(extra) >= 12
    assert options["secondOutputExtraPalette"] == second
