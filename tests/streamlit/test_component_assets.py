"""The folder Streamlit serves the Lightweight component from: the component's files and the
chart page's own modules, stylesheet and vendored Lightweight Charts, byte for byte; a changed
source gives a new folder (no stale copy is ever served)."""

from __future__ import annotations

import re
from pathlib import Path

from app.streamlit_app.chart_component import assets
from app.streamlit_app.chart_component.assets import component_dir, component_files

STATIC = Path(assets.STATIC_DIR)


def test_the_folder_holds_the_pages_files_as_they_are(tmp_path):
    root = component_dir.__wrapped__(tmp_path)
    for name in ("js/chart_component.js", "js/legend.js", "js/studies.js", "chart.css"):
        assert (root / name).read_bytes() == (STATIC / name).read_bytes()
    build = "vendor/lightweight-charts/lightweight-charts.standalone.production.js"
    assert (root / build).read_bytes() == (STATIC / build).read_bytes()
    assert (root / "vendor/lightweight-charts/LICENSE").is_file()
    assert not any(path.is_symlink() for path in root.rglob("*"))
    assert not (root / "js" / "workspace").exists()  # the workspace page's modules stay out


def test_every_module_the_component_imports_is_served(tmp_path):
    root = component_dir.__wrapped__(tmp_path)
    page = (root / "index.html").read_text()
    for src in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert (root / src).is_file(), src
    for module in root.rglob("*.js"):  # the component's and, through them, the page's
        for target in re.findall(r'from "(\.[^"]+)"', module.read_text()):
            assert (module.parent / target).resolve().is_file(), (module.name, target)


def test_a_changed_source_gives_a_new_folder(tmp_path, monkeypatch):
    first = component_dir.__wrapped__(tmp_path)
    assert component_dir.__wrapped__(tmp_path) == first  # built once, then reused
    frontend = tmp_path / "frontend"
    frontend.mkdir()
    for source, _name in component_files():
        if source.is_relative_to(assets.FRONTEND_DIR):
            target = frontend / source.relative_to(assets.FRONTEND_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    (frontend / "component.css").write_text("/* changed */\n")
    parts = ((frontend, "."), *assets.PARTS[1:])
    monkeypatch.setattr(assets, "PARTS", parts)
    second = component_dir.__wrapped__(tmp_path)
    assert second != first
    assert (second / "component.css").read_text() == "/* changed */\n"
