"""Settings of the file source (DATA_DIR) beyond where it is."""

from __future__ import annotations

from pydantic_settings import BaseSettings


class DataFileSettings(BaseSettings):
    """DATA_FOLLOW_SYMLINKS: a link in DATA_DIR that leads out of it is a symbol only when true
    (a link to /etc/passwd must not be read, nor its first line quoted in an error)."""

    data_follow_symlinks: bool = False
