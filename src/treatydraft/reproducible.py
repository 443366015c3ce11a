"""Byte-for-byte reproducible outputs: ``SOURCE_DATE_EPOCH`` and normalised zip files.

Every writer of a .docx (draft, redline, table) stamps its dates and zip entries
through these two functions, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime

_MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z
_ZIP_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can hold


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as an int, or ``None`` when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit() or int(value) > _MAX_EPOCH:
        return None  # unset, not a number, or past what a date can hold: ignored
    return int(value)


def timestamp() -> datetime:
    """``SOURCE_DATE_EPOCH`` if set, else now; UTC, whole seconds."""
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def normalise_zip(data: bytes, epoch: int | None = None) -> bytes:
    """The same zip with fixed entry dates (``epoch``, or 1980-01-01), no permissions and a
    stable order (``[Content_Types].xml`` first, then by name)."""
    if epoch is None:
        date_time = (1980, 1, 1, 0, 0, 0)
    else:
        t = datetime.fromtimestamp(max(epoch, _ZIP_EPOCH), tz=UTC)
        date_time = (t.year, t.month, t.day, t.hour, t.minute, t.second - t.second % 2)
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = [n for n in names if n == "[Content_Types].xml"] + sorted(
        n for n in names if n != "[Content_Types].xml"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            z.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()
