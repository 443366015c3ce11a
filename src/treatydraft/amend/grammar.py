"""Instructions as sentences in a style, and sentences read back into instructions.

One instruction is one numbered line ("3. In article 5, …" or "(3) Article 5(2) is …"); an
instruction that inserts or replaces whole units is followed by the text, quoted and indented:

    4. In article 5, the following paragraph is inserted after paragraph 2:
       “3. Each State Party shall …:
          (a) first point;
          (b) second point.”

Lines before the first instruction, and unindented lines that do not start with an
instruction number (headings), are not instructions. The parser accepts every style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from types import ModuleType

from .doc import Doc, Unit, articles, parse_label, unit_label
from .instructions import AFTER, BEFORE, EACH, FIRST, REMOVE, REPLACE, Instruction, Ref
from .styles import STYLES

INDENT = "   "
WHICH = {FIRST: " where it first occurs", EACH: " each time it occurs"}


class GrammarError(Exception):
    """A line that is not an instruction of the grammar (``number`` and ``line`` say which)."""

    def __init__(self, number: str, line: int, message: str):
        self.number, self.line = number, line
        super().__init__(message)


@dataclass(frozen=True)
class Rendered:
    number: str  # "3"
    group: str  # "Article 5 — Measures against …"
    lines: tuple[str, ...]  # the sentence, then the quoted text's lines (indented)
    instruction: Instruction


# --------------------------------------------------------------------------- rendering


def _style(name: str) -> ModuleType:
    return STYLES[name]


def _q(s: str) -> str:
    return f"“{s}”"


def _is_word(s: str) -> bool:
    return bool(re.fullmatch(r"\w+", s))


def render_action(ins: Instruction) -> str:
    which = WHICH.get(ins.which or "", "")
    old, new = ins.old, ins.new or ""
    w, v = ("word", "is") if _is_word(old) else ("words", "are")
    if ins.op == REPLACE:
        return f"the {w} {_q(old)} {v} replaced by {_q(new)}{which}"
    if ins.op == REMOVE:
        return f"the {w} {_q(old)} {v} deleted{which}"
    w2, v2 = ("word", "is") if _is_word(new) else ("words", "are")
    side = "after" if ins.op == AFTER else "before"
    return f"the {w2} {_q(new)} {v2} inserted {side} the {w} {_q(old)}{which}"


class _Names:
    def __init__(self, style: ModuleType, old: Doc):
        self.s = style
        self.counts = {Ref("preamble"): len(old[0].items), Ref("testimonium"): len(old[-1].items)}
        for n, a in enumerate(articles(old), start=1):
            self.counts[Ref("article", n)] = len(a.items)

    def part(self, ref: Ref) -> str:
        if ref.kind == "article":
            return self.s.ARTICLE.format(n=ref.number)
        return self.s.PREAMBLE if ref.kind == "preamble" else self.s.TESTIMONIUM

    def tail(self, ref: Ref, path: tuple[int, ...]) -> str:
        out = []
        for depth, i in enumerate(path, start=1):
            if depth == 1:
                if self.counts.get(ref, 0) > 1:
                    out.append(self.s.PARAGRAPH.format(label=i + 1))
            else:
                out.append(self.s.POINT.format(label=unit_label(i, depth, 2)))
        return "".join(out)

    def full(self, ref: Ref, path: tuple[int, ...]) -> str:
        tail = self.tail(ref, path)
        whole = self.s.WHOLE_PREFIX if path and not tail else ""
        return whole + self.part(ref) + tail

    def rel(self, ref: Ref, path: tuple[int, ...]) -> str:
        return self.tail(ref, path).removeprefix(", ") or self.s.WHOLE_TEXT


def _labels(labels: list[str], points: bool) -> str:
    if (
        not points
        and len(labels) > 2
        and all(x.isdigit() for x in labels)
        and [int(x) for x in labels] == list(range(int(labels[0]), int(labels[0]) + len(labels)))
    ):
        return f"{labels[0]} to {labels[-1]}"
    shown = [f"({x})" if points else x for x in labels]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _block(units: tuple[Unit, ...], depth: int, first_label: str, article=None) -> list[str]:
    lines: list[str] = []
    if article is not None:
        number, title = article
        lines.append(INDENT + f"Article {number}" + (f" — {title}" if title else ""))

    def rec(items, d, labels):
        for k, u in enumerate(items):
            lab = labels[k]
            prefix = "" if lab is None else (f"{lab}. " if d == 1 else f"({lab}) ")
            lines.append(INDENT * (1 + d - depth) + prefix + u.text)
            rec(u.items, d + 1, [unit_label(i, d + 1, 2) for i in range(len(u.items))])

    if article is not None:
        rec(units, depth, [unit_label(i, depth, len(units)) for i in range(len(units))])
    else:
        rec(units, depth, [first_label or None])
    lines[0] = lines[0][: len(INDENT)] + "“" + lines[0][len(INDENT) :]
    lines[-1] += "”"
    return lines


def render(instructions: list[Instruction], old: Doc, style: str = "un") -> list[Rendered]:
    """Number the instructions and write each as its sentence (and quoted text)."""
    s = _style(style)
    t = s.TEMPLATES
    names = _Names(s, old)
    old_arts = articles(old)
    out: list[Rendered] = []
    for k, ins in enumerate(instructions, start=1):
        ref, path = ins.part, ins.path
        block: list[str] = []
        if ref.kind == "article":
            a = old_arts[ref.number - 1]
            group = f"Article {ref.number}" + (f" — {a.title}" if a.title else "")
        elif ref.kind == "document":
            group = (
                f"New article {ins.label}" + (f" — {ins.title}" if ins.title else "")
                if ins.kind == "insert-article"
                else "Renumbering of articles"
            )
        else:
            group = ref.kind.capitalize()
        f = {"P": names.part(ref), "A": names.full(ref, path), "R": names.rel(ref, path)}
        if ins.kind == "words":
            line = t["words"].format(**f, action=render_action(ins))
        elif ins.kind in ("replace-unit", "delete-unit"):
            line = t[ins.kind].format(**f)
            if ins.kind == "replace-unit":
                assert ins.unit is not None
                # the only paragraph of a part ("the text") is quoted without a label
                named = len(path) > 1 or (ref.kind == "article" and names.counts.get(ref, 0) > 1)
                lab = (ins.label or unit_label(path[-1], len(path), 2) or "") if named else ""
                block = _block((ins.unit,), len(path), lab)
        elif ins.kind == "insert-unit":
            kind = "paragraph" if not path else "point"
            if ins.where == "add":
                line = t["insert-add"].format(**f, K=kind)
            else:
                sib = (*path, ins.sibling)
                own = (
                    f"paragraph {ins.sibling + 1}"
                    if not path
                    else f"point ({unit_label(ins.sibling, len(sib), 2)})"
                )
                line = t[f"insert-{ins.where}"].format(
                    A=f["A"], S=own, SA=names.full(ref, sib), K=kind
                )
            assert ins.unit is not None
            # preamble and testimonium paragraphs are not numbered
            lab = ins.label or "1" if ref.kind == "article" or path else ""
            block = _block((ins.unit,), len(path) + 1, lab)
        elif ins.kind == "heading":
            line = (
                t["heading"].format(**f, T=ins.new) if ins.new else t["heading-delete"].format(**f)
            )
        elif ins.kind == "delete-article":
            line = t["delete-article"].format(**f)
        elif ins.kind == "insert-article":
            key = f"insert-article-{ins.where}"
            line = t[key].format(P=names.part(Ref("article", ins.sibling)))
            block = _block(ins.units, 1, "", article=(ins.label, ins.title))
        elif ins.kind == "renumber":
            olds = [a for a, _ in ins.labels]
            news = [b for _, b in ins.labels]
            if ref.kind == "document":
                kind, points = "article", False
            else:
                kind, points = ("paragraph", False) if not path else ("point", True)
            many = len(olds) > 1
            fields = dict(
                Ks=kind + ("s" if many else ""),
                L1=_labels(olds, points),
                L2=_labels(news, points),
                verb="are" if many else "is",
            )
            if ref.kind == "document":
                line = t["renumber-articles"].format(**fields)
            else:
                line = t["renumber"].format(**f, **fields)
        else:  # pragma: no cover
            raise ValueError(ins.kind)
        line = line[:1].upper() + line[1:]
        number = str(k)
        out.append(
            Rendered(
                number,
                group,
                (s.NUMBER.format(n=k) + line, *block),
                replace(ins, number=number),
            )
        )
    return out


# --------------------------------------------------------------------------- parsing

_PART = r"article \d+|the preamble|the testimonium"
_FIELDS = {
    "A": rf"(?P<A>(?:the text of )?(?:{_PART})(?:, paragraph \d+|, point \([a-z]+\)|\([0-9a-z]+\))*)",
    "P": rf"(?P<P>{_PART})",
    "S": r"(?P<S>paragraph \d+|point \([a-z]+\))",
    "SA": rf"(?P<SA>(?:the text of )?(?:{_PART})(?:, paragraph \d+|, point \([a-z]+\)|\([0-9a-z]+\))*)",
    "R": r"(?P<R>the text|(?:paragraph \d+|point \([a-z]+\))(?:, point \([a-z]+\))*)",
    "K": r"(?P<K>paragraph|point|article)",
    "Ks": r"(?P<Ks>paragraphs?|points?|articles?)",
    "L1": r"(?P<L1>.+?)",
    "L2": r"(?P<L2>.+?)",
    "verb": r"(?:is|are)",
    "T": r"(?P<T>.*)",
    "action": r"(?P<action>.+)",
}
_WHICH = r"(?P<which> where it first occurs| each time it occurs)?"
_W = r"the words? “"
_ACTIONS = [
    (REPLACE, re.compile(rf"{_W}(?P<old>.*)” (?:is|are) replaced by “(?P<new>.*)”{_WHICH}", re.S)),
    (REMOVE, re.compile(rf"{_W}(?P<old>.*)” (?:is|are) deleted{_WHICH}", re.S)),
    (AFTER, re.compile(rf"{_W}(?P<new>.*)” (?:is|are) inserted after {_W}(?P<old>.*)”{_WHICH}")),
    (BEFORE, re.compile(rf"{_W}(?P<new>.*)” (?:is|are) inserted before {_W}(?P<old>.*)”{_WHICH}")),
]


def _compile(template: str) -> re.Pattern[str]:
    out = []
    for piece in re.split(r"(\{\w+\})", template):
        m = re.fullmatch(r"\{(\w+)\}", piece)
        out.append(_FIELDS[m.group(1)] if m else re.escape(piece))
    return re.compile("".join(out), re.IGNORECASE)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (key, _compile(tpl)) for style in STYLES.values() for key, tpl in style.TEMPLATES.items()
]
_NUMBERED = re.compile(r"^(?:(\d+)\.|\((\d+)\)) (.*)$")
_LABEL = re.compile(r"^(?:(\d+)\.|\(([a-z]+)\))(?: |$)")


def _ref(text: str) -> Ref:
    low = text.lower()
    if low == "the preamble":
        return Ref("preamble")
    if low == "the testimonium":
        return Ref("testimonium")
    return Ref("article", int(text.split()[1]))


class _Reader:
    def __init__(self, old: Doc):
        self.counts = {Ref("preamble"): len(old[0].items), Ref("testimonium"): len(old[-1].items)}
        for n, a in enumerate(articles(old), start=1):
            self.counts[Ref("article", n)] = len(a.items)

    def path(self, ref: Ref, tail: str, need_unit: bool) -> tuple[int, ...]:
        """The path named by the address after the part (", paragraph 2, point (a)" or "(2)(a)")."""
        bits = re.findall(r"paragraph (\d+)|point \(([a-z]+)\)|\(([0-9a-z]+)\)", tail, re.I)
        labels: list[tuple[str, str]] = []
        for para, point, bare in bits:
            if para:
                labels.append(("paragraph", para))
            elif point:
                labels.append(("point", point.lower()))
            elif bare.isdigit() and not labels:
                labels.append(("paragraph", bare))
            else:
                labels.append(("point", bare.lower()))
        path: list[int] = []
        if labels and labels[0][0] == "paragraph":
            path.append(int(labels.pop(0)[1]) - 1)
        elif labels or need_unit:
            count = self.counts.get(ref)
            if count is None:
                raise ValueError(f"{ref.kind} {ref.number} is not in the earlier draft")
            if count != 1:
                from .instructions import describe_ref

                raise ValueError(f"{describe_ref(ref)} has {count} paragraphs; name one")
            path.append(0)
        for depth, (_, lab) in enumerate(labels, start=2):
            i = parse_label(lab, depth)
            if i is None:
                raise ValueError(f"'({lab})' is not a label of a point at that level")
            path.append(i)
        return tuple(path)


def _part_tail(address: str) -> tuple[Ref, str]:
    address = re.sub(r"^the text of ", "", address, flags=re.I)
    m = re.match(_PART, address, re.I)
    assert m is not None
    return _ref(m.group(0)), address[m.end() :]


def _parse_block(lines: list[str], depth: int, article: bool, top_label: bool = True):
    """The quoted text after an instruction: (units, article number, title)."""
    if not lines:
        raise ValueError("the quoted text is missing")
    body = [ln[len(INDENT) :] if ln.startswith(INDENT) else ln.lstrip(" ") for ln in lines]
    if not body[0].startswith("“") or not body[-1].endswith("”"):
        raise ValueError("the text must be quoted “…”")
    body[0] = body[0][1:]
    body[-1] = body[-1][:-1]
    number, title = None, None
    if article:
        m = re.fullmatch(r"Article (\d+)(?: — (.*))?", body[0])
        if m is None:
            raise ValueError("the article's text must start with its number: “Article 6 — Title")
        number, title = m.group(1), m.group(2)
        body = body[1:]
        top_label = sum(1 for ln in body if not ln.startswith(" ")) > 1
    roots: list = []
    stack: list[tuple[int, tuple[str, list]]] = []
    first = not article  # the line the opening quote starts: its text may start with spaces
    for ln in body:
        level = 0 if first else (len(ln) - len(ln.lstrip(" "))) // len(INDENT)
        first = False
        text = ln[level * len(INDENT) :]
        d = depth + level
        m = _LABEL.match(text)
        if (d > depth or top_label) and m and (m.group(1) if d == 1 else m.group(2)):
            text = text[m.end() :]
        node: tuple[str, list] = (text, [])
        while stack and stack[-1][0] >= d:
            stack.pop()
        if not stack:
            if d != depth:
                raise ValueError("the quoted text is not indented as its levels")
            roots.append(node)
        else:
            if d != stack[-1][0] + 1:
                raise ValueError("the quoted text is not indented as its levels")
            stack[-1][1][1].append(node)
        stack.append((d, node))

    def freeze(n) -> Unit:
        return Unit(n[0], tuple(freeze(x) for x in n[1]))

    return tuple(freeze(n) for n in roots), number, title


#: an instruction's sentence (its quoted text aside) is at most this long
MAX_SENTENCE = 20_000


def parse_one(
    number: str, sentence: str, block: list[str], old: Doc, reader: _Reader | None = None
) -> Instruction:
    """One instruction; ``ValueError`` saying what is wrong with it."""
    reader = reader or _Reader(old)
    sentence = sentence.strip()
    if len(sentence) > MAX_SENTENCE:
        raise ValueError(
            f"the sentence is {len(sentence)} characters long; the limit is {MAX_SENTENCE}"
            " (quote long text as a whole paragraph instead)"
        )
    for key, pattern in _PATTERNS:
        m = pattern.fullmatch(sentence)
        if m is None:
            continue
        g = m.groupdict()
        try:
            return _build(key, g, block, reader, number)
        except _NoMatch:
            continue
    raise ValueError("not an instruction this tool can read")


class _NoMatch(Exception):
    pass


def _build(key: str, g: dict, block: list[str], reader: _Reader, number: str) -> Instruction:
    if key == "words":
        act = g["action"]
        found = [(op, am) for op, pat in _ACTIONS if (am := pat.fullmatch(act))]
        if not found:
            raise _NoMatch
        op, am = found[0]
        ref, tail = _part_tail(g["A"])
        which = {None: None, " where it first occurs": FIRST, " each time it occurs": EACH}[
            am.group("which")
        ]
        if block:
            raise ValueError("a word change has no quoted text under it")
        return Instruction(
            "words",
            ref,
            reader.path(ref, tail, True),
            op=op,
            old=am.group("old"),
            new=am.group("new") if op != REMOVE else "",
            which=which,
            number=number,
        )
    if key in ("insert-after", "insert-before", "insert-add"):
        kind = g["K"].lower()
        if kind == "article":
            raise ValueError("an article is inserted with 'The following article is inserted …'")
        if g.get("SA"):
            ref, tail = _part_tail(g["SA"])
            full = reader.path(ref, tail, True)
            parent, sib = full[:-1], full[-1]
        else:
            ref, tail = _part_tail(g["A"])
            parent = reader.path(ref, tail, kind == "point")
            if key == "insert-add":
                sib = 0
            else:
                sm = re.fullmatch(r"paragraph (\d+)|point \(([a-z]+)\)", g["S"], re.I)
                assert sm is not None
                if (sm.group(1) is not None) != (not parent):
                    raise ValueError(f"{g['S']} is not where a {kind} goes")
                found_at = (
                    int(sm.group(1)) - 1
                    if sm.group(1)
                    else parse_label(sm.group(2).lower(), len(parent) + 1)
                )
                if found_at is None:
                    raise ValueError(f"'{g['S']}' is not a label of a point at that level")
                sib = found_at
        if (kind == "paragraph") != (not parent):
            raise ValueError(f"a {kind} cannot be inserted there")
        where = key.split("-")[1]
        numbered = ref.kind == "article" or bool(parent)
        units, _, _ = _parse_block(block, len(parent) + 1, False, numbered)
        if len(units) != 1:
            raise ValueError("the quoted text must be one unit")
        return Instruction(
            "insert-unit", ref, parent, unit=units[0], where=where, sibling=sib, number=number
        )
    if key in ("replace-unit", "delete-unit"):
        if "A" in g and g["A"] is not None:
            ref, tail = _part_tail(g["A"])
            if not tail and not g["A"].lower().startswith("the text of "):
                raise _NoMatch  # "Article 7 is deleted." deletes the article
        else:
            ref, tail = _ref(g["P"]), ", " + g["R"] if g["R"].lower() != "the text" else ""
        path = reader.path(ref, tail, True)
        if key == "delete-unit":
            if block:
                raise ValueError("a deletion has no quoted text under it")
            return Instruction("delete-unit", ref, path, number=number)
        if key == "replace-unit":
            named = len(path) > 1 or (ref.kind == "article" and reader.counts.get(ref, 0) > 1)
            units, _, _ = _parse_block(block, len(path), False, named)
            if len(units) != 1:
                raise ValueError("the quoted text must be one unit")
            return Instruction("replace-unit", ref, path, unit=units[0], number=number)
        raise _NoMatch  # pragma: no cover
    if key in ("heading", "heading-delete", "delete-article"):
        ref = _ref(g["P"])
        if ref.kind != "article":
            raise ValueError("only articles have headings or can be deleted")
        if block:
            raise ValueError("this instruction has no quoted text under it")
        kind = "heading" if key != "delete-article" else "delete-article"
        return Instruction(kind, ref, new=g.get("T"), number=number)
    if key.startswith("insert-article-"):
        where = key.rsplit("-", 1)[1]
        sib = _ref(g["P"]).number if g.get("P") else 0
        if g.get("P") and _ref(g["P"]).kind != "article":
            raise ValueError("articles go after or before articles")
        units, num, title = _parse_block(block, 1, True)
        return Instruction(
            "insert-article",
            Ref("document"),
            where=where,
            sibling=sib,
            title=title,
            units=units,
            label=num or "",
            number=number,
        )
    if key in ("renumber", "renumber-articles"):
        olds, news = _label_list(g["L1"]), _label_list(g["L2"])
        if len(olds) != len(news):
            raise ValueError("the renumbering lists differ in length")
        labels = tuple((a.strip("()"), b.strip("()")) for a, b in zip(olds, news))
        if key == "renumber-articles":
            return Instruction("renumber", Ref("document"), labels=labels, number=number)
        ref, tail = _part_tail(g["A"])
        return Instruction(
            "renumber", ref, reader.path(ref, tail, False), labels=labels, number=number
        )
    raise _NoMatch  # pragma: no cover


def _label_list(text: str) -> list[str]:
    m = re.fullmatch(r"(\d+) to (\d+)", text.strip())
    if m:
        return [str(n) for n in range(int(m.group(1)), int(m.group(2)) + 1)]
    return re.findall(r"\(?\w+\)?", text.replace(" and ", ", "))


def parse(text: str, old: Doc, *, markdown: bool = False) -> list[Instruction]:
    """Every instruction of a file; :class:`GrammarError` at the first that cannot be read."""
    lines = text.splitlines()
    if markdown:
        lines = [unescape_md(ln) for ln in lines]
    out: list[Instruction] = []
    current: tuple[str, int, str] | None = None
    block: list[str] = []
    seen: set[str] = set()
    reader = _Reader(old)

    def flush():
        if current is None:
            return
        number, lineno, sentence = current
        if number in seen:
            raise GrammarError(number, lineno, f"instruction {number} is numbered twice")
        seen.add(number)
        try:
            out.append(replace(parse_one(number, sentence, block, old, reader), line=lineno))
        except ValueError as exc:
            raise GrammarError(number, lineno, str(exc)) from None

    for lineno, ln in enumerate(lines, start=1):
        m = _NUMBERED.match(ln)
        if m:
            flush()
            current = (m.group(1) or m.group(2), lineno, m.group(3))
            block = []
        elif current is not None and ln.startswith(" ") and ln.strip():
            block.append(ln)
    flush()
    return out


# --------------------------------------------------------------------------- markdown escaping

_MD_SPECIAL = re.compile(r"([\\`*_<>\[\]|])")


def escape_md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def unescape_md(text: str) -> str:
    return re.sub(r"\\([\\`*_<>\[\]|])", r"\1", text)
