"""Writing outputs: every file a command produces goes through here (atomically).

:func:`write` for a single requested file (``--out``); :func:`update` for the files
``build`` keeps up to date (written only when their bytes change, or only compared
with ``check``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Report
from .errors import UsageError


@dataclass(frozen=True)
class BuildOutput:
    format: str
    path: Path
    changed: bool  # differs from the file on disk (or there is none)
    written: bool


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[BuildOutput, ...]
    report: Report  # draft_blockers findings (outline, references); when any, nothing is written
    check: bool = False  # --check: nothing written, outputs only compared

    @property
    def changed(self) -> tuple[BuildOutput, ...]:
        return tuple(o for o in self.outputs if o.changed)

    @property
    def exit_code(self) -> int:
        """1 on findings (nothing written), or with ``check`` when an output would change."""
        if self.report.errors:
            return 1
        return 1 if self.check and self.changed else 0


def write(out: str | Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``out`` atomically."""
    from .fsio import write_atomic

    write_atomic(out, data if isinstance(data, bytes) else data.encode("utf-8"))


def update(fmt: str, path: Path, data: bytes, *, check: bool = False) -> BuildOutput:
    """Write ``data`` to ``path`` when it differs from what is there (never when ``check``);
    the file must not change on disk meanwhile."""
    from .fsio import write_atomic

    try:
        # a file of another size differs: it is not read (it may be huge)
        old = path.read_bytes() if path.stat().st_size == len(data) else None
        changed = old != data
    except FileNotFoundError:
        old, changed = None, True
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if changed and not check:
        write_atomic(path, data, expect=old)
    return BuildOutput(fmt, path, changed, changed and not check)
