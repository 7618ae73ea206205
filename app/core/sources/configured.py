"""The data source DATA_SOURCE names (files, a broker's REST API or exchanges), built once per
settings object and shared by every front end in the process."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from app.core.sources import DataSource, SymbolInfo

if TYPE_CHECKING:  # app.config imports app.core.errors, so import it lazily here
    from app.config import Settings

_sources: dict[int, tuple[Settings, DataSource]] = {}
_sources_lock = threading.Lock()


def get_data_source(settings: Settings | None = None) -> DataSource:
    """The configured source (DATA_SOURCE), built once per settings object."""
    if settings is None:
        from app.config import get_settings

        settings = get_settings()
    with _sources_lock:
        entry = _sources.get(id(settings))
        if entry is not None and entry[0] is settings:
            return entry[1]
        source = _build_source(settings)
        if len(_sources) >= 8:
            _sources.pop(next(iter(_sources)))
        _sources[id(settings)] = (settings, source)
        return source


def _build_source(settings: Settings) -> DataSource:
    if settings.data_source == "api":
        from app.core.sources.api import ApiSource

        return ApiSource.from_settings(settings)
    if settings.data_source == "exchange":
        from app.core.sources.exchange import ExchangeSource

        return ExchangeSource.from_settings(settings)
    from app.core.sources.files import FileSource

    return FileSource(
        settings.data_dir,
        extra_files=(settings.csv_path,),
        max_bars=settings.max_bars,
        follow_symlinks=settings.data_follow_symlinks,
    )


def list_symbols(settings: Settings | None = None) -> list[SymbolInfo]:
    return get_data_source(settings).list_symbols()
