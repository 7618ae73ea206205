"""Refresh or verify the vendored Lightweight Charts build the chart page serves (no CDN).

``python -m scripts.vendor_js`` fetches the pinned version with ``npm pack`` (npm checks the
registry's integrity hash), keeps the standalone production build and its licence, and writes
``SHA256SUMS`` and ``VERSION``. ``python -m scripts.vendor_js --check`` verifies the copy against
``SHA256SUMS`` without any network.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "app" / "web" / "static" / "vendor" / "lightweight-charts"
PACKAGE = "lightweight-charts"
PINNED_VERSION = "5.2.1"
BUILD = "lightweight-charts.standalone.production.js"
KEPT = {f"package/dist/{BUILD}": BUILD, "package/LICENSE": "LICENSE"}
NPM_TIMEOUT_S = 120


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_sums(folder: Path) -> None:
    lines = [f"{sha256_of(folder / name)}  {name}\n" for name in sorted(KEPT.values())]
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


def refresh(version: str, folder: Path = VENDOR_DIR) -> None:
    """``npm pack`` the version into a temporary folder and copy the kept files over."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to refresh the vendored build: apt-get install npm")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", f"{PACKAGE}@{version}", "--pack-destination", tmp, "--silent"],
            check=True,
            timeout=NPM_TIMEOUT_S,
        )
        tarball = next(Path(tmp).glob("*.tgz"))
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for member, name in KEPT.items():
                source = archive.extractfile(member)
                if source is None:
                    raise SystemExit(f"{tarball.name} holds no {member}")
                (folder / name).write_bytes(source.read())
    (folder / "VERSION").write_text(f"{PACKAGE}@{version}\n")
    write_sums(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=PINNED_VERSION)
    parser.add_argument("--check", action="store_true", help="verify only, no network")
    args = parser.parse_args(argv)
    if not args.check:
        refresh(args.version)
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{VENDOR_DIR.relative_to(ROOT)}: {(VENDOR_DIR / 'VERSION').read_text().strip()} OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
