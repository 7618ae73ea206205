"""A folder Streamlit serves a component from, assembled from files kept elsewhere in the repo.

Streamlit's component server resolves symlinks and refuses any file whose real path leaves the
component's root (``build_safe_abspath``), so shared files (the chart page's modules, plotly.js
from the installed plotly package) cannot be linked in; and a copy kept in git would drift. A
folder is therefore assembled on first use, named after a digest of every file it holds: the
same sources give the same folder (shared by the processes of one machine, rebuilt when a file
changes), and it is written into a fresh folder and renamed into place, so a reader never sees
half of it. Nothing needs a build step: a clean checkout and the Docker image both work.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path

Part = tuple[Path, str]  # (source file or folder, its path in the served folder)


def part_files(
    parts: Sequence[Part], *, suffixes: Collection[str], skipped_dirs: Collection[str] = ()
) -> list[Part]:
    """Every file of ``parts`` to serve (a folder's files with one of ``suffixes``, none from a
    folder named in ``skipped_dirs``, no dot-files): (where it comes from, its path served)."""
    found: list[Part] = []
    for source, name in parts:
        if source.is_file():
            found.append((source, name))
            continue
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if not path.is_file() or set(skipped_dirs) & set(relative.parts[:-1]):
                continue
            if path.suffix in suffixes and not path.name.startswith("."):
                found.append((path, os.path.normpath(os.path.join(name, str(relative)))))
    return found


def _digest(files: Sequence[Part]) -> str:
    digest = hashlib.blake2b(digest_size=10)
    for source, name in files:
        digest.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def assembled_folder(prefix: str, files: Sequence[Part], base: Path | None = None) -> Path:
    """The folder ``<base or TMPDIR>/<prefix>-<digest>`` holding ``files`` (built if missing)."""
    root = (base or Path(tempfile.gettempdir())) / f"{prefix}-{_digest(files)}"
    if (root / "index.html").is_file():
        return root
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=root.name + ".", dir=root.parent))
    except OSError as exc:
        raise RuntimeError(
            f"A chart component needs a writable temporary folder ({root.parent}):"
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
