"""Atomic file output: temp file in the same folder, fsync, ``os.replace`` (§9).

The OS-specific parts (modes, replace, folder fsync) are in :mod:`.osplatform`."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from . import osplatform
from .errors import FileChangedOnDisk


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or the usual ones for a new file (mkstemp makes 0600)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: str | Path, data: bytes, *, expect: bytes | None = None) -> None:
    """Write ``data`` to ``path`` so that it holds the old bytes or the new, never half.

    ``expect``: the bytes the caller read earlier; if the file no longer holds them,
    nothing is written and :class:`FileChangedOnDisk` is raised.
    """
    path = Path(path)
    try:
        _write_atomic(path, data, expect)
    except OSError as exc:
        # name the real file, never the temporary one (a full disk, a read-only folder)
        temp = exc.filename is None or Path(exc.filename).name.startswith(f".{path.name}.")
        if not temp:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None


def _write_atomic(path: Path, data: bytes, expect: bytes | None) -> None:
    from .output_guard import refuse_special

    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; give a file name", str(path))
    refuse_special(path)  # never replace a device, pipe or symbolic link
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        osplatform.copy_mode(fd, tmp, _mode_for(path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if expect is not None:
            try:
                current = path.read_bytes()
            except FileNotFoundError:
                current = None
            if current != expect:
                raise FileChangedOnDisk(str(path))
        osplatform.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    osplatform.fsync_dir(path.parent)
