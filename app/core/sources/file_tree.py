"""What DATA_DIR holds: flat files (``GOOG.csv``) and folders of timeframes
(``ALPACA/NFLX/1h/nflx_1h.parquet``), read into one listing of symbols.

A symbol from a tree is named by its folder (``NFLX``); when two groups hold the same name (or a
flat file has it), the folders go by their path (``ALPACA/NFLX``, ``IEX/NFLX``). A folder's path
always answers too. A link that leads out of DATA_DIR is not a symbol (unless
DATA_FOLLOW_SYMLINKS), and is named in the listing's notices (never its target). So is every
name clash: which file was used, which was left out.

The walk is bounded (depth and entries): past either, what was left is said in a notice.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import TimeframeError, shorten
from app.core.timeframes import MONTH, TIMEFRAMES, Timeframe, parse_timeframe

SUFFIXES = (".csv", ".parquet")
MAX_DEPTH = 8  # folders below DATA_DIR: groups, the symbol, its timeframe
MAX_ENTRIES = 50_000  # directory entries looked at in one listing
_DAY = 86_400


@dataclass(frozen=True)
class SymbolFiles:
    """One symbol and its files: ``(None, path)`` for a flat file (its timeframe is the data's),
    else one ``(timeframe, path)`` per timeframe folder, finest first."""

    name: str  # as shown: a file's stem, a folder's name, or its path when the name clashes
    files: tuple[tuple[Timeframe | None, Path], ...]
    path: str = ""  # a tree's folder path under DATA_DIR (GROUP/SYMBOL); "" for a flat file
    notices: tuple[str, ...] = ()

    @property
    def primary(self) -> Path:
        """The finest file (the one loaded when no timeframe is asked for)."""
        return self.files[0][1]

    @property
    def is_tree(self) -> bool:
        return self.files[0][0] is not None

    @property
    def timeframes(self) -> tuple[Timeframe, ...]:
        return tuple(tf for tf, _ in self.files if tf is not None)

    def file_for(self, timeframe: Timeframe | None) -> tuple[Timeframe | None, Path]:
        """The file to load for ``timeframe``: its own, else the finest whose bars divide it
        (1h for 4h, 1d for a month), else the finest not finer than it. TimeframeError naming
        the files when ``timeframe`` is finer than every one of them."""
        if timeframe is None or not self.is_tree:
            return self.files[0]
        chosen = pick_file_timeframe(self.timeframes, timeframe)
        if chosen is None:
            have = ", ".join(tf.name for tf in self.timeframes)
            raise TimeframeError(
                f"Timeframe {timeframe.name} is finer than every file of {self.name} "
                f"(it has {have}); choose one of: {', '.join(reachable_names(self.timeframes))}."
            )
        return next(item for item in self.files if item[0] is chosen)


def divides(source: Timeframe, target: Timeframe) -> bool:
    """Whether bins of ``target`` are whole runs of ``source`` bins (UTC-aligned): 1h divides 4h
    and 1d; 1d divides 1w and a month; 1w divides no month."""
    if source is target:
        return True
    if source is MONTH:
        return False
    if target is MONTH:
        return source.seconds <= _DAY and _DAY % source.seconds == 0
    return target.seconds % source.seconds == 0


def pick_file_timeframe(available: Iterable[Timeframe], target: Timeframe) -> Timeframe | None:
    """The file timeframe ``target`` is made from (see ``SymbolFiles.file_for``)."""
    finest_first = sorted(available, key=lambda tf: tf.seconds)
    if target in finest_first:
        return target
    for tf in finest_first:
        if tf.seconds < target.seconds and divides(tf, target):
            return tf
    for tf in finest_first:
        if tf.seconds <= target.seconds:
            return tf
    return None


def reachable_names(available: Iterable[Timeframe]) -> list[str]:
    """Every timeframe that files of ``available`` timeframes can give, finest first."""
    available = tuple(available)
    return [name for name, tf in TIMEFRAMES.items() if pick_file_timeframe(available, tf)]


def timeframe_of_folder(name: str) -> Timeframe | None:
    """``1h``, ``H1``, ``1d``, ``D``, ``1M``... -> the timeframe a folder is named after."""
    try:
        return parse_timeframe(name)
    except TimeframeError:
        return None


@dataclass
class Listing:
    """Lower-cased name (and tree path) -> SymbolFiles; the notices to show with the list; the
    folders walked, with their modification times (the listing is stale when one changes)."""

    symbols: dict[str, SymbolFiles] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    folders: list[tuple[str, int]] = field(default_factory=list)

    def unique(self) -> list[SymbolFiles]:
        seen: dict[int, SymbolFiles] = {}
        for entry in self.symbols.values():
            seen.setdefault(id(entry), entry)
        return list(seen.values())


@dataclass
class _Walk:
    root: Path
    root_real: str
    follow_symlinks: bool
    flat: list[Path] = field(default_factory=list)
    # (group parts, symbol folder, timeframe) -> data files in that timeframe folder
    trees: dict[tuple[tuple[str, ...], str], dict[Timeframe, list[Path]]] = field(
        default_factory=dict
    )
    notices: list[str] = field(default_factory=list)
    folders: list[tuple[str, int]] = field(default_factory=list)
    entries: int = 0
    cut: bool = False
    visited: set[str] = field(default_factory=set)

    def inside(self, real: str) -> bool:
        return real == self.root_real or real.startswith(self.root_real + os.sep)

    def allowed(self, entry: os.DirEntry, shown: str) -> bool:
        """A link is followed only while it stays inside DATA_DIR (or DATA_FOLLOW_SYMLINKS)."""
        if not entry.is_symlink():
            return True
        real = os.path.realpath(entry.path)
        if self.inside(real) or self.follow_symlinks:
            return True
        self.notices.append(
            f"{shorten(shown)}: a link leading out of DATA_DIR, not listed "
            "(DATA_FOLLOW_SYMLINKS=true allows it)."
        )
        return False

    def walk(self, folder: Path, parts: tuple[str, ...]) -> None:
        real = os.path.realpath(folder)
        if real in self.visited:  # a link back to a folder already walked
            return
        self.visited.add(real)
        try:
            self.folders.append((str(folder), os.stat(folder).st_mtime_ns))
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            self.entries += 1
            if self.entries > MAX_ENTRIES:
                self.cut = True
                return
            if entry.name.startswith("."):
                continue
            shown = "/".join((*parts, entry.name))
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_file and entry.name.lower().endswith(SUFFIXES):
                if not parts and self.allowed(entry, shown):
                    self.flat.append(Path(entry.path))
            elif is_dir and self.allowed(entry, shown + "/"):
                timeframe = timeframe_of_folder(entry.name) if len(parts) >= 1 else None
                if timeframe is not None:
                    self.timeframe_folder(Path(entry.path), parts, timeframe)
                elif len(parts) < MAX_DEPTH:
                    self.walk(Path(entry.path), (*parts, entry.name))
                else:
                    self.cut = True

    def timeframe_folder(self, folder: Path, parts: tuple[str, ...], tf: Timeframe) -> None:
        """``<groups>/<SYMBOL>/<tf>/``: its data files (a link out of DATA_DIR left out)."""
        try:
            self.folders.append((str(folder), os.stat(folder).st_mtime_ns))
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        files: list[Path] = []
        for entry in entries:
            self.entries += 1
            if self.entries > MAX_ENTRIES:
                self.cut = True
                break
            shown = "/".join((*parts, folder.name, entry.name))
            if (
                not entry.name.startswith(".")
                and entry.name.lower().endswith(SUFFIXES)
                and entry.is_file()
                and self.allowed(entry, shown)
            ):
                files.append(Path(entry.path))
        if files:
            per_tf = self.trees.setdefault((parts[:-1], parts[-1]), {})
            per_tf.setdefault(tf, []).extend(files)


def list_data_dir(
    root: Path, extra_files: Iterable[Path] = (), *, follow_symlinks: bool = False
) -> Listing:
    """Walk DATA_DIR once: its flat files, its trees, and what was left out and why."""
    root = Path(root)
    walk = _Walk(root, os.path.realpath(root), follow_symlinks)
    if root.is_dir():
        walk.walk(root, ())
    else:
        walk.notices.append("DATA_DIR does not exist; no file symbols.")
    if walk.cut:
        walk.notices.append(
            f"DATA_DIR holds more than {MAX_ENTRIES:,} entries or folders deeper than "
            f"{MAX_DEPTH}; the rest are not listed."
        )
    listing = Listing(notices=walk.notices, folders=walk.folders)
    flat = _flat_symbols(walk.flat + [p for p in extra_files if p.is_file()], listing.notices)
    for key, entry in flat.items():
        listing.symbols[key] = entry
    _add_trees(walk.trees, listing)
    return listing


def _preferred(paths: list[Path]) -> list[Path]:
    """Parquet before CSV, then by name: the first is used."""
    return sorted(paths, key=lambda p: (p.suffix.lower() != ".parquet", p.name))


def _flat_symbols(paths: list[Path], notices: list[str]) -> dict[str, SymbolFiles]:
    by_stem: dict[str, list[Path]] = {}
    for path in paths:
        same = by_stem.setdefault(path.stem.lower(), [])
        if not any(p.resolve() == path.resolve() for p in same):
            same.append(path)
    symbols: dict[str, SymbolFiles] = {}
    for key, candidates in by_stem.items():
        ordered = _preferred(candidates)
        used, hidden = ordered[0], ordered[1:]
        own: tuple[str, ...] = ()
        if hidden:
            note = (
                f"{shorten(used.stem)}: {', '.join(shorten(p.name) for p in hidden)} "
                f"{'is' if len(hidden) == 1 else 'are'} hidden behind {shorten(used.name)} "
                "(one file per symbol; rename one to see both)."
            )
            notices.append(note)
            own = (note,)
        symbols[key] = SymbolFiles(used.stem, ((None, used),), notices=own)
    return symbols


def _add_trees(
    trees: dict[tuple[tuple[str, ...], str], dict[Timeframe, list[Path]]], listing: Listing
) -> None:
    names: dict[str, int] = {}
    for _group, folder in trees:
        names[folder.lower()] = names.get(folder.lower(), 0) + 1
    for (group, folder), per_tf in sorted(trees.items()):
        path = "/".join((*group, folder))
        own: list[str] = []
        files: list[tuple[Timeframe | None, Path]] = []
        for tf in sorted(per_tf, key=lambda t: t.seconds):
            ordered = _preferred(per_tf[tf])
            files.append((tf, ordered[0]))
            if len(ordered) > 1:
                own.append(
                    f"{shorten(path)}/{ordered[0].parent.name}: using {shorten(ordered[0].name)}; "
                    f"{', '.join(shorten(p.name) for p in ordered[1:])} left out (one file per "
                    "timeframe)."
                )
        flat_named = (
            folder.lower() in listing.symbols and not listing.symbols[folder.lower()].is_tree
        )
        name = path if names[folder.lower()] > 1 or flat_named else folder
        if flat_named and path.lower() == folder.lower():  # DATA_DIR/NFLX/ beside NFLX.csv
            note = f"{shorten(path)}/: hidden behind the file of the same name."
            listing.notices.append(note)
            continue
        if flat_named:
            own.append(f"{shorten(folder)}: a file has this name, so the folder is {path}.")
        entry = SymbolFiles(name, tuple(files), path=path, notices=tuple(own))
        listing.notices.extend(own)
        listing.symbols.setdefault(name.lower(), entry)
        listing.symbols.setdefault(path.lower(), entry)
