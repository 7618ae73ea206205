"""Parsed files kept in memory per file version, read as consistent snapshots.

A file's version is (inode, size, mtime, ctime). A read is only kept when the version is the
same before and after it; a file rewritten in place is read again, and while it keeps changing
the last good frame is served (never a torn one). A file that would not parse has its error
kept per version too, so it is not re-parsed and re-logged. Frames are kept up to
``cached_bars`` bars in all, least recently used out first (a folder of many 1M-bar files must
not stay in memory whole); each file's SymbolInfo is kept apart, so listing symbols re-reads no
file whose frame was let go.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from app.core.errors import DataError
from app.core.ingest import read_ohlcv_file
from app.core.sources import SymbolInfo
from app.core.timeframes import detect_timeframe

logger = logging.getLogger(__name__)
# Writers should replace a file by renaming a finished one into place; one that rewrites it in
# place is read only once it has been quiet for QUIET_SECONDS.
READ_ATTEMPTS = 5
RETRY_PAUSE_SECONDS = 0.05
QUIET_SECONDS = 0.25
SETTLE_SECONDS = 2.0  # an unreadable file younger than this is taken as half-written
CACHED_BARS = 10_000_000  # parsed bars kept in memory over all files (~0.5 GB); the newest stays

FileVersion = tuple[int, int, int, int]


@dataclass(frozen=True)
class CachedFile:
    version: FileVersion
    frame: pd.DataFrame
    info: SymbolInfo


@dataclass(frozen=True)
class ParseFailure:
    """A file version that did not parse: its error is repeated, not re-parsed and re-logged."""

    version: FileVersion
    error_type: type[DataError]
    message: str


def file_version(path: Path) -> FileVersion:
    """(inode, size, mtime, ctime): a rewrite of the same size within the same mtime tick still
    changes the ctime, and a file replaced by a rename changes the inode."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def stat_or_error(path: Path) -> FileVersion:
    try:
        return file_version(path)
    except FileNotFoundError:
        raise DataError(f"{path.name}: the file disappeared while being read.") from None


def last_good(path: Path, cached: CachedFile | None, why: str) -> CachedFile:
    """The last frame read whole, while the file is being rewritten (never a torn read)."""
    if cached is None:
        raise DataError(f"{path.name}: the file {why.split(' and ')[0]}; try again in a moment.")
    logger.warning("%s %s; serving its last good version.", path.name, why)
    return cached


class ParsedFiles:
    """Parsed frames and infos per file version; thread-safe, one parse per file at a time."""

    def __init__(
        self, *, max_bars: int | None, check: Callable[[Path], None] = lambda path: None
    ) -> None:
        self.max_bars = max_bars  # None: MAX_BARS from the settings
        self.check = check  # raises DataError for a path that must not be read
        self.cached_bars = CACHED_BARS
        self._cache: OrderedDict[Path, CachedFile] = OrderedDict()  # least recently used first
        self._infos: dict[Path, tuple[FileVersion, SymbolInfo]] = {}
        self._failures: dict[Path, ParseFailure] = {}
        self._lock = threading.Lock()
        self._path_locks: dict[Path, threading.Lock] = {}

    def load(self, path: Path) -> CachedFile:
        """The file's frame at its current version: from memory while unchanged, else parsed."""
        with self._lock:
            path_lock = self._path_locks.setdefault(path, threading.Lock())
        with path_lock:  # one parse per file at a time; other files load in parallel
            cached = self._cache.get(path)
            if cached is not None:
                with self._lock:
                    if path in self._cache:
                        self._cache.move_to_end(path)
            for attempt in range(READ_ATTEMPTS):
                version = stat_or_error(path)
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
                    self.check(path)
                    frame = read_ohlcv_file(path, max_bars=self.max_bars)
                except DataError as exc:
                    error = exc
                try:
                    stable = file_version(path) == version
                except FileNotFoundError:
                    stable = False
                if stable:
                    break
                time.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))  # being rewritten: read again
            else:
                return last_good(path, cached, "kept changing while being read")
            if error is not None:
                if cached is not None and time.time() - version[2] / 1e9 < SETTLE_SECONDS:
                    # Just written, and unreadable: most likely caught half-way through.
                    return last_good(path, cached, f"was just rewritten and reads as: {error}")
                self._failures[path] = ParseFailure(version, type(error), str(error))
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
            cached = CachedFile(version, frame, info)
            self._keep(path, cached)
            return cached

    def _keep(self, path: Path, cached: CachedFile) -> None:
        """Remember a parsed file; let the least recently used frames go past ``cached_bars``."""
        with self._lock:
            self._infos[path] = (cached.version, cached.info)
            self._cache[path] = cached
            self._cache.move_to_end(path)
            total = sum(len(entry.frame) for entry in self._cache.values())
            while total > self.cached_bars and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                total -= len(dropped.frame)

    def info(self, path: Path) -> SymbolInfo:
        """A file's SymbolInfo: from memory while the file is unchanged, else parsed."""
        known = self._infos.get(path)
        if known is not None and known[0] == stat_or_error(path):
            return known[1]
        return self.load(path).info

    def current(self, path: Path) -> pd.DataFrame | None:
        """The frame kept for the file if its version is unchanged, else None (a stat, never a
        parse: an event loop may call it)."""
        cached = self._cache.get(path)
        try:
            if cached is not None and cached.version == file_version(path):
                return cached.frame
        except OSError:
            pass
        return None
