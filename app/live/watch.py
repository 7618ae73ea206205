"""One watcher over DATA_DIR for every followed file: which files changed, as soon as they do.

On Linux the kernel's inotify descriptor is read on the event loop itself (``asyncinotify``,
``loop.add_reader``): a write wakes the loop directly, with no polling interval, no debounce and
no thread in between. Elsewhere ``watchfiles.awatch`` (a Rust watcher polled from a worker
thread) is used, grouping changes over LIVE_WATCH_STEP_MS / LIVE_WATCH_DEBOUNCE_MS.

Events already waiting (a burst of appends) are handed over as one set of paths, so a follower
reads each file once per wake-up. An inotify queue overflow reports every followed file as
changed: a tail read of an unchanged file costs one line's parse.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Iterable
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)

try:  # Linux (and FreeBSD) only
    from asyncinotify import Inotify, Mask
except (ImportError, OSError):  # pragma: no cover - other systems take watchfiles
    Inotify = None  # type: ignore[assignment,misc]


class Follower(Protocol):
    path: Path

    def changed(self) -> Awaitable[None]: ...


def use_inotify() -> bool:
    return Inotify is not None and sys.platform.startswith("linux")


_INOTIFY_MASK = (
    None
    if Inotify is None
    else (
        Mask.MODIFY  # each write(): an append, the forming row rewritten, a truncation
        | Mask.CREATE
        | Mask.MOVED_TO
        | Mask.MOVED_FROM
        | Mask.DELETE
        | Mask.ONLYDIR
    )
)


async def inotify_changes(
    directory: Path, ready: asyncio.Event, watched: dict[Path, object] | None = None
) -> AsyncIterator[set[Path]]:
    """Sets of changed paths in ``directory`` and the folders below it that ``watched`` holds
    (watches are added to it as followers in subfolders come: ``watched[folder] = None`` asks
    for one); an empty set means "anything may have changed" (the kernel's queue overflowed)."""
    watched = {} if watched is None else watched
    with Inotify(sync_timeout=0) as inotify:  # sync_get(): only what is already waiting
        for folder in watched:  # watches of an earlier run are gone with its descriptor
            watched[folder] = None
        inotify.add_watch(directory, _INOTIFY_MASK)
        watched[directory] = inotify
        for folder in list(watched):
            _watch_folder(inotify, watched, folder)
        ready.set()
        while True:
            event = await inotify.get()
            events = [event]
            while (more := inotify.sync_get()) is not None:
                events.append(more)
            gone = {e.path for e in events if Mask.IGNORED in e.mask}
            if directory in gone:
                logger.warning("live: %s is gone; files there are no longer followed", directory)
                return
            for folder in gone & set(watched):  # removed (or replaced): watch it again if back
                watched[folder] = None
            for folder in [f for f, w in watched.items() if w is None]:
                _watch_folder(inotify, watched, folder)
            if any(Mask.Q_OVERFLOW in e.mask for e in events):
                yield set()
                continue
            yield {e.path for e in events if e.name is not None and e.path is not None}


def _watch_folder(inotify: Inotify, watched: dict[Path, object], folder: Path) -> None:
    if watched.get(folder) is not None:
        return
    try:
        inotify.add_watch(folder, _INOTIFY_MASK)
        watched[folder] = inotify
    except OSError as exc:  # gone, or not a folder: its files cannot be followed
        logger.warning("live: cannot watch %s: %s", folder, exc)
        watched[folder] = False


async def watchfiles_changes(
    directory: Path, ready: asyncio.Event, stop: asyncio.Event, debounce_ms: int, step_ms: int
) -> AsyncIterator[set[Path]]:
    from watchfiles import awatch

    watcher = awatch(
        directory,
        debounce=debounce_ms,
        step=step_ms,
        stop_event=stop,
        recursive=True,  # followed files may sit in folders of timeframes
        yield_on_timeout=True,
        rust_timeout=200,
    )
    async for changes in watcher:
        ready.set()
        if changes:
            yield {Path(path) for _change, path in changes}


class DirectoryWatch:
    """Runs while anything is followed; hands each changed file to its followers, in turn."""

    def __init__(self, directory: Path, debounce_ms: int, step_ms: int) -> None:
        self.directory = directory
        # Followers are keyed as the watcher names a changed file: its name under the resolved
        # directory (not the file's own resolved path, which a symlink would make another).
        self.root = directory.resolve()
        self.debounce_ms = debounce_ms
        self.step_ms = step_ms
        self.followers: dict[Path, list[Follower]] = {}
        # Folders below DATA_DIR holding followed files (a tree's timeframe folders): each gets
        # an inotify watch of its own (None: asked for, not added yet).
        self.folders: dict[Path, object] = {}
        self._task: asyncio.Task | None = None
        self._stop: asyncio.Event | None = None
        self._ready: asyncio.Event | None = None

    def key(self, path: Path) -> Path:
        """A followed file as the watcher names it: under the resolved DATA_DIR, by its place
        below it (a file elsewhere, CSV_PATH, by its name)."""
        try:
            return self.root / Path(path).relative_to(self.directory)
        except ValueError:
            return self.root / Path(path).name

    async def add(self, follower: Follower) -> None:
        key = self.key(follower.path)
        self.followers.setdefault(key, []).append(follower)
        if key.parent != self.root:
            self.folders.setdefault(key.parent, None)
        if self._task is None or self._task.done():
            self._stop = asyncio.Event()
            self._ready = asyncio.Event()
            self._task = asyncio.create_task(self._run(self._stop, self._ready))
        assert self._ready is not None
        ready = asyncio.ensure_future(self._ready.wait())
        await asyncio.wait({ready, self._task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        running = self.folders.get(self.root)
        if Inotify is not None and isinstance(running, Inotify) and key.parent != self.root:
            _watch_folder(running, self.folders, key.parent)
        # A change between the load and the watcher starting would be missed: look once.
        await follower.changed()

    def remove(self, follower: Follower) -> None:
        key = self.key(follower.path)
        followers = self.followers.get(key, [])
        if follower in followers:
            followers.remove(follower)
        if not followers:
            self.followers.pop(key, None)
        if not self.followers and self._stop is not None:
            self._stop.set()
            if self._task is not None and use_inotify():
                self._task.cancel()  # watchfiles' thread ends through the stop event instead
            self._task = None

    def _changes(self, stop: asyncio.Event, ready: asyncio.Event) -> AsyncIterator[set[Path]]:
        if use_inotify():
            return inotify_changes(self.root, ready, self.folders)
        return watchfiles_changes(self.root, ready, stop, self.debounce_ms, self.step_ms)

    async def _run(self, stop: asyncio.Event, ready: asyncio.Event) -> None:
        try:
            async for touched in self._changes(stop, ready):
                for path in touched or set(self.followers):
                    await self._notify(path, self.followers.get(path, ()))
        except Exception:
            logger.exception("live: watching %s stopped", self.directory)
        finally:
            ready.set()

    @staticmethod
    async def _notify(path: Path, followers: Iterable[Follower]) -> None:
        for follower in list(followers):
            try:
                await follower.changed()
            except Exception:  # one bad file must not stop the watch
                logger.exception("live: following %s failed", path)
