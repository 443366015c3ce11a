"""Reading the negotiation keys of a paragraph or point (§12), with positions.

Keys beside ``text``: ``status``, ``groups`` (attribution of each bracket group's
options), ``alternatives``, ``reservations`` and ``agreed`` (written by ``pin``). The
text's bracket notation is parsed here too, so an unbalanced bracket is an input error
pointing at the bracket itself.
"""

from __future__ import annotations

from ..model import Pos
from ..negotiation import brackets
from ..negotiation.data import (
    ALT_LABEL,
    STATUSES,
    Alternative,
    GroupAttribution,
    Negotiation,
    OptionAttribution,
)
from ..negotiation.positions import offset_position
from . import yamlsafe
from .clauses import NEGOTIATION_KEYS as KEYS
from .schema import Reader

OPTION_KEYS = ("text", "proposer", "supporters")
ALTERNATIVE_KEYS = ("label", "text", "proposer", "supporters")


def _pos(r: Reader, node) -> Pos:
    return Pos(r.path, node.line, node.col)


def check_brackets(r: Reader, text: str, text_node, source: str | bytes) -> None:
    """An ``unbalanced-bracket`` error at the bracket's own line and column."""
    if "[" not in text and "]" not in text:
        return
    try:
        brackets.parse(text)
    except brackets.BracketError as exc:
        if isinstance(source, bytes):
            source = source.decode("utf-8-sig", "replace")
        line, col = offset_position(source, text_node.line, text_node.col, text, exc.offset)
        hint = "; write \\[ or \\] for a literal" if exc.code == "unbalanced-bracket" else ""
        r.diags.append(_diag(r.path, line + r.offset, col, exc.code, exc.message + hint))


def _diag(path: str, line: int, col: int, code: str, message: str):
    from ..diagnostics import Diagnostic

    return Diagnostic(path, line, col, "error", code, message)


def _codes(r: Reader, m, key: str) -> tuple[tuple[str, ...], tuple[tuple[str, Pos], ...]]:
    node = m.items.get(key)
    if node is None:
        return (), ()
    if isinstance(node, yamlsafe.YScalar):  # one code written without a list
        value = r.string(node, key)
        return ((value,), ((value, _pos(r, node)),)) if value else ((), ())
    values = r.string_list(node, key)
    items = node.items if isinstance(node, yamlsafe.YSeq) else []
    pairs = tuple(
        (v, _pos(r, n))
        for v, n in zip(values, items, strict=False)
        if isinstance(n, yamlsafe.YScalar)
    )
    return values, pairs


def _proposer(r: Reader, m) -> tuple[str | None, tuple[tuple[str, Pos], ...]]:
    node = m.items.get("proposer")
    value = r.string(node, "proposer")
    return value, (((value, _pos(r, node)),) if value else ())


def read(r: Reader, m, what: str) -> Negotiation | None:
    """The negotiation data of one item mapping ``m`` (``None`` when it has none)."""
    get = m.items.get
    if not any(k in m.items for k in KEYS):
        return None
    status = r.string(get("status"), "status")
    if status is not None and status not in STATUSES:
        import difflib

        hint = difflib.get_close_matches(status, STATUSES, n=1, cutoff=0.5)
        r.error(
            get("status"),
            "schema",
            f"status must be one of {', '.join(STATUSES)}, not '{status}'"
            + (f"; did you mean '{hint[0]}'?" if hint else ""),
        )
        status = None
    groups = None
    gnode = get("groups")
    if gnode is not None:
        if not isinstance(gnode, yamlsafe.YSeq):
            r.error(gnode, "wrong-type", "'groups' must be a list, one entry per bracket group")
        else:
            out = []
            for g in gnode.items:
                gm = r.mapping(g, ("options",), ("options",), "bracket group")
                if gm is None:
                    continue
                onode = gm.items.get("options")
                if not isinstance(onode, yamlsafe.YSeq):
                    r.error(onode or gm, "wrong-type", "'options' must be a list")
                    continue
                opts = []
                for o in onode.items:
                    om = r.mapping(o, OPTION_KEYS, ("text",), "option")
                    if om is None:
                        continue
                    text = r.string(om.items.get("text"), "text")
                    proposer, codes = _proposer(r, om)
                    supporters, more = _codes(r, om, "supporters")
                    if text is not None:
                        opts.append(
                            OptionAttribution(text, proposer, supporters, _pos(r, om), codes + more)
                        )
                out.append(GroupAttribution(tuple(opts), _pos(r, gm)))
            groups = tuple(out)
    alternatives = []
    anode = get("alternatives")
    if anode is not None:
        if not isinstance(anode, yamlsafe.YSeq):
            r.error(anode, "wrong-type", "'alternatives' must be a list")
        else:
            for a in anode.items:
                am = r.mapping(a, ALTERNATIVE_KEYS, ("label", "text"), "alternative")
                if am is None:
                    continue
                label = r.string(am.items.get("label"), "label")
                text = r.string(am.items.get("text"), "text")
                if label is not None and not ALT_LABEL.match(label):
                    r.error(
                        am.items["label"],
                        "schema",
                        f"alternative label must be bis, ter, quater … (an additional {what}) or alt, alt 2 … (a replacement), not '{label}'",
                    )
                    continue
                if text is not None:
                    check_brackets(r, text, am.items["text"], r.source)
                proposer, codes = _proposer(r, am)
                supporters, more = _codes(r, am, "supporters")
                if label is not None and text is not None:
                    alternatives.append(
                        Alternative(label, text, proposer, supporters, _pos(r, am), codes + more)
                    )
    reservations, reservation_codes = _codes(r, m, "reservations")
    agreed = r.string(get("agreed"), "agreed")
    if agreed is not None and not agreed.startswith("sha256:"):
        r.error(get("agreed"), "schema", "'agreed' is written by 'treatydraft pin' (sha256:…)")

    def at(key):
        n = get(key)
        return _pos(r, n) if n is not None else None

    return Negotiation(
        status,
        groups,
        tuple(alternatives),
        reservations,
        agreed,
        at("status"),
        _pos(r, m.keys["groups"]) if "groups" in m.keys else None,
        at("agreed"),
        _pos(r, m),
        reservation_codes,
    )
