"""Uploaded files, parsed once and held on the server, so EMA toggles do not re-parse them.

The browser keeps only a small reference (digest, file name) in a ``dcc.Store``. Files are held
per process in a small LRU: with several workers, or after a restart, the user is asked to upload
the file again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import PurePath

import pandas as pd

from app.core import DataError, UploadTooLargeError, detect_timeframe, read_ohlcv_bytes

HELD_UPLOADS = 4  # canonical frames of the last few uploads (a 50 MB CSV is ~1M bars, ~50 MB)


@dataclass(frozen=True)
class UploadRef:
    """What the browser keeps: enough to find the parsed frame again and to label it."""

    digest: str
    filename: str
    bars: int
    timeframe: str

    @property
    def symbol(self) -> str:
        return PurePath(self.filename).stem or "upload"

    def to_store(self) -> dict:
        return asdict(self)

    @classmethod
    def from_store(cls, data: dict) -> UploadRef:
        return cls(**data)


def decode_contents(contents: str) -> bytes:
    """``data:<type>;base64,<data>`` from ``dcc.Upload`` -> the file's bytes."""
    _, _, encoded = contents.partition(",")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DataError("The upload arrived damaged (not base64); please try again.") from None


def too_large(filename: str, size: int, max_bytes: int) -> UploadTooLargeError:
    """For a file the browser refused to send (its size only): the core's wording."""
    return UploadTooLargeError(
        f"{PurePath(filename).name}: the file is {size / 2**20:.1f} MB; the limit is "
        f"{max_bytes / 2**20:.1f} MB (UPLOAD_MAX_MB)."
    )


class UploadCache:
    def __init__(self, size: int = HELD_UPLOADS) -> None:
        self.size = size
        self._frames: OrderedDict[str, pd.DataFrame] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, data: bytes, filename: str, *, max_bytes: int) -> tuple[UploadRef, pd.DataFrame]:
        """Parse and hold an upload; DataError (with the core's message) if it is not OHLCV."""
        digest = hashlib.sha256(data).hexdigest()
        frame = self._get(digest)
        if frame is None:
            frame = read_ohlcv_bytes(data, filename, max_bytes=max_bytes)
            with self._lock:
                self._frames[digest] = frame
                while len(self._frames) > self.size:
                    self._frames.popitem(last=False)
        ref = UploadRef(digest, filename, len(frame), detect_timeframe(frame).name)
        return ref, frame

    def frame(self, ref: UploadRef) -> pd.DataFrame:
        frame = self._get(ref.digest)
        if frame is None:
            raise DataError(
                f"{ref.filename} is no longer held by the server (it restarted or holds newer "
                "uploads); please upload it again."
            )
        return frame

    def _get(self, digest: str) -> pd.DataFrame | None:
        with self._lock:
            frame = self._frames.get(digest)
            if frame is not None:
                self._frames.move_to_end(digest)
            return frame
