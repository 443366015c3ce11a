"""Reader of a whole project: ``treatydraft.yml``, its sources and its clauses.

Collects every problem of every file before raising, so one run reports all of them.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import replace
from pathlib import Path

from ..diagnostics import DEFAULT_LEVELS, Diagnostic
from ..errors import InputError, ProjectNotFound
from ..model import Omission, OutlineEntry, Pos, Project, Rule
from . import yamlsafe
from .clauses import load_clause
from .schema import Reader
from .sources import load_source

CONFIG = "treatydraft.yml"
CONFIG_KEYS = (
    "title",
    "short_title",
    "language",
    "sources",
    "outline",
    "substitutions",
    "checks",
    "default_budget",
    "amend_threshold",
    "coverage",
    "omitted",
    "delegations",
)
LEVELS = ("error", "warning", "ignore")


def find_root(start: str | Path) -> Path:
    """The nearest directory at or above ``start`` holding ``treatydraft.yml``."""
    here = Path(start).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG).is_file():
            return d
    raise ProjectNotFound(str(start))


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_config(root: Path, diags: list[Diagnostic], seen: dict | None = None) -> dict:
    path = root / CONFIG
    if not contained(path, root.resolve()):
        diags.append(_outside(root, path))
        return {}
    try:
        data = yamlsafe.read(path, CONFIG)
        if seen is not None:
            seen[CONFIG] = data
        tree = yamlsafe.load_bytes(data, CONFIG)
    except InputError as exc:
        diags.extend(exc.diagnostics)
        return {}
    except OSError as exc:
        diags.append(Diagnostic(CONFIG, 1, 1, "error", "io", f"cannot read: {exc.strerror}"))
        return {}
    r = Reader(CONFIG, diags)
    if tree is None:
        r.error(
            None, "empty-file", "treatydraft.yml is empty; it needs at least 'title' and 'outline'"
        )
        return {}
    m = r.mapping(tree, CONFIG_KEYS, ("title", "outline"), "treatydraft.yml")
    if m is None:
        return {}
    get = m.items.get
    cfg: dict = {
        "title": r.string(get("title"), "title") or "",
        "short_title": r.string(get("short_title"), "short_title"),
        "language": r.string(get("language"), "language") or "en",
        "sources": r.string(get("sources"), "sources") or "sources/",
    }
    budget = (
        r.number(get("default_budget"), "default_budget") if "default_budget" in m.items else 0.25
    )
    if budget is not None and not 0 <= budget <= 1:
        r.error(
            get("default_budget"),
            "schema",
            f"default_budget must be between 0 and 1 (a share of words), not {budget:g}",
        )
    cfg["default_budget"] = 0.25 if budget is None else budget
    threshold = (
        r.number(get("amend_threshold"), "amend_threshold") if "amend_threshold" in m.items else 0.5
    )
    if threshold is not None and not 0 <= threshold <= 1:
        r.error(
            get("amend_threshold"),
            "schema",
            f"amend_threshold must be between 0 and 1 (a share of words), not {threshold:g}",
        )
    cfg["amend_threshold"] = 0.5 if threshold is None else threshold
    cfg["outline"] = _outline(r, get("outline"))
    rules = {}
    subs = get("substitutions")
    if subs is not None and r.mapping(subs, None, (), "substitutions") is None:
        subs = None
    if subs is not None:
        for name in subs.order:
            rm = r.mapping(
                subs.items[name],
                ("description", "replace"),
                ("replace",),
                f"substitution rule '{name}'",
            )
            if rm is None:
                continue
            replace = r.string_map(rm.items["replace"], "replace") if "replace" in rm.items else {}
            if (
                "replace" in rm.items
                and not replace
                and isinstance(rm.items["replace"], yamlsafe.YMap)
            ):
                r.error(
                    rm.items["replace"], "schema", f"substitution rule '{name}' replaces nothing"
                )
            for pattern in replace:
                if not pattern.strip():
                    r.error(
                        rm.items["replace"],
                        "schema",
                        f"substitution rule '{name}' has an empty pattern",
                    )
            rules[name] = Rule(name, replace, r.string(rm.items.get("description"), "description"))
    cfg["rules"] = rules
    cfg["rule_pos"] = (
        {name: Pos(CONFIG, subs.keys[name].line, subs.keys[name].col) for name in rules}
        if subs
        else {}
    )
    checks = {}
    cnode = get("checks")
    if isinstance(cnode, yamlsafe.YMap):
        for code in cnode.order:
            if code not in DEFAULT_LEVELS:
                hint = difflib.get_close_matches(code, list(DEFAULT_LEVELS), n=1, cutoff=0.6)
                r.error(
                    cnode.keys[code],
                    "unknown-key",
                    f"unknown check '{code}' in checks"
                    + (
                        f"; did you mean '{hint[0]}'?"
                        if hint
                        else f"; checks: {', '.join(sorted(DEFAULT_LEVELS))}"
                    ),
                )
                continue
            level = r.string(cnode.items[code], f"checks.{code}")
            if level is not None and level not in LEVELS:
                r.error(
                    cnode.items[code],
                    "schema",
                    f"check level must be error, warning or ignore, not '{level}'",
                )
            elif level is not None:
                checks[code] = level
    elif cnode is not None:
        r.error(cnode, "wrong-type", "'checks' must be a mapping of check code to level")
    cfg["checks"] = checks
    coverage = {}
    coverage_pos = {}
    cov = get("coverage")
    if isinstance(cov, yamlsafe.YMap):
        for sid in cov.order:
            coverage[sid] = r.string_list(cov.items[sid], f"coverage.{sid}")
            items = cov.items[sid].items if isinstance(cov.items[sid], yamlsafe.YSeq) else []
            key = cov.keys[sid]
            coverage_pos[sid] = (
                Pos(CONFIG, key.line, key.col),
                tuple(Pos(CONFIG, i.line, i.col) for i in items),
            )
    elif cov is not None:
        r.error(cov, "wrong-type", "'coverage' must map source ids to lists of addresses")
    cfg["coverage"] = coverage
    cfg["coverage_pos"] = coverage_pos
    omitted = []
    om = get("omitted")
    if isinstance(om, yamlsafe.YSeq):
        for item in om.items:
            im = r.mapping(
                item, ("source", "at", "reason"), ("source", "at", "reason"), "omitted entry"
            )
            if im is None:
                continue
            source, at, reason = (r.string(im.items.get(k), k) for k in ("source", "at", "reason"))
            if source is not None and at is not None and reason is not None:
                omitted.append(Omission(source, at, reason, Pos(CONFIG, im.line, im.col)))
    elif om is not None:
        r.error(om, "wrong-type", "'omitted' must be a list")
    cfg["omitted"] = tuple(omitted)
    cfg["delegations"], cfg["delegations_pos"] = _delegations(r, get("delegations"))
    return cfg


def _delegations(r: Reader, node) -> tuple[dict, dict]:
    """``delegations:`` (§12): code → name, and code → position of the code."""
    if node is None:
        return {}, {}
    if not isinstance(node, yamlsafe.YMap):
        r.error(node, "wrong-type", "'delegations' must map delegation codes to their names")
        return {}, {}
    names = r.string_map(node, "delegations")
    return names, {c: Pos(CONFIG, node.keys[c].line, node.keys[c].col) for c in names}


def _outline(r: Reader, node) -> tuple[OutlineEntry, ...]:
    if not isinstance(node, yamlsafe.YSeq):
        if node is not None:
            r.error(node, "wrong-type", "'outline' must be a list of clause ids (or chapters)")
        return ()
    out = []
    for item in node.items:
        if isinstance(item, yamlsafe.YMap):
            m = r.mapping(item, ("chapter", "clauses"), ("chapter", "clauses"), "outline chapter")
            if m is None:
                continue
            chapter = r.string(m.items.get("chapter"), "chapter")
            cl = m.items.get("clauses")
            if isinstance(cl, yamlsafe.YSeq):
                for c in cl.items:
                    cid = r.string(c, "clauses")
                    if cid is not None:
                        out.append(OutlineEntry(cid, chapter, Pos(CONFIG, c.line, c.col)))
            elif cl is not None:
                r.error(cl, "wrong-type", "'clauses' must be a list of clause ids")
        else:
            cid = r.string(item, "outline")
            if cid is not None:
                out.append(OutlineEntry(cid, None, Pos(CONFIG, item.line, item.col)))
    return tuple(out)


def contained(path: Path, real_root: Path) -> bool:
    """Whether ``path``, symbolic links resolved, lies inside ``real_root`` (an already
    resolved folder)."""
    try:
        path.resolve().relative_to(real_root)
    except (ValueError, OSError):
        return False
    return True


class _Containment:
    """:func:`contained` for many files: each folder is resolved once, and a file that is not a
    symbolic link lies where its folder does (one ``lstat`` instead of a ``resolve``)."""

    def __init__(self, real_root: Path) -> None:
        self.real_root = real_root
        self.folders: dict[Path, bool] = {}

    def __call__(self, path: Path) -> bool:
        if os.path.islink(path):
            return contained(path, self.real_root)
        ok = self.folders.get(path.parent)
        if ok is None:
            ok = self.folders[path.parent] = contained(path.parent, self.real_root)
        return ok


def _outside(root: Path, path: Path) -> Diagnostic:
    return Diagnostic(
        _rel(root, path),
        1,
        1,
        "error",
        "io",
        f"is a symbolic link to {path.resolve()}, outside the project; not read",
    )


def _unreadable(root: Path, folder: Path, diags: list[Diagnostic], *, recursive: bool) -> bool:
    """Whether ``folder`` (or, ``recursive``, a folder under it) cannot be listed; each one that
    cannot is a diagnostic naming it and the cause (a glob would silently find nothing)."""
    errors: list[OSError] = []
    if recursive:
        for _ in os.walk(folder, onerror=errors.append):
            pass
    else:
        try:
            os.listdir(folder)
        except OSError as exc:
            errors.append(exc)
    for err in errors:
        where = Path(err.filename) if err.filename else folder
        diags.append(
            Diagnostic(
                _rel(root, where) + "/",
                1,
                1,
                "error",
                "io",
                f"cannot read the folder: {err.strerror or err}",
            )
        )
    return bool(errors)


def load_base(
    root: Path, seen: dict | None = None
) -> tuple[Project | None, list[tuple[Path, str, str]], list[Diagnostic]]:
    """``treatydraft.yml`` and the sources, as a project without clauses (``None`` when the
    config cannot be read); the clause files to load, as (path, display path, id); problems.

    ``seen``: filled with display path → the bytes parsed (config and sources), for the
    check cache to key on exactly what was read."""
    diags: list[Diagnostic] = []
    cfg = read_config(root, diags, seen)
    sources = {}
    src_dir = root / cfg.get("sources", "sources/")
    real_root = root.resolve()
    if not contained(src_dir, real_root):
        diags.append(
            Diagnostic(
                CONFIG,
                1,
                1,
                "error",
                "schema",
                f"'sources' must be a folder inside the project, not {cfg.get('sources')!r} (it resolves to {src_dir.resolve()})",
            )
        )
    elif src_dir.is_dir() and not _unreadable(root, src_dir, diags, recursive=False):
        inside = _Containment(real_root)
        for path in sorted(src_dir.glob("*.md")):
            if not inside(path):
                diags.append(_outside(root, path))
                continue
            try:
                data = yamlsafe.read(path, _rel(root, path))
                if seen is not None:
                    seen[_rel(root, path)] = data
                src = load_source(path, _rel(root, path), data)
            except InputError as exc:
                diags.extend(exc.diagnostics)
                continue
            except OSError as exc:
                diags.append(
                    Diagnostic(
                        _rel(root, path), 1, 1, "error", "io", f"cannot read: {exc.strerror}"
                    )
                )
                continue
            sources[src.id] = src
    files = []
    clause_dir = root / "clauses"
    if clause_dir.is_dir() and not contained(clause_dir, real_root):
        diags.append(_outside(root, clause_dir))
    elif clause_dir.is_dir() and not _unreadable(root, clause_dir, diags, recursive=True):
        prefix = len(str(clause_dir)) + 1
        inside = _Containment(real_root)
        for path in sorted(clause_dir.rglob("*.yaml")):
            cid = str(path)[prefix:-5].replace(os.sep, "/")
            if not inside(path):
                diags.append(_outside(root, path))
                continue
            files.append((path, f"clauses/{cid}.yaml", cid))
    if not cfg:
        return None, files, diags
    project = Project(
        root=str(root),
        config_path=CONFIG,
        title=cfg["title"],
        short_title=cfg["short_title"],
        language=cfg["language"],
        outline=cfg["outline"],
        rules=cfg["rules"],
        checks=cfg["checks"],
        default_budget=cfg["default_budget"],
        coverage=cfg["coverage"],
        omitted=cfg["omitted"],
        sources=sources,
        clauses={},
        sources_dir=cfg["sources"],
        coverage_pos=cfg["coverage_pos"],
        amend_threshold=cfg["amend_threshold"],
        delegations=cfg["delegations"],
        delegations_pos=cfg["delegations_pos"],
    )
    return project, files, diags


def load_clauses(files) -> tuple[dict, list[Diagnostic]]:
    """Clause files → ``{id: Clause}`` and the problems of those that cannot be loaded."""
    clauses = {}
    diags: list[Diagnostic] = []
    for path, rel, cid in files:
        try:
            clauses[cid] = load_clause(yamlsafe.read(path, rel), rel, cid)
        except InputError as exc:
            diags.extend(exc.diagnostics)
        except OSError as exc:
            diags.append(Diagnostic(rel, 1, 1, "error", "io", f"cannot read: {exc.strerror}"))
    return clauses, diags


def load_project(start: str | Path = ".", *, root: Path | None = None) -> Project:
    """Load everything, or raise :class:`InputError` listing every file that could not be loaded."""
    root = Path(root) if root is not None else find_root(start)
    base, files, diags = load_base(root)
    clauses, more = load_clauses(files)
    diags.extend(more)
    if diags or base is None:
        raise InputError(diags)
    return replace(base, clauses=clauses)
