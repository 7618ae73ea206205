"""The folder Streamlit serves the Plotly component from: the vendored plotly.js finance bundle
with its licence, byte for byte (offline), and every file the page and its modules load."""

from __future__ import annotations

import re
from pathlib import Path

import app
from app.charts.browser_js import TIME_TICKS_JS
from app.streamlit_app.plotly_component.assets import PLOTLY_JS, component_dir, component_files


def test_the_folder_serves_the_vendored_plotly_js_and_every_file_it_loads(tmp_path):
    root = component_dir.__wrapped__(tmp_path)
    served = root / "vendor/plotly/plotly-finance.min.js"
    assert served.read_bytes() == PLOTLY_JS.read_bytes()
    assert (root / "vendor/plotly/LICENSE").is_file()
    page = (root / "index.html").read_text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "vendor/plotly/plotly-finance.min.js" in sources
    assert not [src for src in sources if "//" in src]  # nothing from another host
    for src in sources:
        assert (root / src).is_file(), src
    for module in root.glob("*.js"):
        for target in re.findall(r'(?:from|import) "(\.[^"]+)"', module.read_text()):
            assert (module.parent / target).resolve().is_file(), (module.name, target)
    assert not any(path.is_symlink() for path in root.rglob("*"))
    # the time axis' rule, the very file the Dash page loads (app/charts/js)
    assert (root / "charts/time_ticks.js").read_bytes() == TIME_TICKS_JS.read_bytes()
    assert 'import "./charts/time_ticks.js"' in (root / "visible_ticks.js").read_text()


def test_the_component_reads_plotly_js_from_the_shared_charts_folder_not_from_dash():
    app_dir = Path(app.__file__).resolve().parent
    sources = [source.resolve() for source, _ in component_files()]
    assert PLOTLY_JS in sources and PLOTLY_JS.is_relative_to(app_dir / "charts")
    front_ends = ("dash_app", "web")  # another front end's files
    assert not [s for s in sources if s.relative_to(app_dir).parts[0] in front_ends]
