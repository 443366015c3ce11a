"""Redlines: a clause against its source articles, or a draft against an earlier one.

Compute a :class:`~.model.Redline` (:func:`against_source`, :func:`against_draft`),
then render it with :func:`render` in one of :data:`FORMATS`.  :func:`render`
verifies its own output before returning it: every format must rebuild both
texts of every paragraph (HTML and DOCX through the same extraction functions
the tests use, JSON through its ops, term and Markdown through the verified op
lists); any failure raises :class:`~treatydraft.errors.InternalError` and
nothing is returned.
"""

from __future__ import annotations

import importlib

from .. import formats as _formats
from ..diffing import RedlineIntegrityError
from ..errors import InternalError
from .compute import against_source, compare_texts
from .model import Change, ClauseRedline, ItemRedline, Redline

#: format → module (imported when used), from the registry's ``redline`` family
FORMATS = {name: f.module.rsplit(".", 1)[-1] for name, f in _formats.family("redline").items()}
BINARY = frozenset(name for name, f in _formats.family("redline").items() if not f.stdout)

__all__ = [
    "BINARY",
    "FORMATS",
    "Change",
    "ClauseRedline",
    "ItemRedline",
    "Redline",
    "against_draft",
    "against_source",
    "compare_texts",
    "pair",
    "render",
    "verify_output",
]


def against_draft(
    project, other, mode: str, label: str, clause_ids=None, *, timeout: float = 2.0
) -> Redline:
    from .against import against_draft as _against

    return _against(project, other, mode, label, clause_ids, timeout=timeout)


def pair(old: str, new: str, *, title: str = "two texts", timeout: float = 2.0) -> Redline:
    """A redline of two bare texts (one clause, one paragraph)."""
    item = ItemRedline(
        "1",
        "text",
        "changed" if old != new else "unchanged",
        **compare_texts(old, new, timeout=timeout),
    )
    return Redline(
        title,
        "dir",
        "the other text",
        False,
        (ClauseRedline("text", "article", None, title, item.status, (item,)),),
    )


def _module(fmt: str):
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return importlib.import_module(f"treatydraft.{_formats.family('redline')[fmt].module}")


def verify_output(redline: Redline, fmt: str, data) -> None:
    """Raise :class:`InternalError` unless ``data`` (rendered ``fmt``) rebuilds every paragraph."""
    from .model import verify

    try:
        verify(redline)
    except RedlineIntegrityError as exc:
        raise InternalError(f"internal error: {exc}; nothing written") from None
    if fmt in ("term", "md"):
        return  # text views of the verified op lists
    expected = [(i.old, i.new) for i in redline.items()]
    try:
        got = _module(fmt).extract(data)
    except Exception as exc:  # a format that cannot be read back is as broken as one that differs
        raise InternalError(
            f"internal error: the {fmt} redline cannot be read back ({exc}); nothing written"
        ) from None
    if len(got) != len(expected):
        raise InternalError(
            f"internal error: the {fmt} redline has {len(got)} paragraphs, expected {len(expected)}; nothing written"
        )
    for (old, new), (got_old, got_new), item in zip(expected, got, redline.items()):
        for side, want, have in (("source", old, got_old), ("clause", new, got_new)):
            if want != have:
                at = next(
                    (k for k, (x, y) in enumerate(zip(want, have)) if x != y),
                    min(len(want), len(have)),
                )
                raise InternalError(
                    f"internal error: the {fmt} redline of {item.where} does not rebuild the {side} text "
                    f"(first difference at character {at}); nothing written"
                )


def render(redline: Redline, fmt: str, *, color: bool = False):
    """The redline in ``fmt`` (``str``, or ``bytes`` for docx), verified."""
    mod = _module(fmt)
    try:
        data = mod.render(redline, color=color) if fmt == "term" else mod.render(redline)
    except ValueError as exc:
        if fmt == "docx" and "XML compatible" in str(exc):
            raise InternalError(
                f"internal error: the text holds a character a .docx cannot hold ({exc}); nothing written"
            ) from None
        raise
    verify_output(redline, fmt, data)
    return data
