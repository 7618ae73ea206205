"""#20: EMA toggles on the Plotly engine restyle the plot, they do not draw it again. In Chromium
against a real `streamlit run`: unticking a sidebar checkbox hides the line with no new
Plotly.react (the same plot, the draw counter unchanged), even before the app's run answers, and
ticking brings it back; a click on the line's legend entry hides it at once and unticks the
checkbox; quick flips end as the checkboxes say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.streamlit.ohlcv_samples import ohlcv_csv
from tests.streamlit.plotly_frame import IFRAME, PLOT, plot_offset
from tests.streamlit.script_runs import wait_for_run_done
from tests.streamlit.streamlit_server import streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BARS = 200

# What the plot shows: the EMA lines drawn (a hidden one is absent from the SVG, the hover and
# the legend's bright entries), how often it was drawn (Plotly.react) and restyled, whether it
# is the element the test marked.
STATE = """() => {
    const gd = $plot;
    const stats = gd && gd.ownerDocument.defaultView.superChartPlotly;
    if (!stats || !gd._fullData || !gd.querySelector('.trace.boxes path')) return null;
    const emas = gd._fullData.filter(t => String(t.name).startsWith('EMA '));
    const drawn = Array.from(gd.querySelectorAll('.scatterlayer .trace'),
        (g) => g.__data__ && g.__data__[0] && g.__data__[0].trace.name);
    const dim = Array.from(gd.querySelectorAll('.legend .traces'))
        .filter((g) => Number(getComputedStyle(g).opacity) < 1)
        .map((g) => g.querySelector('.legendtext').textContent);
    return {visible: emas.filter(t => t.visible === true).map(t => t.name).sort(),
            hidden: emas.filter(t => t.visible === 'legendonly').map(t => t.name).sort(),
            drawn: drawn.filter(n => String(n).startsWith('EMA ')).sort(), dim: dim.sort(),
            draws: stats.draws, restyles: stats.restyles, renders: stats.renders,
            marked: gd.__marked === true};
}""".replace("$plot", PLOT)
# The centre of a legend entry's clickable area, in the frame's coordinates.
LEGEND_ENTRY = """(name) => {
    const gd = $plot;
    const item = Array.from(gd.querySelectorAll('.legend .traces'))
        .find((g) => g.querySelector('.legendtext').textContent === name);
    const box = item.querySelector('.legendtoggle').getBoundingClientRect();
    return {x: box.left + box.width / 2, y: box.top + box.height / 2};
}""".replace("$plot", PLOT)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("toggles")
    (folder / "toggles.csv").write_bytes(ohlcv_csv(BARS))
    with streamlit_app(folder / "toggles.csv", refresh_s="0", EMA_PERIODS="10,21,50") as base:
        yield base


def state(page) -> dict:
    return page.evaluate(STATE)


def wait_for_state(page, predicate: str, timeout: float = 60_000) -> dict:
    page.wait_for_function(
        f"() => {{ const s = ({STATE})(); return s && ({predicate}); }}", timeout=timeout
    )
    return state(page)


def checkbox(page, name: str):
    return page.locator('[data-testid="stCheckbox"]').filter(has_text=name)


def is_ticked(page, name: str) -> bool:
    return checkbox(page, name).locator("input").is_checked()


def open_chart(page, server: str) -> dict:
    page.set_default_timeout(90_000)  # a shared 2-core machine under load
    page.goto(server)
    page.wait_for_selector(IFRAME, timeout=90_000)
    opened = wait_for_state(page, "s.visible.length === 3", timeout=90_000)
    wait_for_run_done(page)
    page.evaluate(f"() => {{ {PLOT}.__marked = true; }}")
    return opened


def click_legend(page, name: str) -> None:
    left, top = plot_offset(page)
    at = page.evaluate(LEGEND_ENTRY, name)
    page.mouse.click(left + at["x"], top + at["y"])


def test_unticking_an_ema_hides_its_line_by_a_restyle_and_ticking_brings_it_back(page, server):
    opened = open_chart(page, server)
    assert opened["drawn"] == ["EMA 10", "EMA 21", "EMA 50"] and opened["hidden"] == []

    checkbox(page, "EMA 10").locator("label").click()
    hidden = wait_for_state(page, "s.hidden.includes('EMA 10')")
    assert hidden["drawn"] == ["EMA 21", "EMA 50"]  # the line left the SVG
    assert hidden["dim"] == ["EMA 10"]  # its legend entry greyed, the others bright
    assert hidden["draws"] == opened["draws"]  # no Plotly.react: the figure was not sent anew
    assert hidden["restyles"] == opened["restyles"] + 1
    assert hidden["marked"] is True

    checkbox(page, "EMA 10").locator("label").click()
    back = wait_for_state(page, "s.visible.length === 3")
    assert back["drawn"] == ["EMA 10", "EMA 21", "EMA 50"] and back["dim"] == []
    assert back["draws"] == opened["draws"] and back["restyles"] == opened["restyles"] + 2
    assert page.watch.console_errors == []


def test_a_legend_click_hides_the_line_and_unticks_the_sidebar_checkbox(page, server):
    opened = open_chart(page, server)
    assert is_ticked(page, "EMA 21")

    click_legend(page, "EMA 21")
    hidden = wait_for_state(page, "s.hidden.includes('EMA 21')", timeout=10_000)
    assert hidden["drawn"] == ["EMA 10", "EMA 50"]
    checkbox(page, "EMA 21").locator("input:not(:checked)").wait_for()  # the app took it
    wait_for_run_done(page)
    after = state(page)  # the rerun's render did not undo the click
    assert after["hidden"] == ["EMA 21"] and after["drawn"] == ["EMA 10", "EMA 50"]
    assert after["draws"] == opened["draws"] and after["marked"] is True
    assert not is_ticked(page, "EMA 21") and is_ticked(page, "EMA 10")

    click_legend(page, "EMA 21")  # the greyed entry shows the line again
    wait_for_state(page, "s.visible.length === 3", timeout=10_000)
    checkbox(page, "EMA 21").locator("input:checked").wait_for()
    wait_for_run_done(page)
    assert state(page)["visible"] == ["EMA 10", "EMA 21", "EMA 50"]
    assert page.watch.console_errors == []


class HeldAnswers:
    """The app's WebSocket, passed through, except that what the server sends can be held
    back (as a slow script run would) and let through later."""

    def __init__(self, page) -> None:
        self.holding = False
        self.held: list = []
        page.route_web_socket("**/_stcore/stream", self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()
        self.socket = ws
        ws.on_message(server.send)
        server.on_message(self._from_server)

    def _from_server(self, message) -> None:
        if self.holding:
            self.held.append(message)
        else:
            self.socket.send(message)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self.socket.send(message)
        self.held.clear()


def test_a_checkbox_hides_the_line_before_the_apps_run_answers(page, server):
    answers = HeldAnswers(page)
    opened = open_chart(page, server)
    answers.holding = True
    checkbox(page, "EMA 50").locator("label").click()
    hidden = wait_for_state(page, "s.hidden.includes('EMA 50')", timeout=10_000)
    assert hidden["renders"] == opened["renders"]  # no render from the app: the page did it
    assert hidden["drawn"] == ["EMA 10", "EMA 21"] and hidden["draws"] == opened["draws"]

    answers.release()  # the run's answer comes: it agrees, nothing more is drawn
    wait_for_run_done(page)
    after = state(page)
    assert after["hidden"] == ["EMA 50"] and after["draws"] == opened["draws"]
    assert after["restyles"] == opened["restyles"] + 1
    assert page.watch.console_errors == []


def test_quick_flips_end_as_the_checkboxes_say(page, server):
    open_chart(page, server)
    for _ in range(3):  # off, on, off without waiting for the runs
        checkbox(page, "EMA 50").locator("label").click()
    click_legend(page, "EMA 10")  # and one from the legend on top
    checkbox(page, "EMA 10").locator("input:not(:checked)").wait_for()
    wait_for_run_done(page)
    settled = wait_for_state(page, "s.hidden.length === 2")
    assert settled["hidden"] == ["EMA 10", "EMA 50"]
    assert settled["drawn"] == ["EMA 21"]
    assert not is_ticked(page, "EMA 50") and not is_ticked(page, "EMA 10")
    assert is_ticked(page, "EMA 21")
    assert page.watch.console_errors == []
