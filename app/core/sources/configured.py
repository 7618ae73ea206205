"""The sources the settings name (SOURCES, DATA_SOURCE the default), built once per settings
object and shared by every front end in the process."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from app.core.sources import DataSource, SymbolInfo
from app.core.sources.registry import SourceRegistry

if TYPE_CHECKING:  # app.config imports app.core.errors, so import it lazily here
    from app.config import Settings

_registries: dict[int, tuple[Settings, SourceRegistry]] = {}
_registries_lock = threading.Lock()


def get_registry(settings: Settings | None = None) -> SourceRegistry:
    """Every enabled source of ``settings`` (the process's settings when None)."""
    if settings is None:
        from app.config import get_settings

        settings = get_settings()
    with _registries_lock:
        entry = _registries.get(id(settings))
        if entry is not None and entry[0] is settings:
            return entry[1]
        registry = SourceRegistry(settings)
        if len(_registries) >= 8:
            _registries.pop(next(iter(_registries)))
        _registries[id(settings)] = (settings, registry)
        return registry


def get_data_source(settings: Settings | None = None) -> DataSource:
    """The default source (DATA_SOURCE), built once per settings object."""
    registry = get_registry(settings)
    return registry.source(registry.default)


def list_symbols(settings: Settings | None = None) -> list[SymbolInfo]:
    """Every enabled source's symbols, each named as a client reaches it (bare for the default
    source, ``PYTH:...`` for another). A source other than the default that cannot list its
    symbols is left out (``get_registry().list_symbols()`` says which and why)."""
    return get_registry(settings).list_symbols().symbols
