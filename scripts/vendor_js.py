"""Refresh or verify the vendored JavaScript builds we serve (no CDN): the chart page's
Lightweight Charts and the Plotly engine's plotly.js finance bundle (Dash and Streamlit).

``python -m scripts.vendor_js`` fetches each pinned version with ``npm pack`` (npm checks the
registry's integrity hash), keeps the build and its licence, and writes ``SHA256SUMS`` and
``VERSION``. ``python -m scripts.vendor_js --check`` verifies the copies against ``SHA256SUMS``
without any network.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.charts import plotly_bundle

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "app" / "web" / "static" / "vendor" / "lightweight-charts"
PACKAGE = "lightweight-charts"
PINNED_VERSION = "5.2.1"
BUILD = "lightweight-charts.standalone.production.js"
KEPT = {f"package/dist/{BUILD}": BUILD, "package/LICENSE": "LICENSE"}
NPM_TIMEOUT_S = 120


@dataclass(frozen=True)
class Vendored:
    package: str
    version: str
    folder: Path
    kept: dict[str, str]  # file in the npm tarball -> name in the folder


LIGHTWEIGHT_CHARTS = Vendored(PACKAGE, PINNED_VERSION, VENDOR_DIR, KEPT)
# The Plotly engine's plotly.js, Dash's and Streamlit's (app.charts.plotly_bundle says why).
PLOTLY_FINANCE = Vendored(
    plotly_bundle.PACKAGE,
    plotly_bundle.VERSION,
    plotly_bundle.FOLDER,
    {f"package/{plotly_bundle.BUILD}": plotly_bundle.BUILD, "package/LICENSE": "LICENSE"},
)
VENDORED = (LIGHTWEIGHT_CHARTS, PLOTLY_FINANCE)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_sums(folder: Path, kept: dict[str, str] = KEPT) -> None:
    lines = [f"{sha256_of(folder / name)}  {name}\n" for name in sorted(kept.values())]
    (folder / "SHA256SUMS").write_text("".join(lines))


def check(folder: Path = VENDOR_DIR) -> list[str]:
    """Problems with the vendored copy (empty when every file matches its checksum)."""
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        return [f"{sums} is missing: run make vendor-js"]
    problems = []
    for line in sums.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        path = folder / name.strip()
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif sha256_of(path) != digest:
            problems.append(f"{path} does not match SHA256SUMS")
    return problems


def refresh(version: str, folder: Path = VENDOR_DIR, spec: Vendored = LIGHTWEIGHT_CHARTS) -> None:
    """``npm pack`` the version into a temporary folder and copy the kept files over."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to refresh the vendored build: apt-get install npm")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", f"{spec.package}@{version}", "--pack-destination", tmp, "--silent"],
            check=True,
            timeout=NPM_TIMEOUT_S,
        )
        tarball = next(Path(tmp).glob("*.tgz"))
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for member, name in spec.kept.items():
                source = archive.extractfile(member)
                if source is None:
                    raise SystemExit(f"{tarball.name} holds no {member}")
                (folder / name).write_bytes(source.read())
    (folder / "VERSION").write_text(f"{spec.package}@{version}\n")
    write_sums(folder, spec.kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only, no network")
    args = parser.parse_args(argv)
    failed = False
    for spec in VENDORED:
        if not args.check:
            refresh(spec.version, spec.folder, spec)
        problems = check(spec.folder)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            version = (spec.folder / "VERSION").read_text().strip()
            print(f"{spec.folder.relative_to(ROOT)}: {version} OK")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
