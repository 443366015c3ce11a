"""The negotiating and clean views of a draft (§12), pure.

* :func:`decorate` adds to a renderer's view model (:func:`treatydraft.render.common.view`)
  what the negotiating text shows: each item's text cut at its attributed bracket groups
  (so Markdown and HTML put a footnote after a group and DOCX anchors a comment on it),
  the proposers and supporters as numbered notes, whole-paragraph alternatives printed as
  the UN prints them (``2 bis.``, ``Alt 2.``, text in brackets), and each item's status
  (class, tag and name, for colours with a legend and a marker that is not colour alone).
* :func:`clean_draft` resolves every bracket group of a draft as one choice would
  (``first``, ``GROUP=N``, or a delegation's position) and drops the negotiation data.

Bracket groups are numbered 1, 2, … through the whole draft in document order (preamble,
articles, testimonium; an outer group before its nested groups); the notes name that
number, and ``--choose GROUP=N`` uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import UsageError
from ..model import Draft, DraftItem
from . import brackets
from .data import STATUS_TAGS, STATUSES, effective_status

_WS = re.compile("[ \t\r\n]+")


def draft_items(draft: Draft):
    """Every item of a draft in document order, depth first (the order of ``walk_items``)."""

    def rec(seq):
        for it in seq:
            yield it
            yield from rec(it.items)

    yield from rec(draft.preamble)
    for a in draft.articles:
        yield from rec(a.paragraphs)
    yield from rec(draft.testimonium)


def negotiating(draft: Draft) -> bool:
    """Whether any item carries negotiation data (then statuses are shown)."""
    return any(it.negotiation is not None and it.negotiation.explicit for it in draft_items(draft))


def _names(codes) -> str:
    codes = list(codes)
    if len(codes) < 2:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def _who(proposer, supporters) -> str:
    parts = []
    if proposer:
        parts.append(f"proposed by {proposer}")
    if supporters:
        parts.append(f"supported by {_names(supporters)}")
    return ", ".join(parts)


def group_note(number: int, attribution) -> str:
    """``Group 2: "prompt" proposed by DEL-A; "swift" proposed by DEL-B, supported by DEL-C.``"""
    parts = []
    for o in attribution.options:
        who = _who(o.proposer, o.supporters)
        text = _WS.sub(" ", o.text).strip()
        parts.append(f"“{text}” {who}" if who else f"“{text}”")
    return f"Group {number}: " + "; ".join(parts) + "."


@dataclass
class _Cut:
    pieces: list[str]
    notes: list[tuple[int, int, int]] = field(default_factory=list)  # (note, first, last piece)


def _cut(text: str, spans: list[tuple[int, int, int]]) -> _Cut:
    """Cut ``text`` at the start and end of each span ``(note, start, end)``."""
    bounds = sorted({0, len(text)} | {s for _, s, _ in spans} | {e for _, _, e in spans})
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    index = {b: i for i, b in enumerate(bounds)}
    notes = [(n, index[s], index[e] - 1) for n, s, e in spans if e > s]
    return _Cut(pieces, notes)


def _fold_pieces(pieces: list[str]) -> list[str]:
    """The renderers' whitespace mapping (:func:`render.common.clean`), piece by piece."""
    from ..render.common import ILLEGAL

    out = [_WS.sub(" ", ILLEGAL.sub(" ", p)) for p in pieces]
    if out:  # trimmed like clean(): every kind of whitespace at both ends
        out[0] = out[0].lstrip()
        out[-1] = out[-1].rstrip()
    return out


def decorate(v: dict, draft: Draft) -> dict:
    """Add the negotiating view's parts to the view model ``v`` (see the module doc).

    Each item gets ``pieces`` (its text, whitespace-mapped, cut at noted groups, joined
    they are ``raw``), ``notes`` (``(number, first piece, last piece)``), ``status``,
    ``status_tag``, ``status_name`` and ``alternatives``; ``v`` gets ``footnotes``
    (``{number, text}``), ``negotiating`` and ``legend``.
    """
    from ..render.common import walk_items

    shown = negotiating(draft)
    footnotes: list[dict] = []
    group_number = 0
    for item, it in zip(walk_items(v), draft_items(draft), strict=True):
        neg = it.negotiation
        try:  # most paragraphs have no bracket at all: no parse
            tree = brackets.parse(it.text) if brackets.has_brackets(it.text) else None
        except brackets.BracketError:
            tree = None
        groups = brackets.groups(tree) if tree is not None else []
        spans = []
        for k, g in enumerate(groups):
            number = group_number + k + 1
            att = neg.groups[k] if neg is not None and neg.groups and k < len(neg.groups) else None
            if att is not None and any(o.proposer or o.supporters for o in att.options):
                footnotes.append({"number": len(footnotes) + 1, "text": group_note(number, att)})
                spans.append((len(footnotes), g.start, g.end))
        group_number += len(groups)
        if neg is not None and neg.reservations:
            footnotes.append(
                {
                    "number": len(footnotes) + 1,
                    "text": f"Reservation: {_names(neg.reservations)}.",
                }
            )
            spans.append((len(footnotes), 0, len(it.text)))
        # the negotiating text is printed as written, escapes included (it is the notation)
        cut = _cut(it.text, spans) if spans else _Cut([it.text])
        cut.pieces = _fold_pieces(cut.pieces)
        item["pieces"] = cut.pieces
        item["notes"] = cut.notes
        status = effective_status(it.text, neg) if shown else None
        item["status"] = status
        item["status_tag"] = STATUS_TAGS[status][0] if status else None
        item["status_name"] = STATUS_TAGS[status][1] if status else None
        alts = []
        for a in neg.alternatives if neg is not None else ():
            note = None
            who = _who(a.proposer, a.supporters)
            if who:
                footnotes.append(
                    {"number": len(footnotes) + 1, "text": f"{_label(item, a.label)}: {who}."}
                )
                note = len(footnotes)
            alts.append(
                {
                    "marker": _label(item, a.label) + ".",
                    "raw": "[" + _fold_pieces([a.text])[0] + "]",
                    "note": note,
                    "replaces": a.replaces,
                }
            )
        item["alternatives"] = alts
    v["footnotes"] = footnotes
    v["negotiating"] = shown
    v["legend"] = (
        [{"status": s, "tag": STATUS_TAGS[s][0], "name": STATUS_TAGS[s][1]} for s in STATUSES]
        if shown
        else []
    )
    return v


def _label(item: dict, label: str) -> str:
    """``2 bis``, ``Alt 2`` (a paragraph); ``(a) bis``, ``Alt (a)`` (a point)."""
    mark = item.get("label")
    if mark is None:
        num = ""
    elif item["depth"] == 1:
        num = str(mark)
    else:
        num = f"({mark})"
    if label.startswith("alt"):
        rest = label[3:].strip()
        head = "Alt" + (f" {rest}" if rest else "")
        return f"{head} {num}".strip()
    return f"{num} {label}".strip()


# --------------------------------------------------------------------------- clean text


@dataclass(frozen=True)
class Choice:
    """How to resolve every bracket group: ``first``; explicit ``{group: option}``
    (1-based; 0 leaves a group out); and/or one delegation's position."""

    groups: dict
    delegation: str | None = None


def parse_choices(values: list[str] | tuple[str, ...], delegations: dict) -> Choice:
    """``["first"]``, ``["3=2", "5=0"]``, ``["DEL-A"]`` (combinable) → :class:`Choice`.
    Raises :class:`UsageError` for anything else."""
    groups: dict[int, int] = {}
    delegation = None
    for value in values or ("first",):
        value = value.strip()
        if value == "first":
            continue
        m = re.fullmatch(r"(\d+)=(\d+)", value)
        if m:
            groups[int(m.group(1))] = int(m.group(2))
            continue
        if value in delegations:
            if delegation is not None and delegation != value:
                raise UsageError("--choose names two delegations; choose one")
            delegation = value
            continue
        import difflib

        hint = difflib.get_close_matches(value, list(delegations), n=1, cutoff=0.5)
        extra = f"; did you mean '{hint[0]}'?" if hint else ""
        raise UsageError(
            f"--choose '{value}' is not 'first', GROUP=N (e.g. 3=2) or a delegation code{extra}"
        )
    return Choice(groups, delegation)


def clean_draft(draft: Draft, choice: Choice) -> Draft:
    """The draft as if ``choice`` were agreed: no brackets, no negotiation data.

    A delegation's position takes, in each group, the option it proposed or supports
    (else the first) and its own ``alt`` alternative instead of the paragraph; other
    whole-paragraph alternatives are left out. Raises :class:`UsageError` when a
    ``GROUP=N`` names a group or option the draft does not have.
    """
    counter = [0]
    total = sum(_count(it.text) for it in draft_items(draft))
    for g, n in choice.groups.items():
        if not 1 <= g <= total:
            raise UsageError(f"--choose {g}={n}: the draft has bracket groups 1 to {total}")

    def one(it: DraftItem) -> DraftItem:
        neg = it.negotiation
        text = it.text
        replaced = False
        if choice.delegation and neg is not None:
            for a in neg.alternatives:
                if a.replaces and (
                    a.proposer == choice.delegation or choice.delegation in a.supporters
                ):
                    text, replaced = a.text, True
                    break
        try:
            tree = brackets.parse(it.text)
        except brackets.BracketError:
            return replace(it, items=tuple(one(x) for x in it.items), negotiation=None)
        groups = brackets.groups(tree)
        base = counter[0]
        counter[0] += len(groups)
        if not replaced:

            def pick(k: int, g) -> int | None:
                number = base + k
                if number in choice.groups:
                    n = choice.groups[number]
                    if n > len(g.options):
                        raise UsageError(
                            f"--choose {number}={n}: group {number} has {len(g.options)} option(s)"
                        )
                    return None if n == 0 else n - 1
                att = neg.groups[k - 1] if neg is not None and neg.groups else None
                if choice.delegation and att is not None and len(att.options) == len(g.options):
                    for i, o in enumerate(att.options):
                        if o.proposer == choice.delegation or choice.delegation in o.supporters:
                            return i
                return 0

            text = brackets.resolve(tree, pick)
        else:
            text = brackets.resolve(brackets.parse(text))
        return replace(it, text=text, items=tuple(one(x) for x in it.items), negotiation=None)

    def seq(items):
        return tuple(one(it) for it in items)

    return replace(
        draft,
        preamble=seq(draft.preamble),
        articles=tuple(replace(a, paragraphs=seq(a.paragraphs)) for a in draft.articles),
        testimonium=seq(draft.testimonium),
    )


def _count(text: str) -> int:
    try:
        return len(brackets.groups(brackets.parse(text)))
    except brackets.BracketError:
        return 0
