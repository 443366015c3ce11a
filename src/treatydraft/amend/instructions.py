"""Amendment instructions: the model, generation from two drafts, and applying them (pure).

Every address names a unit of the **earlier** draft (its article, paragraph and point numbers);
units inserted by an instruction are placed after (or before) a unit of the earlier draft, in
the order the instructions give. Word instructions act on a unit's text as the instructions
before them left it, one after another.

Word matching: a quoted phrase matches where it is not part of a longer word (a phrase
starting or ending with a letter or digit must not touch one). A phrase that is not unique in
its unit needs "where it first occurs" or "each time it occurs".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..diffing import EQUAL, diff, tokenize
from .doc import Doc, Part, Unit, articles

DEFAULT_THRESHOLD = 0.5

#: word instruction operations
REPLACE, REMOVE, AFTER, BEFORE = "replace", "delete", "insert-after", "insert-before"
FIRST, EACH = "first", "each"

_WORDISH = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Ref:
    """A part of the earlier draft: ``("article", 5)``, ``("preamble", 0)``, ``("testimonium", 0)``."""

    kind: str
    number: int = 0


@dataclass(frozen=True)
class Instruction:
    """One instruction. ``kind``:

    - ``words``: ``op`` (replace/delete/insert-after/insert-before) on unit ``path`` of ``part``;
      ``old`` is the quoted anchor, ``new`` the replacement or inserted words, ``which``
      ``None``/"first"/"each";
    - ``replace-unit`` / ``delete-unit``: unit ``path`` of ``part`` (``unit`` is the new text);
    - ``insert-unit``: ``unit`` goes under ``path`` (the parent; ``()`` for the part) at
      ``where`` ("after"/"before" old sibling ``sibling``, or "add" when it had none);
    - ``heading``: ``new`` replaces the article's heading (``None`` deletes it);
    - ``delete-article`` / ``insert-article`` (``title``, ``units``; ``where``/``sibling`` as
      for units, ``sibling`` an old article number);
    - ``renumber``: a statement of the renumbering that follows (``labels``: (old, new)
      pairs; ``path`` the parent; ``part`` ``Ref("document")`` for articles). Applying checks
      nothing: numbers always follow positions.
    """

    kind: str
    part: Ref
    path: tuple[int, ...] = ()
    op: str = ""
    old: str = ""
    new: str | None = ""
    which: str | None = None
    unit: Unit | None = None
    where: str = ""
    sibling: int = 0
    title: str | None = None
    units: tuple[Unit, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    label: str = ""  # an inserted or replacing unit's label in the current draft ("3", "b")
    number: str = ""  # the instruction's number as printed, for messages
    line: int = 0  # where it was read from, for messages


class AnchorError(Exception):
    """An instruction that does not anchor in the text it is applied to."""


# --------------------------------------------------------------------------- words


def occurrences(text: str, phrase: str) -> list[int]:
    """Start offsets of ``phrase`` in ``text``, left to right, not overlapping, not inside a word."""
    if not phrase:
        return []
    pattern = re.escape(phrase)
    if _WORDISH.match(phrase[0]):
        pattern = r"(?<!\w)" + pattern
    if _WORDISH.match(phrase[-1]):
        pattern += r"(?!\w)"
    return [m.start() for m in re.finditer(pattern, text)]


def _quote(s: str) -> str:
    return f"“{s}”"


def apply_words(text: str, op: str, old: str, new: str, which: str | None) -> str:
    """``text`` after one word instruction; :class:`AnchorError` saying why it does not anchor."""
    found = occurrences(text, old)
    if not found:
        raise AnchorError(f"the words {_quote(old)} are not in the text")
    if which is None and len(found) > 1:
        raise AnchorError(
            f"the words {_quote(old)} occur {len(found)} times; say 'where it first occurs' or 'each time it occurs'"
        )
    targets = found if which == EACH else found[:1]
    out, pos = [], 0
    for start in targets:
        end = start + len(old)
        if op == REPLACE:
            out.append(text[pos:start] + new)
        elif op == REMOVE:
            a, b = start, end
            if a > 0 and text[a - 1] == " " and a - 1 >= pos:
                a -= 1
            elif b < len(text) and text[b] == " ":
                b += 1
            out.append(text[pos:a])
            end = b
        elif op == AFTER:
            out.append(text[pos:end] + " " + new)
        elif op == BEFORE:
            out.append(text[pos:start] + new + " " + old)
        else:  # pragma: no cover - the parser only makes the four
            raise AnchorError(f"unknown operation {op}")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _bounds(text: str) -> list[int]:
    """Token boundaries of ``text`` (offsets, first 0 and last ``len(text)``)."""
    out, pos = [0], 0
    for tok in tokenize(text):
        pos += len(tok)
        out.append(pos)
    return out


def _has_word(s: str) -> bool:
    return bool(re.search(r"[^\W\d_]", s))


def _try(text: str, target: str, op: str, old: str, new: str) -> tuple | None:
    """(op, old, new, which) if this instruction turns ``text`` into ``target``."""
    if not old or (op != REPLACE and not new.strip() and op != REMOVE):
        return None
    if old != old.strip() or (op in (AFTER, BEFORE, REMOVE) and (new != new.strip())):
        return None
    for which in (None, FIRST):
        try:
            if apply_words(text, op, old, new, which) == target:
                return (op, old, new, which)
        except AnchorError:
            continue
    return None


def word_hunk(text: str, start: int, old: str, new: str) -> tuple:
    """The clearest word instruction turning ``text[start:start+len(old)]`` into ``new``."""
    end = start + len(old)
    target = text[:start] + new + text[end:]
    stripped_old, stripped_new = old.strip(), new.strip()
    if old and new and _has_word(stripped_old) and _has_word(stripped_new):
        lead = len(old) - len(old.lstrip())
        trail = len(old) - len(old.rstrip())
        if (
            old[:lead] == new[: len(new) - len(new.lstrip())]
            and old[len(old) - trail :] == new[len(new.rstrip()) :]
        ):
            got = _try(text, target, REPLACE, stripped_old, stripped_new)
            if got:
                return got
    if not new and _has_word(stripped_old):
        got = _try(text, target, REMOVE, stripped_old, "")
        if got:
            return got
    bounds = _bounds(text)
    if not old and _has_word(stripped_new):
        # after the words before it / before the words after it
        left = [b for b in bounds if b < start]
        for a in reversed(left[-6:]):
            phrase = text[a:start].strip()
            if _has_word(phrase):
                got = _try(text, target, AFTER, phrase, stripped_new)
                if got:
                    return got
                break
        right = [b for b in bounds if b > end]
        for b in right[:6]:
            phrase = text[end:b].strip()
            if _has_word(phrase):
                got = _try(text, target, BEFORE, phrase, stripped_new)
                if got:
                    return got
                break
    # a replacement with context, widened token by token until it anchors
    lefts = [b for b in bounds if b <= start][::-1]
    rights = [b for b in bounds if b >= end]
    for k in range(max(len(lefts), len(rights))):
        for i, j in ((min(k, len(lefts) - 1), 0), (0, min(k, len(rights) - 1)), (k, k)):
            i, j = min(i, len(lefts) - 1), min(j, len(rights) - 1)
            a, b = lefts[i], rights[j]
            phrase = text[a:b]
            repl = text[a:start] + new + text[end:b]
            if not _has_word(phrase) or phrase != phrase.strip() or repl != repl.strip():
                continue
            if not repl:
                got = _try(text, target, REMOVE, phrase, "")
            else:
                got = _try(text, target, REPLACE, phrase, repl)
            if got:
                return got
    # nothing shorter anchors: the caller replaces the whole unit
    return ("", "", target, None)


def _hunks(old: str, new: str) -> list[tuple[int, str, str]]:
    """(offset in old, old words, new words) of each change, left to right."""
    out: list[tuple[int, str, str]] = []
    pos = 0
    cur: list | None = None
    for op in diff(old, new).ops:
        if op.kind == EQUAL:
            if cur is not None:
                out.append((cur[0], cur[1], cur[2]))
                cur = None
            pos += len(op.old)
            continue
        if cur is None:
            cur = [pos, "", ""]
        cur[1] += op.old
        cur[2] += op.new
        pos += len(op.old)
    if cur is not None:
        out.append((cur[0], cur[1], cur[2]))
    return out


def word_instructions(old: str, new: str) -> list[tuple]:
    """``(op, old, new, which)`` steps that turn ``old`` into ``new``, applied in order."""
    steps: list[tuple] = []
    text = old
    # a word or phrase replaced the same way everywhere it occurs: "each time it occurs"
    pairs: dict[tuple[str, str], int] = {}
    for _, x, y in _hunks(text, new):
        if x.strip() and y.strip() and x == x.strip() and y == y.strip():
            pairs[(x, y)] = pairs.get((x, y), 0) + 1
    for (x, y), count in pairs.items():
        if count < 2 or not _has_word(x) or len(occurrences(text, x)) != count:
            continue
        after = apply_words(text, REPLACE, x, y, EACH)
        if len(_hunks(after, new)) < len(_hunks(text, new)):
            steps.append((REPLACE, x, y, EACH))
            text = after
    delta = 0
    for start, x, y in _hunks(text, new):
        step = word_hunk(text, start + delta, x, y)
        if step[0] == "":
            return [*steps, step]
        steps.append(step)
        before = len(text)
        text = apply_words(text, *step)
        delta += len(text) - before
    return steps


def changed_share(old: str, new: str) -> float:
    """The share of the earlier text's words changed (the project's one change measure)."""
    from ..measure import of_ops

    return of_ops(diff(old, new).ops).share


# --------------------------------------------------------------------------- generation


@dataclass
class _Sim:
    words: frozenset


def _wordset(text: str) -> frozenset:
    return frozenset(re.findall(r"\w+", text.casefold()))


def _align(old: Sequence[Unit], new: Sequence[Unit]) -> list[tuple[int | None, int | None]]:
    from ..redline.against import align

    return align(
        [_Sim(_wordset(u.text)) for u in old],  # type: ignore[misc]
        [_Sim(_wordset(u.text)) for u in new],  # type: ignore[misc]
    )


def _pair_replacements(steps):
    """A unit deleted where another is inserted, one for one, is replaced."""
    out = list(steps)
    k = 0
    while k + 1 < len(out):
        (i, j), (i2, j2) = out[k], out[k + 1]
        if i is not None and j is None and i2 is None and j2 is not None:
            out[k : k + 2] = [(i, j2)]
        k += 1
    return out


def _lcs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Longest common subsequence steps; the common head and tail are matched first."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle = _lcs_core(a[head : len(a) - tail], b[head : len(b) - tail])
    return (
        [(k, k) for k in range(head)]
        + [(None if i is None else i + head, None if j is None else j + head) for i, j in middle]
        + [(len(a) - tail + k, len(b) - tail + k) for k in range(tail)]
    )


def _lcs_core(a: Sequence[str], b: Sequence[str]) -> list[tuple[int | None, int | None]]:
    n, m = len(a), len(b)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = (
                best[i + 1][j + 1] + 1 if a[i] == b[j] else max(best[i + 1][j], best[i][j + 1])
            )
    steps: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if a[i] == b[j]:
            steps.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            steps.append((i, None))
            i += 1
        else:
            steps.append((None, j))
            j += 1
    steps += [(k, None) for k in range(i, n)]
    steps += [(None, k) for k in range(j, m)]
    return steps


def _placement(steps, index: int, old_count: int) -> tuple[str, int]:
    """Where the new item at step ``index`` goes: after the last old item before it, else
    before the first old item, else added."""
    for k in range(index - 1, -1, -1):
        i = steps[k][0]
        if i is not None:
            return "after", i
    return ("before", 0) if old_count else ("add", 0)


@dataclass
class _Gen:
    threshold: float
    out: list[Instruction] = field(default_factory=list)

    def units(self, ref: Ref, path: tuple[int, ...], old, new, depth: int, numbered) -> None:
        from .doc import unit_label

        steps = _pair_replacements(_align(old, new))
        renumbered = []
        for k, (i, j) in enumerate(steps):
            if i is not None and j is not None:
                lab = unit_label(j, depth, len(new))
                if _wordset(old[i].text) & _wordset(new[j].text) or old[i] == new[j]:
                    self.unit(ref, (*path, i), old[i], new[j], depth, lab)
                else:  # a different unit in the same place: replaced as a whole
                    self.out.append(
                        Instruction("replace-unit", ref, (*path, i), unit=new[j], label=lab or "")
                    )
                a = unit_label(i, depth, len(old))
                b = unit_label(j, depth, len(new))
                if numbered and a is not None and b is not None and a != b:
                    renumbered.append((a, b))
            elif i is not None:
                self.out.append(Instruction("delete-unit", ref, (*path, i)))
            else:
                assert j is not None
                where, sib = _placement(steps, k, len(old))
                self.out.append(
                    Instruction(
                        "insert-unit",
                        ref,
                        path,
                        unit=new[j],
                        where=where,
                        sibling=sib,
                        label=unit_label(j, depth, len(new)) or "",
                    )
                )
        if renumbered:
            self.out.append(Instruction("renumber", ref, path, labels=tuple(renumbered)))

    def unit(self, ref: Ref, path, old: Unit, new: Unit, depth: int, label: str | None) -> None:
        if old == new:
            return
        if old.text != new.text:
            if (
                not old.text.strip()
                or not new.text.strip()
                or changed_share(old.text, new.text) > self.threshold
            ):
                self.out.append(Instruction("replace-unit", ref, path, unit=new, label=label or ""))
                return
            steps = word_instructions(old.text, new.text)
            if steps and steps[-1][0] == "":
                self.out.append(Instruction("replace-unit", ref, path, unit=new, label=label or ""))
                return
            for op, x, y, which in steps:
                self.out.append(Instruction("words", ref, path, op=op, old=x, new=y, which=which))
        self.units(ref, path, old.items, new.items, depth + 1, True)


def generate(old: Doc, new: Doc, threshold: float = DEFAULT_THRESHOLD) -> list[Instruction]:
    """The instructions that turn ``old`` into ``new``, grouped per article in document order."""
    gen = _Gen(threshold)
    pre = Ref("preamble")
    gen.units(pre, (), old[0].items, new[0].items, 1, False)
    old_arts, new_arts = articles(old), articles(new)
    steps = _lcs([a.key for a in old_arts], [a.key for a in new_arts])
    renumbered = []
    for k, (i, j) in enumerate(steps):
        if i is not None and j is not None:
            ref = Ref("article", i + 1)
            a, b = old_arts[i], new_arts[j]
            if (a.title or None) != (b.title or None):
                gen.out.append(Instruction("heading", ref, old=a.title or "", new=b.title))
            gen.units(ref, (), a.items, b.items, 1, True)
            if i != j:
                renumbered.append((str(i + 1), str(j + 1)))
        elif i is not None:
            gen.out.append(Instruction("delete-article", Ref("article", i + 1)))
        else:
            assert j is not None
            where, sib = _placement(steps, k, len(old_arts))
            b = new_arts[j]
            gen.out.append(
                Instruction(
                    "insert-article",
                    Ref("document"),
                    where=where,
                    sibling=sib + 1,
                    title=b.title,
                    units=b.items,
                    label=str(j + 1),
                )
            )
    if renumbered:
        gen.out.append(Instruction("renumber", Ref("document"), labels=tuple(renumbered)))
    gen.units(Ref("testimonium"), (), old[-1].items, new[-1].items, 1, False)
    return gen.out


# --------------------------------------------------------------------------- applying


class Node:
    """A unit (or part) while instructions are applied; ``origin`` is its path in the
    earlier draft (``None`` when an instruction inserted it)."""

    __slots__ = ("text", "items", "deleted", "title", "kind", "key", "origin")

    def __init__(self, text: str, items: list[Node], *, title=None, kind="", key="", origin=None):
        self.text = text
        self.items = items
        self.deleted = False
        self.title = title
        self.kind = kind
        self.key = key
        self.origin = origin


_Node = Node


def _tree(u: Unit, origin: tuple | None = None) -> Node:
    return Node(
        u.text,
        [_tree(x, None if origin is None else (*origin, i)) for i, x in enumerate(u.items)],
        origin=origin,
    )


def _freeze(nodes: list[_Node]) -> tuple[Unit, ...]:
    return tuple(Unit(n.text, _freeze(n.items)) for n in nodes if not n.deleted)


class ApplyError(Exception):
    """Instructions that do not apply: one message per failing instruction."""

    def __init__(self, problems: list[tuple[Instruction, str]]):
        self.problems = problems
        super().__init__("; ".join(m for _, m in problems))


def describe_ref(ref: Ref, path: tuple[int, ...] = ()) -> str:
    """A plain name of a unit of the earlier draft, for messages: "article 5, paragraph 2"."""
    from ..numbering import label

    base = {"preamble": "the preamble", "testimonium": "the testimonium"}.get(
        ref.kind, f"article {ref.number}" if ref.kind == "article" else "the draft"
    )
    parts = [base]
    for depth, i in enumerate(path, start=1):
        parts.append(f"paragraph {i + 1}" if depth == 1 else f"point ({label(i, depth)})")
    return ", ".join(parts)


def apply(old: Doc, instructions: Sequence[Instruction]) -> Doc:
    """``old`` with every instruction applied; :class:`ApplyError` listing those that do not."""
    parts = apply_nodes(old, instructions)
    return tuple(Part(p.kind, p.key, p.title, _freeze(p.items)) for p in parts if not p.deleted)


def apply_nodes(old: Doc, instructions: Sequence[Instruction]) -> list[Node]:
    """The parts after applying, deleted ones flagged, every unit knowing its origin."""
    parts = [
        Node(
            "",
            [_tree(u, (k, i)) for i, u in enumerate(p.items)],
            title=p.title,
            kind=p.kind,
            key=p.key,
            origin=(k,),
        )
        for k, p in enumerate(old)
    ]
    arts = [p for p in parts if p.kind == "article"]
    by_ref: dict[Ref, _Node] = {Ref("preamble"): parts[0], Ref("testimonium"): parts[-1]}
    for n, p in enumerate(arts, start=1):
        by_ref[Ref("article", n)] = p
    # every address is resolved against the earlier draft before anything changes
    originals: dict[int, list[_Node]] = {id(p): list(p.items) for p in parts}

    def resolve(ref: Ref, path: tuple[int, ...]) -> _Node:
        node = by_ref.get(ref)
        if node is None:
            raise AnchorError(f"{describe_ref(ref)} is not in the earlier draft")
        for depth, i in enumerate(path, start=1):
            kids = originals.setdefault(id(node), list(node.items))
            if not 0 <= i < len(kids):
                raise AnchorError(f"{describe_ref(ref, path[:depth])} is not in the earlier draft")
            node = kids[i]
            originals.setdefault(id(node), list(node.items))
        return node

    # index every node of the earlier draft first, so later lookups see the original tree
    def index(node: _Node) -> None:
        originals.setdefault(id(node), list(node.items))
        for kid in node.items:
            index(kid)

    for p in parts:
        index(p)

    last_inserted: dict[tuple[int, str, int], _Node] = {}
    problems: list[tuple[Instruction, str]] = []

    def place(container: list[_Node], anchors: list[_Node], owner, ins: Instruction, node):
        key = (id(owner), ins.where, ins.sibling)
        prev = last_inserted.get(key)
        if prev is not None:
            at = container.index(prev) + 1
        elif ins.where == "after":
            if not 0 <= ins.sibling < len(anchors):
                raise AnchorError("the unit to insert after is not in the earlier draft")
            at = container.index(anchors[ins.sibling]) + 1
        elif ins.where == "before":
            if not anchors:
                raise AnchorError("there is nothing to insert before")
            at = container.index(anchors[0])
        else:
            if any(not a.deleted for a in anchors):
                raise AnchorError("it already has units; say where the new one goes")
            at = len(container) if owner is not None else len(container) - 1
        container.insert(at, node)
        last_inserted[key] = node

    for ins in instructions:
        try:
            if ins.kind == "words":
                node = resolve(ins.part, ins.path)
                if node.deleted:
                    raise AnchorError("that unit is deleted by an earlier instruction")
                node.text = apply_words(node.text, ins.op, ins.old, ins.new or "", ins.which)
            elif ins.kind in ("replace-unit", "delete-unit"):
                node = resolve(ins.part, ins.path)
                if node.deleted:
                    raise AnchorError("that unit is deleted by an earlier instruction")
                if ins.kind == "delete-unit":
                    node.deleted = True
                else:
                    assert ins.unit is not None
                    fresh = _tree(ins.unit)
                    node.text, node.items = fresh.text, fresh.items
            elif ins.kind == "insert-unit":
                parent = resolve(ins.part, ins.path)
                assert ins.unit is not None
                place(parent.items, originals[id(parent)], parent, ins, _tree(ins.unit))
            elif ins.kind == "heading":
                node = resolve(ins.part, ())
                node.title = ins.new or None
            elif ins.kind == "delete-article":
                node = resolve(ins.part, ())
                if node.deleted:
                    raise AnchorError("that article is already deleted")
                node.deleted = True
            elif ins.kind == "insert-article":
                fresh = _Node(
                    "", [_tree(u) for u in ins.units], title=ins.title, kind="article", key=""
                )
                anchors = [p for p in parts[1:-1] if p in arts]
                pseudo = Instruction(
                    ins.kind, ins.part, where=ins.where, sibling=ins.sibling - 1, number=ins.number
                )
                place(parts, anchors, None, pseudo, fresh)
            elif ins.kind == "renumber":
                continue
            else:  # pragma: no cover
                raise AnchorError(f"unknown instruction kind {ins.kind}")
        except AnchorError as exc:
            problems.append((ins, str(exc)))
    if problems:
        raise ApplyError(problems)
    return parts
