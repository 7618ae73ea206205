"""Unpacking an uploaded ``.csv.gz`` or ``.zip`` (exactly one CSV inside), bounded.

The decompressed size is capped as well as the upload's: a 1 MB zip bomb must not become 10 GB
in memory. Sizes declared in a zip's directory are checked first, and then the bytes really read,
since the directory can lie.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from pathlib import PurePosixPath

from app.core.errors import DataError, UploadTooLargeError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_CHUNK = 1 << 20


def is_gzip(data: bytes, label: str) -> bool:
    return label.lower().endswith(".gz") or data[:2] == GZIP_MAGIC


def is_zip(data: bytes, label: str) -> bool:
    return label.lower().endswith(".zip") or data[:4] == ZIP_MAGIC


def gunzip(data: bytes, label: str, max_bytes: int) -> bytes:
    """The decompressed bytes (every gzip member); UploadTooLargeError past ``max_bytes``."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{label}: not a readable gzip file ({exc}).") from None
    if len(out) > max_bytes:
        raise _too_large(label, max_bytes)
    return out


def unzip_one_csv(data: bytes, label: str, max_bytes: int) -> tuple[bytes, str]:
    """The one CSV inside a zip and its name; DataError when there is none or several."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(f"{label}: not a readable zip file ({exc}).") from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not PurePosixPath(info.filename).name.startswith(".")
            and not info.filename.startswith("__MACOSX/")
        ]
        csvs = [info for info in members if info.filename.lower().endswith(CSV_SUFFIXES)]
        if len(csvs) != 1:
            found = ", ".join(repr(info.filename) for info in members[:6]) or "nothing"
            more = f" and {len(members) - 6} more" if len(members) > 6 else ""
            raise DataError(
                f"{label}: a zip upload must hold exactly one .csv file; it holds {found}{more}."
            )
        (member,) = csvs
        if member.file_size > max_bytes:
            raise _too_large(label, max_bytes)
        try:
            with archive.open(member) as stream:
                out = stream.read(max_bytes + 1)
        except (zipfile.BadZipFile, OSError, zlib.error, RuntimeError, NotImplementedError) as exc:
            raise DataError(f"{label}: could not unpack {member.filename!r} ({exc}).") from None
    if len(out) > max_bytes:
        raise _too_large(label, max_bytes)
    return out, PurePosixPath(member.filename).name


def _too_large(label: str, max_bytes: int) -> UploadTooLargeError:
    return UploadTooLargeError(
        f"{label}: the unpacked file is larger than {max_bytes / (1024 * 1024):.1f} MB, the "
        "limit for uploads (UPLOAD_MAX_MB, which applies to the unpacked CSV too)."
    )
