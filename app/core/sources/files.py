"""Symbols from files: every ``*.csv`` / ``*.parquet`` in DATA_DIR (plus CSV_PATH), named by stem.

A read is a consistent snapshot: the file's version is the same before and after it (else it is
read again, and while it keeps changing the last good frame is served).

A path is only ever taken from the directory listing, never built from what a user typed. Parsed
frames, and the error of a file that would not parse, are kept in memory per file version (inode,
size, modification and change times) and re-read when the file changes. Frames are kept up to
CACHED_BARS bars in all, least recently used out first (a folder of many 1M-bar files must not
stay in memory whole); each file's SymbolInfo is kept apart, so listing symbols re-reads no file
whose frame was let go.
"""

from __future__ import annotations

import difflib
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from app.core.errors import DataError, SymbolNotFoundError
from app.core.ingest import read_ohlcv_file
from app.core.sources import SymbolInfo
from app.core.timeframes import Timeframe, detect_timeframe

logger = logging.getLogger(__name__)
SUFFIXES = (".csv", ".parquet")
# A file rewritten in place must never be served torn: its (inode, size, mtime, ctime) must be
# the same before and after the read, else it is read again, then the last good frame is kept.
# Writers should replace a file by renaming a finished one into place; one that rewrites it in
# place is read only once it has been quiet for QUIET_SECONDS.
READ_ATTEMPTS = 5
RETRY_PAUSE_SECONDS = 0.05
QUIET_SECONDS = 0.25
SETTLE_SECONDS = 2.0  # an unreadable file younger than this is taken as half-written
CACHED_BARS = 10_000_000  # parsed bars kept in memory over all files (~0.5 GB); the newest stays


FileVersion = tuple[int, int, int, int]


@dataclass(frozen=True)
class _Cached:
    version: FileVersion
    frame: pd.DataFrame
    info: SymbolInfo


@dataclass(frozen=True)
class _Failure:
    """A file version that did not parse: its error is repeated, not re-parsed and re-logged."""

    version: FileVersion
    error_type: type[DataError]
    message: str


def _version(path: Path) -> FileVersion:
    """(inode, size, mtime, ctime): a rewrite of the same size within the same mtime tick still
    changes the ctime, and a file replaced by a rename changes the inode."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


class FileSource:
    """Symbols backed by CSV/Parquet files; thread-safe."""

    name = "csv"

    def __init__(
        self, data_dir: Path, extra_files: tuple[Path, ...] = (), *, max_bars: int | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        self.max_bars = max_bars  # None: MAX_BARS from the settings
        self.extra_files = tuple(Path(p) for p in extra_files)
        self.cached_bars = CACHED_BARS
        self._cache: OrderedDict[Path, _Cached] = OrderedDict()  # least recently used first
        self._infos: dict[Path, tuple[FileVersion, SymbolInfo]] = {}
        self._failures: dict[Path, _Failure] = {}
        self._lock = threading.Lock()
        self._path_locks: dict[Path, threading.Lock] = {}
        self._listing: tuple[tuple, dict[str, Path]] | None = None

    # -- the listing ------------------------------------------------------------------------

    def _listing_stamp(self) -> tuple:
        """Changes whenever a file is added, removed or renamed in DATA_DIR (the directory's
        mtime) or CSV_PATH appears or goes."""
        try:
            dir_mtime = os.stat(self.data_dir).st_mtime_ns
        except OSError:
            dir_mtime = None
        return (dir_mtime, tuple(p.is_file() for p in self.extra_files))

    def symbol_paths(self) -> dict[str, Path]:
        """Lower-cased symbol -> file, from the directory listing (Parquet wins a stem clash).
        The listing is reused until the directory changes."""
        stamp = self._listing_stamp()
        listing = self._listing
        if listing is not None and listing[0] == stamp:
            return listing[1]
        found = self._list_files()
        self._listing = (stamp, found)
        return found

    def _list_files(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        candidates: list[Path] = []
        try:
            with os.scandir(self.data_dir) as entries:
                candidates = [
                    Path(entry.path)
                    for entry in entries
                    if entry.is_file()
                    and not entry.name.startswith(".")
                    and entry.name.lower().endswith(SUFFIXES)
                ]
        except FileNotFoundError:
            logger.warning("DATA_DIR %s does not exist; no file symbols.", self.data_dir)
        candidates.extend(p for p in self.extra_files if p.is_file())
        for path in sorted(candidates, key=lambda p: (p.suffix.lower() == ".parquet", p.name)):
            key = path.stem.lower()
            if key in found and found[key].resolve() != path.resolve():
                logger.warning(
                    "Symbol %r: using %s over %s.", path.stem, path.name, found[key].name
                )
            found[key] = path
        return found

    def _path_for(self, symbol: str) -> Path:
        paths = self.symbol_paths()
        path = paths.get(str(symbol).strip().lower())
        if path is None:
            names = [p.stem for p in paths.values()]
            lowered = {n.lower(): n for n in names}
            close = difflib.get_close_matches(str(symbol).lower(), list(lowered), n=3, cutoff=0.5)
            raise SymbolNotFoundError(str(symbol), [lowered[c] for c in close])
        return path

    # -- loading ----------------------------------------------------------------------------

    def _load_path(self, path: Path) -> _Cached:
        with self._lock:
            path_lock = self._path_locks.setdefault(path, threading.Lock())
        with path_lock:  # one parse per file at a time; other files load in parallel
            cached = self._cache.get(path)
            if cached is not None:
                with self._lock:
                    if path in self._cache:
                        self._cache.move_to_end(path)
            for attempt in range(READ_ATTEMPTS):
                version = self._stat(path)
                if cached is not None and cached.version == version:
                    return cached
                failure = self._failures.get(path)
                if failure is not None and failure.version == version:
                    raise failure.error_type(failure.message)
                if 0 <= time.time() - version[2] / 1e9 < QUIET_SECONDS:
                    # Written a moment ago: the writer may be between two pieces of a rewrite
                    # (the file torn on disk, and still between our two stats). Let it settle.
                    time.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
                    continue
                frame, error = None, None
                try:
                    frame = read_ohlcv_file(path, max_bars=self.max_bars)
                except DataError as exc:
                    error = exc
                try:
                    stable = _version(path) == version
                except FileNotFoundError:
                    stable = False
                if stable:
                    break
                time.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))  # being rewritten: read again
            else:
                return self._last_good(path, cached, "kept changing while being read")
            if error is not None:
                if cached is not None and time.time() - version[2] / 1e9 < SETTLE_SECONDS:
                    # Just written, and unreadable: most likely caught half-way through.
                    return self._last_good(
                        path, cached, f"was just rewritten and reads as: {error}"
                    )
                self._failures[path] = _Failure(version, type(error), str(error))
                logger.warning(
                    "%s cannot be read (left out of the symbol list): %s", path.name, error
                )
                raise error
            assert frame is not None
            self._failures.pop(path, None)
            times = frame["time"]
            info = SymbolInfo(
                symbol=path.stem,
                timeframe=detect_timeframe(frame).name,
                start=times.iloc[0],
                end=times.iloc[-1],
                bars=len(frame),
            )
            cached = _Cached(version, frame, info)
            self._keep(path, cached)
            return cached

    def _keep(self, path: Path, cached: _Cached) -> None:
        """Remember a parsed file; let the least recently used frames go past ``cached_bars``."""
        with self._lock:
            self._infos[path] = (cached.version, cached.info)
            self._cache[path] = cached
            self._cache.move_to_end(path)
            total = sum(len(entry.frame) for entry in self._cache.values())
            while total > self.cached_bars and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                total -= len(dropped.frame)

    def _info(self, path: Path) -> SymbolInfo:
        """A file's SymbolInfo: from memory while the file is unchanged, else parsed."""
        known = self._infos.get(path)
        if known is not None and known[0] == self._stat(path):
            return known[1]
        return self._load_path(path).info

    @staticmethod
    def _stat(path: Path) -> FileVersion:
        try:
            return _version(path)
        except FileNotFoundError:
            raise DataError(f"{path.name}: the file disappeared while being read.") from None

    @staticmethod
    def _last_good(path: Path, cached: _Cached | None, why: str) -> _Cached:
        """The last frame read whole, while the file is being rewritten (never a torn read)."""
        if cached is None:
            raise DataError(
                f"{path.name}: the file {why.split(' and ')[0]}; try again in a moment."
            )
        logger.warning("%s %s; serving its last good version.", path.name, why)
        return cached

    def list_symbols(self) -> list[SymbolInfo]:
        """Every readable symbol; unreadable files are left out of the list, logged once per
        file version (loading one by name still raises its DataError)."""
        infos = []
        for path in self.symbol_paths().values():
            try:
                infos.append(self._info(path))
            except DataError:
                continue
        return sorted(infos, key=lambda info: info.symbol.lower())

    def load(self, symbol: str, timeframe: Timeframe | None = None) -> pd.DataFrame:
        """The symbol's native bars (``timeframe`` is the caller's business: it resamples)."""
        return self._load_path(self._path_for(symbol)).frame

    def current_frame(self, symbol: str) -> pd.DataFrame | None:
        """The symbol's frame if it is loaded and its file unchanged, else None. Never parses
        nor waits for a parse (one stat), so an event loop may call it."""
        # Not _path_for: an unknown symbol would pay for close matches that nobody reads here.
        path = self.symbol_paths().get(str(symbol).strip().lower())
        if path is None:
            return None
        cached = self._cache.get(path)
        try:
            if cached is not None and cached.version == _version(path):
                return cached.frame
        except OSError:
            pass
        return None

    def version(self, symbol: str) -> FileVersion:
        return self._load_path(self._path_for(symbol)).version

    def display_name(self, symbol: str) -> str:
        """The symbol as its file spells it (lookup is case-insensitive)."""
        return self._path_for(symbol).stem
