"""Symbols from files: every ``*.csv`` / ``*.parquet`` at DATA_DIR's top (plus CSV_PATH), named by
stem, and folders of timeframes (``ALPACA/NFLX/1h/nflx.parquet``, see ``file_tree``), whose
timeframes load their own file or are made from the finest file that divides them.

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

from app.core.errors import DataError, SymbolNotFoundError, TimeframeError, shorten
from app.core.ingest import read_ohlcv_file
from app.core.sources import SymbolInfo
from app.core.sources.file_tree import Listing, SymbolFiles, list_data_dir
from app.core.timeframes import Timeframe, detect_timeframe, parse_timeframe

logger = logging.getLogger(__name__)
# A file rewritten in place must never be served torn: its (inode, size, mtime, ctime) must be
# the same before and after the read, else it is read again, then the last good frame is kept.
# Writers should replace a file by renaming a finished one into place; one that rewrites it in
# place is read only once it has been quiet for QUIET_SECONDS.
READ_ATTEMPTS = 5
RETRY_PAUSE_SECONDS = 0.05
QUIET_SECONDS = 0.25
SETTLE_SECONDS = 2.0  # an unreadable file younger than this is taken as half-written
CACHED_BARS = 10_000_000  # parsed bars kept in memory over all files (~0.5 GB); the newest stays
TREE_RECHECK_SECONDS = 1.0  # folders below DATA_DIR: a new file there is listed within this
# list_symbols' answer is reused this long while the listing is the same, once it holds this
# many symbols (stat'ing thousands of files per search costs tens of ms; a few cost nothing)
LIST_KEEP_SECONDS = 1.0
LIST_KEEP_MIN_SYMBOLS = 500


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


def _folders_changed(folders: list[tuple[str, int]]) -> bool:
    for folder, mtime in folders:
        try:
            if os.stat(folder).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


def _version(path: Path) -> FileVersion:
    """(inode, size, mtime, ctime): a rewrite of the same size within the same mtime tick still
    changes the ctime, and a file replaced by a rename changes the inode."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


class FileSource:
    """Symbols backed by CSV/Parquet files; thread-safe."""

    name = "csv"

    def __init__(
        self,
        data_dir: Path,
        extra_files: tuple[Path, ...] = (),
        *,
        max_bars: int | None = None,
        follow_symlinks: bool = False,
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
        self.follow_symlinks = follow_symlinks
        self._listing: tuple[tuple, Listing] | None = None
        self._listing_checked = 0.0
        self._told: set[str] = set()
        self._symbol_list: tuple[Listing, float, list[SymbolInfo]] | None = None
        self._shown_infos: dict[Path, tuple[SymbolInfo, SymbolFiles, SymbolInfo]] = {}

    # -- the listing ------------------------------------------------------------------------

    def _listing_stamp(self) -> tuple:
        """Changes whenever a file is added, removed or renamed at DATA_DIR's top (the
        directory's mtime) or CSV_PATH appears or goes. Folders below (trees) are looked at
        every TREE_RECHECK_SECONDS."""
        try:
            dir_mtime = os.stat(self.data_dir).st_mtime_ns
        except OSError:
            dir_mtime = None
        return (dir_mtime, tuple(p.is_file() for p in self.extra_files))

    def listing(self) -> Listing:
        """DATA_DIR's symbols (flat files and trees) and notices; reused until it changes."""
        stamp = self._listing_stamp()
        known = self._listing
        now = time.monotonic()
        if known is not None and known[0] == stamp:
            if len(known[1].folders) <= 1 or now - self._listing_checked < TREE_RECHECK_SECONDS:
                return known[1]
            self._listing_checked = now
            if not _folders_changed(known[1].folders[1:]):
                return known[1]
        listing = list_data_dir(
            self.data_dir, self.extra_files, follow_symlinks=self.follow_symlinks
        )
        for note in listing.notices:
            if note not in self._told:
                logger.warning("DATA_DIR: %s", note)
        self._told = set(listing.notices)
        self._listing = (stamp, listing)
        self._listing_checked = now
        return listing

    def _listing_if_current(self) -> Listing | None:
        """The listing while it is known to be current without walking or looking at folders
        below DATA_DIR (one stat); None when it must be looked at again (off the event loop)."""
        known = self._listing
        if known is None or known[0] != self._listing_stamp():
            return None
        age = time.monotonic() - self._listing_checked
        if len(known[1].folders) > 1 and age >= TREE_RECHECK_SECONDS:
            return None
        return known[1]

    def symbol_paths(self) -> dict[str, Path]:
        """Lower-cased symbol (and tree path) -> its finest file."""
        return {key: entry.primary for key, entry in self.listing().symbols.items()}

    def symbol_names(self) -> list[str]:
        """Every symbol's name as shown, by name (unreadable files included)."""
        return sorted((e.name for e in self.listing().unique()), key=str.lower)

    def notices(self) -> list[str]:
        """What the listing left out or hid, and why (name clashes, links out of DATA_DIR)."""
        return list(self.listing().notices)

    def entry(self, symbol: str) -> SymbolFiles:
        """The symbol's files; SymbolNotFoundError with close matches."""
        listing = self.listing()
        entry = listing.symbols.get(str(symbol).strip().lower())
        if entry is None:
            key = str(symbol).strip().lower()
            named = [e.name for e in listing.unique() if e.path.lower().rsplit("/", 1)[-1] == key]
            if len(named) > 1:
                message = (
                    f"{shorten(symbol)!r} is the name of more than one folder: "
                    f"{', '.join(named)}; ask for one by its path."
                )
                raise SymbolNotFoundError(str(symbol), named, message=message)
            lowered = {e.name.lower(): e.name for e in listing.unique()}
            close = difflib.get_close_matches(str(symbol).lower(), list(lowered), n=3, cutoff=0.5)
            raise SymbolNotFoundError(str(symbol), [lowered[c] for c in close])
        return entry

    def _path_for(self, symbol: str, timeframe: Timeframe | None = None) -> Path:
        return self.entry(symbol).file_for(timeframe)[1]

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
                    self._check_inside(path)
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

    def _check_inside(self, path: Path) -> None:
        """A file of DATA_DIR turned into a link out of it since it was listed is not read."""
        if self.follow_symlinks or path in self.extra_files:
            return
        root = os.path.realpath(self.data_dir)
        real = os.path.realpath(path)
        if real != root and not real.startswith(root + os.sep):
            raise DataError(
                f"{path.name}: a link leading out of DATA_DIR; not read "
                "(DATA_FOLLOW_SYMLINKS=true allows it)."
            )

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
        """Every readable symbol (a tree's from its finest file, with its files' timeframes);
        unreadable files are left out of the list, logged once per file version (loading one
        by name still raises its DataError). Past LIST_KEEP_MIN_SYMBOLS symbols the list is
        reused while the listing is the same for up to LIST_KEEP_SECONDS (a search over 5,000
        symbols must not stat 5,000 files): a file's new last bar shows in it within that
        time. Read-only: copy to change it."""
        listing = self.listing()
        kept = self._symbol_list
        now = time.monotonic()
        if (
            kept is not None
            and kept[0] is listing
            and len(kept[2]) >= LIST_KEEP_MIN_SYMBOLS
            and now - kept[1] < LIST_KEEP_SECONDS
        ):
            return kept[2]
        infos = []
        shown: dict[Path, tuple[SymbolInfo, SymbolFiles, SymbolInfo]] = {}
        for entry in listing.unique():
            try:
                base = self._info(entry.primary)
            except DataError:
                continue
            known = self._shown_infos.get(entry.primary)
            if known is not None and known[0] is base and known[1] is entry:
                info = known[2]  # the file and its listing unchanged: no new object
            else:
                tree = entry.timeframes
                info = SymbolInfo(
                    symbol=entry.name,
                    timeframe=tree[0].name if tree else base.timeframe,
                    start=base.start,
                    end=base.end,
                    bars=base.bars,
                    timeframes=_names(tree),
                    notices=entry.notices,
                )
            shown[entry.primary] = (base, entry, info)
            infos.append(info)
        self._shown_infos = shown
        infos.sort(key=lambda info: info.symbol.lower())
        self._symbol_list = (listing, now, infos)
        return infos

    def load(self, symbol: str, timeframe: Timeframe | None = None) -> pd.DataFrame:
        """The bars of the file ``timeframe`` is made from: a flat file's whatever the
        timeframe, a tree's own file for it or the finest that divides it (the caller
        resamples). TimeframeError when it is finer than every file of a tree."""
        return self._load_path(self._path_for(symbol, timeframe)).frame

    def current_frame(
        self, symbol: str, timeframe: Timeframe | str | None = None
    ) -> pd.DataFrame | None:
        """The frame ``load`` would give if it is loaded and its file unchanged, else None.
        Never parses, walks DATA_DIR nor waits (a few stats), so an event loop may call it."""
        listing = self._listing_if_current()
        # Not entry(): an unknown symbol would pay for close matches that nobody reads here.
        entry = None if listing is None else listing.symbols.get(str(symbol).strip().lower())
        if entry is None:
            return None
        try:
            tf = None if timeframe is None else parse_timeframe(timeframe)
            path = entry.file_for(tf)[1]
        except TimeframeError:
            return None
        cached = self._cache.get(path)
        try:
            if cached is not None and cached.version == _version(path):
                return cached.frame
        except OSError:
            pass
        return None

    def version(self, symbol: str, timeframe: Timeframe | None = None) -> FileVersion:
        return self._load_path(self._path_for(symbol, timeframe)).version

    def display_name(self, symbol: str) -> str:
        """The symbol as listed (a file's stem, a folder's name or path); lookup ignores case."""
        return self.entry(symbol).name

    def file_timeframes(self, symbol: str) -> tuple[str, ...]:
        """The timeframes the symbol has files for: a tree's folders, or a flat file's own
        (read from its data)."""
        entry = self.entry(symbol)
        if entry.is_tree:
            return _names(entry.timeframes)
        return (self._info(entry.primary).timeframe,)

    def path_of(self, symbol: str, timeframe: Timeframe | None = None) -> Path:
        """The file ``load`` reads (for following it live)."""
        return self._path_for(symbol, timeframe)


def _names(timeframes: tuple[Timeframe, ...]) -> tuple[str, ...]:
    return tuple(tf.name for tf in timeframes)
