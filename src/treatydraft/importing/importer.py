"""The import use case: read an official text, write ``sources/<id>.md``, report."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import addresses
from ..diagnostics import Diagnostic
from ..errors import InputError, UsageError
from ..model import Project, Source
from ..text import fold, pin_hash
from . import detect, fetch, writer
from .model import Document

SOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,119}")
_IMPORTED = re.compile(r"^\s*imported:\s*(\d{4}-\d{2}-\d{2})\s*$", re.M)


@dataclass
class ImportResult:
    source_id: str
    path: str  # project-relative
    doc: Document
    counts: dict  # articles, paragraphs, points, recitals, notes
    existed: bool
    changed: bool  # the file's bytes would change (or it is new)
    written: bool
    changed_articles: list[str] = field(default_factory=list)  # "Art. 3 (changed)", …
    failing_pins: list[str] = field(default_factory=list)  # diagnostic-style lines
    check: bool = False  # --check: nothing written, the file only compared

    @property
    def exit_code(self) -> int:
        """1 with ``check`` when the source would change, else 0."""
        return 1 if self.check and self.changed else 0


def read_ref(ref: str, lang: str, fetcher: Callable | None = None) -> tuple[bytes, str, dict]:
    """The bytes a FILE, URL or ``celex:NUMBER`` names, the path to report, and origin keys."""
    if ref.lower().startswith("celex:"):
        url = fetch.celex_url(ref.split(":", 1)[1], lang)
        return (fetcher or fetch.download)(url), url, {"url": url}
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", ref):
        return (fetcher or fetch.download)(ref), ref, {"url": ref}
    path = Path(ref)
    if not path.is_file():
        raise UsageError(f"{ref}: no such file (give a FILE, an https:// URL or celex:NUMBER)")
    from .xmlsafe import MAX_BYTES, error

    size = path.stat().st_size
    if size > MAX_BYTES:
        raise error(
            ref,
            1,
            1,
            "file-too-large",
            f"the document is {size / 2**20:.1f} MiB; the limit for an import is "
            f"{MAX_BYTES // 2**20} MiB",
        )
    with open(path, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    return data, ref, {"file": path.name}


def default_id(doc: Document) -> str | None:
    if doc.celex:
        m = re.fullmatch(r"3(\d{4})([RLD])0*(\d+)", doc.celex)
        if m:
            kind = {"R": "reg", "L": "dir", "D": "dec"}[m.group(2)]
            return f"{kind}-{m.group(1)}-{m.group(3)}"
    if doc.frbr:
        parts = [p for p in re.split(r"[/#]", doc.frbr) if p and p not in ("akn", "id", "main")]
        parts = [p for p in parts if not re.fullmatch(r"https?:|www\..*|[a-z]+\.[a-z.]+", p)]
        if parts:
            return re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(parts[:3])).strip("-").lower()
    return None


def parse_source_text(text: str, source_id: str) -> Source:
    """Load generated source text with the project's own §3 reader (the round-trip proof)."""
    from ..loading.sources import load_source

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"{source_id}.md"
        p.write_bytes(text.encode("utf-8"))  # the same bytes as the file written
        return load_source(p, f"sources/{source_id}.md")


def counts(src: Source, doc: Document) -> dict:
    kinds = {"paragraph": 0, "point": 0}
    for node in src.index.values():
        if node.kind in kinds:
            kinds[node.kind] += 1
    return {
        "articles": len(src.articles),
        "paragraphs": kinds["paragraph"],
        "points": kinds["point"],
        "recitals": len(src.recitals),
        "notes": len(doc.notes),
    }


def _nodes(node) -> list:
    out = [node] if node.kind != "article" or node.text else []
    for c in node.children:
        out.extend(_nodes(c))
    return out


def _reads_back(blocks: list[str], node) -> bool:
    nodes = _nodes(node)
    if len(nodes) != len(blocks):
        return False
    for block, n in zip(blocks, nodes):
        text = fold(n.text)
        if n.kind in ("article", "indent"):
            ok = fold(block) == text
        else:
            ok = fold(block) in (f"{n.label}. {text}", f"({n.label}) {text}")
        if not ok:
            return False
    return True


def _check_round_trip(doc: Document, src: Source, path: str) -> None:
    """Every article must read back with the same text, block for block, label for label."""
    diags = []
    for art in doc.articles:
        node = src.index.get(art.number)
        if node is None or not _reads_back(art.blocks, node):
            diags.append(
                Diagnostic(
                    path,
                    node.pos.line if node is not None else 1,
                    1,
                    "error",
                    "import-unplaced",
                    f"Article {art.number} does not read back as imported; not written",
                )
            )
    if diags:
        raise InputError(diags)


@dataclass(frozen=True)
class Read:
    """An official text read and parsed, before any project is touched."""

    data: bytes
    shown: str  # the path or URL to report
    where: dict  # {"url": …} or {"file": …}
    doc: Document


def read_document(ref: str, lang: str = "en", fetcher: Callable | None = None) -> Read:
    """Fetch or read ``ref`` and parse it (hostile files fail here, before anything else)."""
    data, shown, where = read_ref(ref, lang, fetcher)
    doc = detect.read(data, shown)
    if not doc.articles:
        raise detect.error(shown, 1, 1, "import-format", "no articles found in the document")
    if ref.lower().startswith("celex:"):  # the number asked for, not one read from a title
        doc.celex = ref.split(":", 1)[1].strip().upper()  # (the OJ misprints some numbers)
    return Read(data, shown, where, doc)


def run_import(
    root: Path,
    sources_dir: str,
    ref: str | Read,
    *,
    source_id: str | None = None,
    lang: str = "en",
    check: bool = False,
    project: Project | None = None,
    fetcher: Callable | None = None,
    today: _dt.date | None = None,
) -> ImportResult:
    from ..fsio import write_atomic

    read = ref if isinstance(ref, Read) else read_document(ref, lang, fetcher)
    data, where, doc = read.data, read.where, read.doc
    sid = source_id or default_id(doc)
    if sid is None:
        raise UsageError("the document carries no CELEX number or FRBR URI: give --id ID")
    if not SOURCE_ID.fullmatch(sid):
        raise UsageError(f"'{sid}' is not a source id (letters, digits, '.', '-' and '_')")
    rel = f"{sources_dir.rstrip('/')}/{sid}.md"
    target = root / rel
    old = target.read_bytes() if target.is_file() else None
    date = (today or _dt.date.today()).isoformat()
    info = writer.OriginInfo(
        hashlib.sha256(data).hexdigest(), date, where.get("url"), where.get("file")
    )
    text = writer.render(doc, sid, info, lang)
    if old is not None:
        m = _IMPORTED.search(old.decode("utf-8", "replace"))
        if m:  # the same text imported on another day is not a change
            same_day = writer.render(doc, sid, dataclasses.replace(info, imported=m.group(1)), lang)
            if same_day.encode("utf-8") == old:
                text = same_day
    new_bytes = text.encode("utf-8")
    try:
        src = parse_source_text(text, sid)
    except InputError as exc:  # the reader could not place something: say so, write nothing
        raise InputError(
            [
                Diagnostic(d.path, d.line, d.col, d.severity, d.code, f"{d.message} (not written)")
                for d in exc.diagnostics
            ]
        ) from None
    _check_round_trip(doc, src, rel)
    result = ImportResult(
        sid, rel, doc, counts(src, doc), old is not None, new_bytes != old, False, check=check
    )
    if project is not None and sid in project.sources:
        result.changed_articles = changed_articles(project.sources[sid], src)
        result.failing_pins = failing_pins(project, sid, src)
    if check or not result.changed:
        return result
    write_atomic(target, new_bytes, expect=old)
    result.written = True
    return result


def changed_articles(old: Source, new: Source) -> list[str]:
    out = []
    olds = {a.address: a for a in old.articles}
    news = {a.address: a for a in new.articles}
    for addr in sorted(set(olds) | set(news), key=_natural):
        a, b = olds.get(addr), news.get(addr)
        if a is None:
            out.append(f"{addresses.display(addr)} (added)")
        elif b is None:
            out.append(f"{addresses.display(addr)} (removed)")
        elif fold(a.full_text()) != fold(b.full_text()) or (a.heading or "") != (b.heading or ""):
            out.append(f"{addresses.display(addr)} (changed)")
    return out


def _natural(addr: str) -> tuple:
    m = re.match(r"(\d+)(.*)", addr)
    return (int(m.group(1)), m.group(2)) if m else (10**9, addr)


def failing_pins(project: Project, sid: str, new: Source) -> list[str]:
    """Pinned clause paragraphs that pass today and will fail ``pin-mismatch`` after the update."""
    from ..provenance import resolve

    updated = dataclasses.replace(project, sources={**project.sources, sid: new})
    out = []
    for cid in sorted(project.clauses):
        clause = project.clauses[cid]
        for item in clause.walk():
            prov = item.provenance
            if prov is None or prov.source != sid or not prov.pin:
                continue
            before = resolve(project, clause, item, [])
            if before is None or pin_hash(before.source_text) != prov.pin:
                continue  # failing already, or not resolvable: not this update's doing
            after = resolve(updated, clause, item, [])
            if after is None or pin_hash(after.source_text) != prov.pin:
                pos = prov.pin_pos or prov.pos
                why = "no longer in the source" if after is None else "its source text changes"
                out.append(
                    f"{pos.path}:{pos.line}:{pos.col}: {cid} at {prov.at}: {why}; "
                    "pin-mismatch after the update"
                )
    return out
