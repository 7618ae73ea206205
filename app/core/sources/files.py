"""Symbols from files: every ``*.csv`` / ``*.parquet`` at DATA_DIR's top (plus CSV_PATH), named by
stem, and folders of timeframes (``ALPACA/NFLX/1h/nflx.parquet``, see ``file_tree``), whose
timeframes load their own file or are made from the finest file that divides them.

A path is only ever taken from the directory listing, never built from what a user typed.
Reading, the consistent snapshots (never a torn read) and the parsed frames kept in memory per
file version, within a bar budget, are ``parsed_files``' job.
"""

from __future__ import annotations

import difflib
import logging
import os
import time
from pathlib import Path

import pandas as pd

from app.core.errors import DataError, SymbolNotFoundError, TimeframeError, shorten
from app.core.sources import SymbolInfo
from app.core.sources.file_tree import Listing, SymbolFiles, list_data_dir
from app.core.sources.parsed_files import CachedFile, FileVersion, ParsedFiles
from app.core.timeframes import Timeframe, parse_timeframe

logger = logging.getLogger(__name__)
TREE_RECHECK_SECONDS = 1.0  # folders below DATA_DIR: a new file there is listed within this
# list_symbols' answer is reused this long while the listing is the same, once it holds this
# many symbols (stat'ing thousands of files per search costs tens of ms; a few cost nothing)
LIST_KEEP_SECONDS = 1.0
LIST_KEEP_MIN_SYMBOLS = 500


def _folders_changed(folders: list[tuple[str, int]]) -> bool:
    for folder, mtime in folders:
        try:
            if os.stat(folder).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


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
        self._files = ParsedFiles(max_bars=max_bars, check=self._check_inside)
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

    @property
    def cached_bars(self) -> int:
        """Parsed bars kept in memory over all files (see ``parsed_files``)."""
        return self._files.cached_bars

    @cached_bars.setter
    def cached_bars(self, bars: int) -> None:
        self._files.cached_bars = bars

    def _load_path(self, path: Path) -> CachedFile:
        return self._files.load(path)

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

    def _info(self, path: Path) -> SymbolInfo:
        return self._files.info(path)

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
        return self._files.current(path)

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
