"""Deterministic benchmark corpus, generated from the shipped source articles.

Two things are generated (both seeded, so the same arguments give the same bytes):

* a drafting project of N clauses (``make_project``): every paragraph is a real
  source paragraph from ``sources/`` with about 8% of its words edited, the named
  substitutions applied, ``relation: adapted`` with a budget it passes, and a
  ``pin`` computed with :func:`treatydraft.text.pin_hash`; about one clause in ten
  also has a ``new`` paragraph with a cross-reference;
* a redline pair (``make_pair``): a ~15,000-word "article" built from source
  paragraphs and an edited copy (~5% word edits, one paragraph moved), written
  as a tiny project (one source, one clause) for ``treatydraft redline`` and as
  two plain text files for the peers.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED_SOURCES = REPO / "sources"

RULES = {
    "states-parties": {"Member States": "States Parties", "Member State": "State Party"},
    "csam-term": {"child pornography": "online child sexual abuse material"},
}

# Words the edits insert or substitute: ordinary treaty vocabulary.
VOCAB = (
    "appropriate necessary effective competent relevant national domestic international "
    "shall ensure measures authorities provide promptly adequate legislative administrative "
    "cooperation assistance information procedures safeguards jurisdiction offences "
    "protection victims children online services providers material access removal "
    "applicable reasonable further particular respective timely available existing"
).split()

_WS = re.compile(r"\s+")


@dataclass
class SourcePara:
    source: str
    address: str
    heading: str | None
    text: str  # full_text() of the node: what check compares with
    words: list[str]  # the folded text split on spaces


def _fold(text: str) -> str:
    return _WS.sub(" ", text).strip()


def source_paragraphs(
    src_dir: Path = SHIPPED_SOURCES, min_words: int = 12, max_words: int = 220
) -> list[SourcePara]:
    """Every addressable source node without points whose text is a usable paragraph."""
    from treatydraft.loading.sources import load_source

    out = []
    for path in sorted(src_dir.glob("*.md")):
        src = load_source(path, f"sources/{path.name}")
        for address, node in sorted(src.index.items()):
            if node.kind not in ("paragraph", "recital", "article", "point"):
                continue
            text = node.full_text()
            words = _fold(text).split(" ")
            if not (min_words <= len(words) <= max_words):
                continue
            article = src.index.get(address.split("(")[0])
            heading = article.heading if article is not None else None
            out.append(SourcePara(src.id, address, heading, text, words))
    return out


def edit_words(words: list[str], rate: float, rng: random.Random) -> list[str]:
    """About ``rate`` of the (alphabetic) words replaced, deleted or followed by an insertion."""
    n_edits = max(1, round(len(words) * rate))
    candidates = [i for i, w in enumerate(words) if w.isalpha()] or list(range(len(words)))
    chosen = set(rng.sample(candidates, min(n_edits, len(candidates))))
    out = []
    for i, w in enumerate(words):
        if i not in chosen:
            out.append(w)
            continue
        action = rng.random()
        if action < 0.5:
            out.append(rng.choice(VOCAB))  # replace
        elif action < 0.75:
            continue  # delete
        else:
            out.extend((w, rng.choice(VOCAB)))  # insert after
    return out or words[:1]


def apply_rules(text: str) -> tuple[str, list[str]]:
    """The clause side of the named substitutions; the rules that matched."""
    used = []
    for name, table in RULES.items():
        hit = False
        for pattern in sorted(table, key=len, reverse=True):
            if pattern in text:
                hit = True
        if hit:
            used.append(name)
    patterns = sorted(
        ((p, r) for t in RULES.values() for p, r in t.items()), key=lambda x: -len(x[0])
    )
    rx = re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p, _ in patterns))
    table = dict(patterns)
    return rx.sub(lambda m: table[m.group()], text), used


def _block(text: str, indent: str, width: int = 78) -> str:
    """A folded block scalar body (``>-``), wrapped at ``width``."""
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(indent) + len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return "\n".join(indent + line for line in lines)


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _config(title: str, outline: list[tuple[str, list[str]]], preamble: str | None) -> str:
    out = [
        f"title: {_q(title)}",
        "short_title: the Convention",
        "language: en",
        "sources: sources/",
        "default_budget: 0.25",
        "outline:",
    ]
    if preamble:
        out.append(f"  - {preamble}")
    for chapter, ids in outline:
        out.append(f"  - chapter: {_q(chapter)}")
        out.append("    clauses:")
        out.extend(f"      - {cid}" for cid in ids)
    out.append("substitutions:")
    for name, table in RULES.items():
        out.append(f"  {name}:")
        out.append("    replace:")
        out.extend(f"      {_q(p)}: {_q(r)}" for p, r in table.items())
    out.append("checks:")
    out.append("  unused-clause: error")
    return "\n".join(out) + "\n"


def _copy_sources(dest: Path) -> None:
    (dest / "sources").mkdir(parents=True, exist_ok=True)
    for path in sorted(SHIPPED_SOURCES.glob("*.md")):
        shutil.copyfile(path, dest / "sources" / path.name)


def make_project(dest: Path, n_clauses: int, seed: int = 8, edit_rate: float = 0.08) -> dict:
    """Write a project of ``n_clauses`` clauses (the first one the preamble) into ``dest``."""
    from treatydraft.text import pin_hash

    rng = random.Random(seed)
    paras = source_paragraphs()
    if dest.exists():
        shutil.rmtree(dest)
    _copy_sources(dest)
    cdir = dest / "clauses"
    cdir.mkdir(parents=True)
    ids = [f"c{i:05d}" for i in range(1, n_clauses)]
    total_bytes = 0
    n_paras = 0
    # preamble: new text only
    pre = ["id: preamble", "kind: preamble", "paragraphs:"]
    for _ in range(3):
        words = " ".join(rng.choice(VOCAB) for _ in range(25))
        pre += [
            "  - text: >-",
            _block("Recognising that " + words + ",", "      "),
            "    provenance:",
            "      relation: new",
        ]
    data = "\n".join(pre) + "\n"
    (cdir / "preamble.yaml").write_text(data, encoding="utf-8")
    total_bytes += len(data.encode())
    for k, cid in enumerate(ids):
        count = rng.choice((1, 2, 2, 2, 3, 3))
        picked = [rng.choice(paras) for _ in range(count)]
        heading = picked[0].heading or f"Provisions derived from {picked[0].source}"
        lines = [f"id: {cid}", "kind: article", f"title: {_q(heading)}", "paragraphs:"]
        for p in picked:
            edited = " ".join(edit_words(p.words, edit_rate, rng))
            text, used = apply_rules(edited)
            lines += ["  - text: >-", _block(text, "      "), "    provenance:"]
            lines += [
                f"      source: {p.source}",
                f"      at: {_q(p.address)}",
                f"      pin: {pin_hash(p.text)}",
                "      relation: adapted",
            ]
            if used:
                lines.append("      substitutions:")
                lines += [f"        - {u}" for u in used]
            lines.append("      budget: 0.30")
            n_paras += 1
        if k % 10 == 5 and k > 0:
            target = ids[rng.randrange(0, len(ids))]
            lines += [
                "  - text: >-",
                _block(
                    f'The measures referred to in {{{{ ref("{target}") }}}} shall also apply to this Article.',
                    "      ",
                ),
                "    provenance:",
                "      relation: new",
            ]
            n_paras += 1
        note_words = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(5, 15)))
        lines += [
            "notes: >-",
            _block(
                f"Generated for the benchmark from {picked[0].source} {picked[0].address}. {note_words}.",
                "  ",
            ),
        ]
        data = "\n".join(lines) + "\n"
        (cdir / f"{cid}.yaml").write_text(data, encoding="utf-8")
        total_bytes += len(data.encode())
    chapters = [(f"Part {j // 100 + 1}", ids[j : j + 100]) for j in range(0, len(ids), 100)]
    (dest / "treatydraft.yml").write_text(
        _config(f"Benchmark Convention ({n_clauses} clauses)", chapters, "preamble"),
        encoding="utf-8",
    )
    return {"clauses": n_clauses, "paragraphs": n_paras, "yaml_bytes": total_bytes}


def make_pair(dest: Path, n_words: int = 15000, seed: int = 15, edit_rate: float = 0.05) -> dict:
    """A ~``n_words`` source text and an edited copy: a tiny project plus two text files."""
    from treatydraft.text import pin_hash

    rng = random.Random(seed)
    paras = [p for p in source_paragraphs(min_words=20) if p.words[0][:1].isalpha()]
    old: list[list[str]] = []
    count = 0
    while count < n_words:
        p = rng.choice(paras)
        old.append(list(p.words))
        count += len(p.words)
    new = [edit_words(words, edit_rate, rng) for words in old]
    # one moved paragraph: from the first third to the last third
    i = rng.randrange(0, max(1, len(new) // 3))
    j = rng.randrange(2 * len(new) // 3, len(new))
    new.insert(j, new.pop(i))
    old_paras = [" ".join(w) for w in old]
    new_paras = [" ".join(w) for w in new]
    old_text = "\n\n".join(old_paras)
    new_text = "\n\n".join(new_paras)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "project" / "sources").mkdir(parents=True)
    (dest / "project" / "clauses").mkdir(parents=True)
    (dest / "source.txt").write_text(old_text + "\n", encoding="utf-8")
    (dest / "clause.txt").write_text(new_text + "\n", encoding="utf-8")
    body = "\n\n".join(f"{n}. {t}" for n, t in enumerate(old_paras, start=1))
    src = (
        "---\n"
        'id: "big"\n'
        'title: "A long generated instrument for the redline benchmark"\n'
        'short: "Big"\n'
        'origin: "Generated by bench/corpus.py from the shipped sources (seeded)."\n'
        "---\n\n"
        "## Article 1\n\n"
        "### Everything\n\n" + body + "\n"
    )
    (dest / "project" / "sources" / "big.md").write_text(src, encoding="utf-8")
    text_block = "\n\n".join("      " + p for p in new_paras)
    clause = (
        "id: big\n"
        "title: Everything\n"
        "paragraphs:\n"
        "  - text: |-\n" + text_block + "\n"
        "    provenance:\n"
        "      source: big\n"
        '      at: "1"\n'
        f"      pin: {pin_hash(old_text)}\n"
        "      relation: adapted\n"
        "      budget: 1.0\n"
    )
    (dest / "project" / "clauses" / "big.yaml").write_text(clause, encoding="utf-8")
    (dest / "project" / "treatydraft.yml").write_text(
        'title: "Redline benchmark"\noutline:\n  - big\n', encoding="utf-8"
    )
    return {
        "old_words": sum(map(len, old)),
        "new_words": sum(map(len, new)),
        "paragraphs": len(old),
        "moved": (i, j),
    }


def make_formex(dest: Path, n_articles: int = 100, seed: int = 16) -> dict:
    """A Formex 4 act of ``n_articles`` articles (paragraphs, points, quotes, footnotes) built
    from the shipped sources' words, for the `sources import` row."""
    from xml.sax.saxutils import escape

    rng = random.Random(seed)
    paras = [p for p in source_paragraphs(min_words=12)]
    out = [
        "<?xml version='1.0' encoding='utf-8'?><ACT><BIB.INSTANCE><LG.DOC>EN</LG.DOC>",
        "<NO.DOC><NO.CURRENT>999</NO.CURRENT><YEAR>2026</YEAR></NO.DOC></BIB.INSTANCE>",
        "<TITLE><TI><P>Regulation (EU) 2026/999 of the benchmark</P></TI></TITLE>",
        "<ENACTING.TERMS>",
    ]
    for a in range(1, n_articles + 1):
        out.append(f"<ARTICLE><TI.ART>Article {a}</TI.ART><STI.ART>Heading {a}</STI.ART>")
        for n in range(1, rng.randint(2, 4) + 1):
            text = escape(rng.choice(paras).text)
            out.append(f"<PARAG><NO.PARAG>{n}.</NO.PARAG><ALINEA>")
            if rng.random() < 0.4:
                out.append(f"<P>{text}<NOTE><P>OJ L {a}, p. {n}.</P></NOTE>:</P><LIST>")
                for k in range(rng.randint(2, 5)):
                    point = escape(rng.choice(paras).text)
                    out.append(
                        f"<ITEM><NP><NO.P>({'abcdefg'[k]})</NO.P><TXT><QUOT.START CODE='2018'/>"
                        f"term<QUOT.END CODE='2019'/> {point}</TXT></NP></ITEM>"
                    )
                out.append("</LIST>")
            else:
                out.append(text)
            out.append("</ALINEA></PARAG>")
        out.append("</ARTICLE>")
    out.append("</ENACTING.TERMS></ACT>")
    dest.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(out).encode("utf-8")
    dest.write_bytes(data)
    return {"articles": n_articles, "bytes": len(data)}
