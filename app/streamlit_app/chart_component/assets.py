"""The directory Streamlit serves the chart component from: its own frontend files plus the
chart page's ES modules, stylesheet and vendored Lightweight Charts build, byte for byte.

Streamlit's component server resolves symlinks and refuses any file whose real path leaves the
component's root (``build_safe_abspath``), so the page's files cannot be linked in; and a copy
kept in git would drift from the page. The directory is therefore assembled on first use, in a
folder named after a digest of every file it holds: the same sources give the same folder (shared
by the processes of one machine, rebuilt when a file changes), and it is written into a fresh
folder and renamed into place, so a reader never sees half of it. Nothing needs a build step, so
a clean checkout and the Docker image (which copies ``app/``) both work as they are.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[2]
FRONTEND_DIR = Path(__file__).resolve().parent / "frontend"
STATIC_DIR = APP_DIR / "web" / "static"
# (source, name in the served folder): the component's files at its root, the page's beside.
PARTS: tuple[tuple[Path, str], ...] = (
    (FRONTEND_DIR, "."),
    (STATIC_DIR / "js", "js"),
    (STATIC_DIR / "vendor" / "lightweight-charts", "vendor/lightweight-charts"),
    (STATIC_DIR / "chart.css", "chart.css"),
)
SERVED_SUFFIXES = {".html", ".js", ".css", ".txt", ""}  # LICENSE, VERSION, SHA256SUMS
SKIPPED_DIRS = {"workspace"}  # the workspace page's modules: the chart does not use them


def _files(source: Path, name: str) -> list[tuple[Path, str]]:
    if source.is_file():
        return [(source, name)]
    found = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or SKIPPED_DIRS & set(relative.parts[:-1]):
            continue
        if path.suffix in SERVED_SUFFIXES and not path.name.startswith("."):
            found.append((path, os.path.normpath(os.path.join(name, str(relative)))))
    return found


def component_files() -> list[tuple[Path, str]]:
    """Every file the component serves: (where it comes from, its path in the folder)."""
    return [item for source, name in PARTS for item in _files(source, name)]


def _digest(files: list[tuple[Path, str]]) -> str:
    digest = hashlib.blake2b(digest_size=10)
    for source, name in files:
        digest.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def component_dir(base: Path | None = None) -> Path:
    """The assembled folder (built once per set of sources)."""
    files = component_files()
    root = (base or Path(tempfile.gettempdir())) / f"superchart-lwc-{_digest(files)}"
    if (root / "index.html").is_file():
        return root
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=root.name + ".", dir=root.parent))
    except OSError as exc:
        raise RuntimeError(
            f"The Lightweight Charts component needs a writable temporary folder ({root.parent}):"
            f" {exc}. Point TMPDIR at one."
        ) from exc
    try:
        for source, name in files:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        staging.chmod(0o755)
        try:
            staging.rename(root)
        except OSError:  # another process got there first: its folder holds the same files
            if not (root / "index.html").is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return root
