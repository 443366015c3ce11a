"""Every operating-system-specific call of the tool, in one place (§14).

treatydraft runs on Linux, macOS and Windows. What differs between them, and what each
function here does about it:

* file modes: ``os.fchmod`` exists on Windows only from Python 3.13, and Windows files have
  no permission bits beyond read-only; → :func:`copy_mode` keeps the old file's mode on POSIX
  and does nothing on Windows;
* atomic replace: ``os.replace`` fails on Windows while another program (Word, an indexer,
  a virus scanner) holds the target open; → :func:`replace` retries briefly, then says which
  file to close;
* folder fsync: only POSIX can open a folder; → :func:`fsync_dir`;
* process limits: ``resource`` is POSIX only and macOS does not enforce ``RLIMIT_AS``;
  ``/proc`` is Linux only; → :func:`limit_process`, :func:`address_space_bytes`;
* fork vs spawn: ``os.fork`` does not exist on Windows and is unsafe on macOS in a process
  that may have started threads; → :func:`parallel_start_method`, :func:`sandbox_start_method`;
* memory measurement: ``ru_maxrss`` is KiB on Linux, bytes on macOS; → :func:`peak_memory_bytes`.

Each function decides by :func:`system`, so a test can take any path on any machine by
monkeypatching it (and the missing API).
"""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path


def system() -> str:
    """``"linux"``, ``"darwin"``, ``"windows"``, or another POSIX system's ``sys.platform``."""
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "win32" or os.name == "nt":
        return "windows"
    return sys.platform


# --------------------------------------------------------------------------- files


def copy_mode(fd: int, tmp: str, mode: int) -> None:
    """Give the temp file ``tmp`` (open as ``fd``) the permissions ``mode``."""
    if system() == "windows":
        return  # no permission bits beyond read-only; the temp file must stay writable
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - every POSIX CPython has fchmod; kept for odd platforms
        os.chmod(tmp, mode)


#: On Windows, how long :func:`replace` keeps trying while another program holds the file.
REPLACE_RETRY_SECONDS = 1.0


def shown_path(path: Path) -> str:
    """``path`` as a user would type it here: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def replace(tmp: str, path: Path) -> None:
    """``os.replace(tmp, path)``; on Windows, a target held open by another program (Word
    keeps a .docx open) is retried for a moment, then reported with what to do."""
    if system() != "windows":
        os.replace(tmp, path)
        return
    deadline = time.monotonic() + REPLACE_RETRY_SECONDS
    while True:
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if time.monotonic() >= deadline:
                shown = shown_path(path)
                raise PermissionError(
                    errno.EACCES,
                    f"cannot replace it: is {shown} open in Word or another program? "
                    "Close it and run again",
                    shown,
                ) from None
            time.sleep(0.1)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); Windows cannot open a folder."""
    if system() == "windows":
        return
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


# --------------------------------------------------------------------------- processes


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))  # Linux: honours taskset and cgroups' cpusets
    except AttributeError:
        return os.cpu_count() or 1


def parallel_start_method() -> str | None:
    """How :mod:`treatydraft.parallel` starts workers: ``"fork"`` on Linux (the workers
    inherit the loaded project, nothing big is pickled), else ``None``: run in-process
    (macOS: fork is unsafe once threads exist; spawn would pickle the whole project)."""
    if system() == "linux" and hasattr(os, "fork"):
        return "fork"
    return None


def sandbox_start_method() -> str:
    """How a project template's sandbox process starts: ``"fork"`` where it exists (Linux,
    macOS: the child is short-lived and only renders), else ``"spawn"`` (Windows)."""
    if system() != "windows" and hasattr(os, "fork"):
        return "fork"
    return "spawn"


def address_space_bytes() -> int | None:
    """This process's virtual size (Linux, from ``/proc/self/statm``), or ``None``."""
    if system() != "linux":
        return None
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def limit_process(cpu_seconds: int, extra_memory: int) -> bool:
    """In a sandbox child: cap CPU time (POSIX) and let the address space grow by at most
    ``extra_memory`` bytes where the kernel enforces it (Linux). Returns whether memory is
    capped. macOS ignores ``RLIMIT_AS`` and Windows has no ``resource`` module: there the
    wall-clock deadline and the output-size cap of the caller are the limits."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    except (ValueError, OSError):
        pass
    vsize = address_space_bytes()
    if vsize is None:
        return False
    limit = vsize + extra_memory
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        return False
    return True


def peak_memory_bytes() -> int | None:
    """This process's peak resident memory, or ``None`` where it cannot be read."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if system() == "darwin" else peak * 1024
