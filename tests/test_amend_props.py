"""Property: the instructions `amend` generates, written out in either style and read back,
turn the earlier draft into the current one — apply(old, amend(old, new)) == new."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from treatydraft.amend.doc import Part, Unit, shape
from treatydraft.amend.formats import md, term, text_of
from treatydraft.amend.grammar import parse, render
from treatydraft.amend.instructions import apply, generate

WORDS = [
    "shall",
    "may",
    "the",
    "State",
    "Party",
    "measures",
    "of",
    "and",
    "to",
    "child",
    "online",
    "États",
    "membres",
    "1990",
    "Article",
    "competent",
    "authorities",
    "ensure",
    "“curly”",
    "it’s",
    "*stars*",
    "a_b",
    "(a)",
    "2.",
    "no\u00a0break",
    "tab\there",
    "x  y",
]
PUNCT = ["", "", "", ",", ";", ".", ":"]

word = st.sampled_from(WORDS)
text = st.lists(st.tuples(word, st.sampled_from(PUNCT)), min_size=1, max_size=8).map(
    lambda ws: " ".join(w + p for w, p in ws)
)
# an abstract article: (key, title, [paragraph: (text, [point text], ref key or None)])
paragraph = st.tuples(text, st.lists(text, max_size=3), st.none() | st.integers(0, 5))


@st.composite
def drafts(draw):
    n = draw(st.integers(1, 4))
    arts = [
        [f"k{i}", draw(st.none() | text), draw(st.lists(paragraph, min_size=1, max_size=3))]
        for i in range(n)
    ]
    preamble = draw(st.lists(text, max_size=2))
    return preamble, arts


def materialise(preamble, arts):
    """The Doc of an abstract draft, cross-references resolved from its own numbering."""
    numbers = {a[0]: i + 1 for i, a in enumerate(arts)}

    def resolve(t, ref):
        if ref is None:
            return t
        key = f"k{ref}"
        return f"{t} See Article {numbers[key]}." if key in numbers else t

    return (
        Part("preamble", "preamble", None, tuple(Unit(t) for t in preamble)),
        *(
            Part(
                "article",
                key,
                title,
                tuple(Unit(resolve(t, ref), tuple(Unit(p) for p in pts)) for t, pts, ref in paras),
            )
            for key, title, paras in arts
        ),
        Part("testimonium", "testimonium", None, ()),
    )


@st.composite
def edited_abstract(draw):
    """(earlier, current) abstract drafts: (preamble texts, articles)."""
    preamble, arts = draw(drafts())
    old = (list(preamble), [list(a) for a in arts])
    arts = [[k, t, list(ps)] for k, t, ps in arts]
    preamble = list(preamble)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(
                [
                    "word",
                    "word",
                    "word",
                    "insert-para",
                    "delete-para",
                    "move-para",
                    "insert-art",
                    "delete-art",
                    "move-art",
                    "title",
                    "points",
                    "preamble",
                ]
            )
        )
        a = draw(st.integers(0, len(arts) - 1)) if arts else None
        if kind == "word" and a is not None:
            ps = arts[a][2]
            if not ps:
                continue
            i = draw(st.integers(0, len(ps) - 1))
            t, pts, ref = ps[i]
            words = t.split(" ")
            j = draw(st.integers(0, len(words) - 1))
            op = draw(st.sampled_from(["replace", "delete", "insert"]))
            if op == "replace":
                words[j] = draw(word)
            elif op == "delete" and len(words) > 1:
                del words[j]
            else:
                words.insert(j, draw(word))
            ps[i] = (" ".join(words), pts, ref)
        elif kind == "insert-para" and a is not None:
            ps = arts[a][2]
            ps.insert(draw(st.integers(0, len(ps))), draw(paragraph))
        elif kind == "delete-para" and a is not None and len(arts[a][2]) > 1:
            del arts[a][2][draw(st.integers(0, len(arts[a][2]) - 1))]
        elif kind == "move-para" and a is not None and len(arts[a][2]) > 1:
            p = arts[a][2].pop(draw(st.integers(0, len(arts[a][2]) - 1)))
            b = draw(st.integers(0, len(arts) - 1))
            arts[b][2].insert(draw(st.integers(0, len(arts[b][2]))), p)
        elif kind == "insert-art":
            key = f"n{draw(st.integers(0, 10**6))}"
            if all(x[0] != key for x in arts):
                arts.insert(
                    draw(st.integers(0, len(arts))),
                    [
                        key,
                        draw(st.none() | text),
                        draw(st.lists(paragraph, min_size=1, max_size=3)),
                    ],
                )
        elif kind == "delete-art" and len(arts) > 1:
            del arts[draw(st.integers(0, len(arts) - 1))]
        elif kind == "move-art" and len(arts) > 1:
            x = arts.pop(draw(st.integers(0, len(arts) - 1)))
            arts.insert(draw(st.integers(0, len(arts))), x)
        elif kind == "title" and a is not None:
            arts[a][1] = draw(st.none() | text)
        elif kind == "points" and a is not None:
            ps = arts[a][2]
            i = draw(st.integers(0, len(ps) - 1))
            t, pts, ref = ps[i]
            pts = list(pts)
            if pts and draw(st.booleans()):
                del pts[draw(st.integers(0, len(pts) - 1))]
            else:
                pts.insert(draw(st.integers(0, len(pts))), draw(text))
            ps[i] = (t, pts, ref)
        elif kind == "preamble":
            if preamble and draw(st.booleans()):
                del preamble[draw(st.integers(0, len(preamble) - 1))]
            else:
                preamble.insert(draw(st.integers(0, len(preamble))), draw(text))
    arts = [x for x in arts if x[2]]
    return old, (preamble, arts)


@st.composite
def edited(draw):
    old, new = draw(edited_abstract())
    return materialise(*old), materialise(*new)


@given(edited(), st.sampled_from(["un", "eu"]), st.sampled_from([0.3, 0.5, 1.0]))
def test_applying_the_generated_instructions_gives_the_new_draft(pair, style, threshold):
    old, new = pair
    instructions = generate(old, new, threshold)
    rendered = render(instructions, old, style)
    # in memory, and through the text that is written and read back (term and Markdown)
    assert shape(apply(old, instructions)) == shape(new)
    meta = dict(title="T", against="HEAD~1", style=style)
    for fmt in (term, md):
        text, markdown = text_of(fmt(rendered, **meta), "x")
        assert shape(apply(old, parse(text, old, markdown=markdown))) == shape(new)


@given(edited())
def test_an_unchanged_unit_is_never_cited(pair):
    old, new = pair
    assert generate(old, old) == []
    # an article whose heading and text did not change is never cited (one that moved is
    # deleted where it was and inserted where it goes)
    old_arts = [p for p in old if p.kind == "article"]
    new_by_key = {p.key: p for p in new if p.kind == "article"}
    for ins in generate(old, new):
        if ins.part.kind != "article" or ins.kind == "delete-article":
            continue
        was = old_arts[ins.part.number - 1]
        now = new_by_key.get(was.key)
        assert now is None or (was.title, was.items) != (now.title, now.items), ins


# --------------------------------------------------------------------------- through the files


def write_project(root: Path, preamble, arts) -> None:
    """An abstract draft as a project on disk; references as {{ ref() }}."""
    keys = {a[0] for a in arts}
    (root / "clauses").mkdir(parents=True)
    outline = ["pre", *(a[0] for a in arts)]
    (root / "treatydraft.yml").write_text(
        "title: T\noutline:\n" + "".join(f"  - {c}\n" for c in outline), encoding="utf-8"
    )
    q = json.dumps

    def item(text, indent):
        return f"{indent}- text: {q(text, ensure_ascii=False)}\n"

    lines = ["id: pre", "kind: preamble", "paragraphs:"]
    (root / "clauses" / "pre.yaml").write_text(
        "\n".join(lines) + "\n" + "".join(item(t, "  ") for t in preamble), encoding="utf-8"
    )
    for key, title, paras in arts:
        out = [f"id: {key}\n"]
        if title is not None:
            out.append(f"title: {q(title, ensure_ascii=False)}\n")
        out.append("paragraphs:\n")
        for t, pts, ref in paras:
            if ref is not None and f"k{ref}" in keys:
                t = f'{t} See {{{{ ref("k{ref}") }}}}.'
            out.append(item(t, "  "))
            if pts:
                out.append("    points:\n")
                out.extend(item(p, "      ") for p in pts)
        (root / "clauses" / f"{key}.yaml").write_text("".join(out), encoding="utf-8")


@settings(max_examples=50)
@given(edited_abstract(), st.sampled_from(["un", "eu"]))
def test_amend_apply_on_files_gives_the_current_draft(pair, style):
    from treatydraft.amend.run import amend, apply_file, draft_doc
    from treatydraft.api import load_project

    (pre_old, arts_old), (pre_new, arts_new) = pair
    assume(pre_old and pre_new)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        write_project(base / "old", pre_old, arts_old)
        write_project(base / "new", pre_new, arts_new)
        sheet = base / "a.md"
        new = load_project(base / "new")
        amend(new, str(base / "old"), style=style, fmt="md", out=sheet)
        apply_file(load_project(base / "old"), sheet)
        assert shape(draft_doc(load_project(base / "old"))) == shape(draft_doc(new))
