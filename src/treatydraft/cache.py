"""The ``check`` cache: a re-run on unchanged files reuses earlier results (like Black's and
ruff's caches).

Where: ``.treatydraft_cache/`` at the project root. The folder holds its own ``.gitignore``
(``*``), so git never sees it, and a ``CACHEDIR.TAG``; ``treatydraft init`` also lists it in
the new project's ``.gitignore``. ``check --no-cache`` neither reads nor writes it. Deleting
the folder is always safe.

Two levels:

* **the whole run** — keyed by a digest of everything the result depends on: the tool (cache
  format, version, Python version, and the size and time of each of its own modules and of the
  YAML and diff engines, so an upgrade or an edited checkout invalidates), ``treatydraft.yml``,
  the path and bytes of every source and clause file, and where the project's folders (and any
  symbolic link) really lead. On a match the stored findings are replayed, nothing is parsed.
* **each clause file** — its findings before levels are applied, the facts the project-wide
  checks need (:class:`~treatydraft.provenance.ClauseFacts`) and the rules it uses; keyed by the
  tool, the bytes of ``treatydraft.yml`` (substitutions, levels, budget, language …), the set of
  sources, and the file's path and bytes; valid while every source the file derives from still
  has the bytes it had. Only missing files are loaded and checked; the project-wide checks
  (outline, unused rules, cross-references, coverage) always run again, on the facts.

Keys are taken over the very bytes that were parsed (the loader hands them over), so an edit
made while ``check`` runs cannot be recorded under the wrong key.

Safety (§9): cache files are signed (HMAC-SHA256) with a random key kept in the user's own
cache folder, not in the project, so a cache folder committed to a repository by someone else
cannot make ``check`` report a forged result: it is simply ignored, like a corrupt, truncated,
foreign or older-format file. Nothing here ever raises for a bad cache: it is a miss. Writes
are atomic (:func:`~treatydraft.fsio.write_atomic`); a cache that cannot be written (read-only
project, no user cache folder) is silently skipped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import sys
import time
from pathlib import Path

from .diagnostics import Diagnostic

FORMAT = 3
DIRNAME = ".treatydraft_cache"
RUN_FILE = "check-run.json"
FILES_FILE = "check-files.json"
MAX_CACHE_BYTES = 256 * 1024 * 1024
CONFIG = "treatydraft.yml"
_GITIGNORE = b"# Created by treatydraft: a cache of check results, safe to delete.\n*\n"
_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# treatydraft check cache; see https://bford.info/cachedir/\n"


# --------------------------------------------------------------------------- keys


def tool_fingerprint() -> bytes:
    """What of the tool itself a result depends on."""
    from . import __version__

    h = hashlib.sha256(
        f"{FORMAT}\0{__version__}\0{sys.implementation.name}\0{sys.version}\0".encode()
    )
    pkg = os.path.dirname(os.path.abspath(__file__))
    for dirpath, dirnames, filenames in os.walk(pkg):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                _stat_into(h, os.path.join(dirpath, name))
    from importlib.util import find_spec

    for mod in ("fast_diff_match_patch", "_ruamel_yaml", "ruamel.yaml"):
        try:
            spec = find_spec(mod)
        except (ImportError, ValueError):
            spec = None
        h.update(mod.encode() + b"\0")
        if spec is not None and spec.origin:
            _stat_into(h, spec.origin)
    return h.digest()


def _stat_into(h, path: str) -> None:
    try:
        st = os.stat(path)
        h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    except OSError:
        h.update(f"{path}\0missing\0".encode())


class _RunKey:
    """The digest of a whole run's inputs, fed in the order the loader reads them."""

    def __init__(self, fp: bytes, root: Path, sources_dir: str, config: bytes) -> None:
        self.h = hashlib.sha256(fp)
        self.dirs: dict[str, str] = {}
        for d in (root, root / sources_dir, root / "clauses"):
            self.h.update(f"dir\0{os.path.realpath(d)}\0".encode())
        self.h.update(b"config\0%d\0" % len(config) + config)

    def file(
        self,
        kind: str,
        rel: str,
        path: str,
        digest: bytes,
        link: bool | None = None,
        parent: str | None = None,
    ) -> None:
        """One input file, by the sha256 ``digest`` of its bytes; ``link``: whether it is a
        symbolic link, and ``parent`` its folder, when already known."""
        if parent is None:
            parent = os.path.dirname(path)
        real = self.dirs.get(parent)
        if real is None:
            real = self.dirs[parent] = os.path.realpath(parent)
        if link is None:
            link = os.path.islink(path)
        target = os.path.realpath(path) if link else ""
        self.h.update(f"{kind}\0{rel}\0{real}\0{target}\0".encode() + digest)

    def hexdigest(self) -> str:
        return self.h.hexdigest()


class _Unusual(Exception):
    """The tree holds something the quick listing does not mirror exactly: take the slow path."""


def _listing(folder: str, suffix: str, recursive: bool) -> list[tuple[str, ...]]:
    """The files the loader's ``sorted(Path.glob/rglob("*" + suffix))`` finds, as parts
    relative to ``folder``, for a plain tree (no symbolic links, no folder named like a
    file, no name differing from the suffix only in case, every folder readable); raises
    :class:`_Unusual` otherwise, never guessing."""
    out: list[tuple[str, ...]] = []
    low = suffix.lower()

    def walk(path: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError:
            raise _Unusual from None
        for e in entries:
            name = e.name
            if e.is_symlink():
                raise _Unusual
            is_dir = e.is_dir(follow_symlinks=False)
            if name.endswith(suffix):
                if is_dir:
                    raise _Unusual
                out.append(parts + (name,))
            elif name.lower().endswith(low):
                raise _Unusual
            if recursive and is_dir:
                walk(os.path.join(path, name), parts + (name,))

    walk(folder, ())
    out.sort()
    return out


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


#: A file whose recorded stat is this close to the moment it was recorded (or later) is read
#: again: an edit in the same timestamp tick that keeps its size would not show in its stat
#: (git's "racy" files; FAT and HFS+ keep whole or even seconds).
RACY_NS = 3_000_000_000


class _Stats:
    """Stat signatures of the input files (size, mtime, ctime, inode) and the digests of their
    bytes, as recorded by the last run: a file whose signature is unchanged, and was already
    old when recorded, is not read again (as ruff and Black key on a file's stat)."""

    def __init__(self, recorded: dict | None) -> None:
        self.old = recorded.get("files", {}) if isinstance(recorded, dict) else {}
        at = recorded.get("at") if isinstance(recorded, dict) else None
        self.old_at = at if isinstance(at, int) else 0
        self.at = time.time_ns()
        self.new: dict[str, list] = {}
        self.read = 0  # files read (not known from their stat)

    def digest(self, rel: str, path: str) -> bytes:
        st = os.stat(path)
        sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        rec = self.old.get(rel)
        if (
            stat.S_ISREG(st.st_mode)
            and isinstance(rec, list)
            and rec[:4] == sig
            and max(st.st_mtime_ns, st.st_ctime_ns) < self.old_at - RACY_NS
        ):
            digest = bytes.fromhex(rec[4])
        else:
            # the stat before the read: an edit during the read leaves a newer stat behind
            data, st = _read_plain(path)
            sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            digest = hashlib.sha256(data).digest()
            self.read += 1
        self.new[rel] = [*sig, digest.hex()]
        return digest

    def recorded(self) -> dict:
        return {"at": self.at, "files": self.new}


def _disk_key(fp: bytes, root: Path, sources_dir: str, config: bytes, stats: _Stats) -> str | None:
    """The run key from the files as they are now, listed as the loader lists them; ``None``
    when that cannot be done quickly and exactly (then the slow path decides)."""
    key = _RunKey(fp, root, sources_dir, config)
    base = str(root)
    try:
        for kind, folder, suffix, recursive in (
            ("source", str(root / sources_dir), ".md", False),
            ("clause", os.path.join(base, "clauses"), ".yaml", True),
        ):
            if os.path.islink(folder):
                return None
            if not os.path.isdir(folder):
                continue
            rel_folder = _rel(root, Path(folder))
            sep = os.sep
            for parts in _listing(folder, suffix, recursive):
                parent = sep.join((folder, *parts[:-1]))
                path = parent + sep + parts[-1]
                rel = "/".join((rel_folder, *parts))
                key.file(kind, rel, path, stats.digest(rel, path), link=False, parent=parent)
    except (OSError, _Unusual):
        return None
    return key.hexdigest()


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_plain(path: str) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes and its stat taken before reading them; ``OSError`` for anything
    else (never blocks on a pipe)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{path} is not a regular file")
        chunks = []
        want = st.st_size + 1
        while True:
            chunk = os.read(fd, want)
            chunks.append(chunk)
            if len(chunk) < want:  # a short read of a regular file: its end
                break
            want = 1 << 20
        return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), st
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- signed files


def _user_cache_dir() -> Path | None:
    env = os.environ
    if sys.platform == "win32":
        base = env.get("LOCALAPPDATA")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = env.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    if not base or base.startswith("~"):
        return None
    return Path(base) / "treatydraft"


def _secret() -> bytes | None:
    """The per-user key that signs cache files (made on first use); ``None``: no caching."""
    folder = _user_cache_dir()
    if folder is None:
        return None
    path = folder / "cache-key"
    data = _read_capped(path, 4096)
    if data is not None and len(data) >= 32:
        return data
    try:
        from .fsio import write_atomic

        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, os.urandom(32))
    except OSError:
        return None
    data = _read_capped(path, 4096)  # another process may have written its own key first
    return data if data is not None and len(data) >= 32 else None


def _read_capped(path: Path, cap: int) -> bytes | None:
    """A regular file's bytes (no symbolic links, no pipes or devices, at most ``cap``)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > cap:
            return None
        chunks, size, want = [], 0, st.st_size + 1  # never a buffer of ``cap`` bytes
        while size <= cap:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            want = 1 << 20
        return b"".join(chunks) if size <= cap else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _sign(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode()


def read_signed(path: Path, secret: bytes) -> dict | None:
    """A cache file's content, or ``None`` when missing, unsigned, corrupt or foreign."""
    data = _read_capped(path, MAX_CACHE_BYTES)
    if data is None:
        return None
    mac, sep, body = data.partition(b"\n")
    if not sep or not hmac.compare_digest(mac, _sign(secret, body)):
        return None
    try:
        obj = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) and obj.get("format") == FORMAT else None


def write_signed(path: Path, secret: bytes, obj: dict) -> None:
    """Write a cache file atomically; silently nothing when that fails."""
    import tempfile

    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        _prepare(path.parent)
        # atomic (temp file + rename), without fsync: after a crash a cache file may be
        # empty or stale, and its signature then fails: a miss, never a wrong result
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_sign(secret, body) + b"\n" + body)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass


def _prepare(folder: Path) -> None:
    if os.path.islink(folder):
        raise OSError(f"{folder} is a symbolic link")
    if not folder.is_dir():
        folder.mkdir()
    for name, data in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _TAG)):
        if not os.path.lexists(folder / name):
            (folder / name).write_bytes(data)


def cache_dir(root: Path) -> Path | None:
    """The project's cache folder, or ``None`` when it must not be used (a symbolic link)."""
    folder = root / DIRNAME
    return None if os.path.islink(folder) else folder


# --------------------------------------------------------------------------- (de)serialising


def _diag_out(d: Diagnostic) -> list:
    return [d.path, d.line, d.col, d.severity, d.code, d.message]


def _diag_in(x: list) -> Diagnostic:
    path, line, col, severity, code, message = x
    return Diagnostic(str(path), int(line), int(col), severity, str(code), str(message))


def _facts_out(f) -> list:
    return [
        f.id,
        f.kind,
        [f.pos.path, f.pos.line, f.pos.col],
        f.paragraphs,
        [[[p.path, p.line, p.col], text] for p, text in f.references],
        [[sid, list(parts)] for sid, parts in f.derivations],
    ]


def _facts_in(x: list):
    from .model import Pos
    from .provenance import ClauseFacts

    cid, kind, pos, paragraphs, refs, ders = x
    return ClauseFacts(
        cid,
        kind,
        Pos(*pos),
        int(paragraphs),
        tuple((Pos(*p), str(text)) for p, text in refs),
        tuple((str(sid), tuple(parts)) for sid, parts in ders),
    )


def _later_out(c) -> list:
    p = c.pos
    return [
        [p.path, p.line, p.col],
        c.where,
        c.address,
        c.relation,
        c.source,
        c.text,
        list(c.substitutions),
        c.budget,
    ]


def _later_in(x: list):
    from .model import Pos
    from .provenance import TextComparison

    pos, where, address, relation, source, text, subs, budget = x
    return TextComparison(
        Pos(*pos),
        str(where),
        str(address),
        str(relation),
        str(source),
        str(text),
        tuple(subs),
        float(budget),
    )


def _pos_out(p, path: str) -> list:
    return [p.line, p.col] if p.path == path else [p.path, p.line, p.col]


def clause_out(c) -> str | None:
    """A loaded :class:`~treatydraft.model.Clause` as compact JSON text (kept as one string in
    the cache file, so that reading the file does not build every clause's tree at once)."""
    path = c.path
    if any(p.negotiation is not None for p in c.walk()):
        return None  # negotiation data (§12) is not kept: such a file is parsed again

    def prov(v):
        if v is None:
            return None
        return [
            v.relation,
            v.source,
            v.at,
            list(v.substitutions),
            v.budget,
            v.pin,
            v.note,
            _pos_out(v.pos, path),
            None if v.at_pos is None else _pos_out(v.at_pos, path),
            None if v.pin_pos is None else _pos_out(v.pin_pos, path),
        ]

    def item(p):
        return [
            p.text,
            prov(p.provenance),
            [item(x) for x in p.points],
            _pos_out(p.pos, path),
            _pos_out(p.text_pos, path),
            list(p.key_path),
        ]

    return json.dumps(
        [
            c.id,
            c.title,
            c.kind,
            [item(p) for p in c.paragraphs],
            c.notes,
            path,
            _pos_out(c.pos, path),
            c.digest,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def clause_in(text: str):
    """:func:`clause_out` reversed."""
    from .model import Clause, Paragraph, Pos, Provenance

    cid, title, kind, paragraphs, notes, path, pos, digest = json.loads(text)

    def _pos_in(x: list, path: str):  # _pos_out reversed
        return Pos(path, x[0], x[1]) if len(x) == 2 else Pos(x[0], x[1], x[2])

    def prov(v):
        if v is None:
            return None
        rel, src, at, subs, budget, pin, note, p, ap, pp = v
        return Provenance(
            rel,
            src,
            at,
            tuple(subs),
            budget,
            pin,
            note,
            _pos_in(p, path),
            None if ap is None else _pos_in(ap, path),
            None if pp is None else _pos_in(pp, path),
        )

    def item(v):
        text, pv, points, p, tp, key = v
        return Paragraph(
            text,
            prov(pv),
            tuple(item(x) for x in points),
            _pos_in(p, path),
            _pos_in(tp, path),
            tuple(key),
        )

    return Clause(
        cid,
        title,
        kind,
        tuple(item(p) for p in paragraphs),
        notes,
        path,
        _pos_in(pos, path),
        digest,
    )


def _model_key(fp: bytes, rel: str, data: bytes) -> str:
    return hashlib.sha256(fp + b"\0model\0" + rel.encode() + b"\0" + data).hexdigest()


def load_project_cached(start: str | Path):
    """:func:`treatydraft.loading.project.load_project` through the cache: each clause file
    whose bytes (and the tool) are unchanged is rebuilt from the model kept by an earlier
    ``check`` or ``build`` instead of parsing its YAML again. Same project, same errors."""
    from dataclasses import replace

    from .errors import InputError
    from .loading import yamlsafe
    from .loading.clauses import load_clause
    from .loading.project import load_base, load_project

    root = find_root(start)
    secret = _secret()
    folder = cache_dir(root)
    if secret is None or folder is None:
        return load_project(root=root)
    base, files, diags = load_base(root)
    if diags or base is None:
        return load_project(root=root)  # raises, exactly as without the cache
    fp = tool_fingerprint()
    stored = read_signed(folder / FILES_FILE, secret)
    old = stored.get("files") if stored is not None else None
    if not isinstance(old, dict):
        old = {}
    clauses = {}
    entries: dict[str, dict] = {}
    changed = False
    try:
        for path, rel, cid in files:
            data = yamlsafe.read(path, rel)
            mk = _model_key(fp, rel, data)
            hit = old.get(rel)
            if isinstance(hit, dict) and hit.get("mk") == mk and isinstance(hit.get("m"), str):
                clauses[cid] = clause_in(hit["m"])
                entries[rel] = hit
            else:
                clauses[cid] = load_clause(data, rel, cid)
                entries[rel] = {"mk": mk, "m": clause_out(clauses[cid])}
                changed = True
    except (InputError, OSError):
        return load_project(root=root)  # raises every problem, exactly as without the cache
    except (KeyError, TypeError, ValueError):
        return load_project(root=root)  # a malformed entry: no cache
    if changed or set(old) != set(entries):
        write_signed(folder / FILES_FILE, secret, {"format": FORMAT, "files": entries})
    return replace(base, clauses=clauses)


# --------------------------------------------------------------------------- the cached check


def find_root(start: str | Path) -> Path:
    """:func:`treatydraft.loading.project.find_root`, without importing the loaders."""
    here = Path(start).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG).is_file():
            return d
    from .errors import ProjectNotFound

    raise ProjectNotFound(str(start))


def cached_check(start: str | Path) -> tuple[list[Diagnostic], int, int]:
    """``check`` of the project at or above ``start`` through the cache: the findings with
    levels applied, the number of clause files and of sources — exactly what an uncached run
    gives."""
    root = find_root(start)
    secret = _secret()
    folder = cache_dir(root)
    if secret is None or folder is None:
        return _uncached(root)
    fp = tool_fingerprint()
    run_path = folder / RUN_FILE
    config = _read_capped(root / CONFIG, MAX_CACHE_BYTES)
    run = read_signed(run_path, secret)
    if run is not None and config is not None:
        try:
            if run["config"] == hashlib.sha256(config).hexdigest():
                stats = _Stats(run.get("stats"))
                key = _disk_key(fp, root, str(run["sources_dir"]), config, stats)
                if key is not None and key == run["key"]:
                    result = (
                        [_diag_in(d) for d in run["diagnostics"]],
                        int(run["clauses"]),
                        int(run["sources"]),
                    )
                    if stats.read:  # remember the stats of the files read, for next time
                        write_signed(run_path, secret, {**run, "stats": stats.recorded()})
                    return result
        except (KeyError, TypeError, ValueError):
            pass
    return _slow(root, folder, secret, fp)


def _uncached(root: Path, loaded=None) -> tuple[list[Diagnostic], int, int]:
    from .api import _levelled
    from .provenance import check_root

    diagnostics, base, clauses = check_root(root, loaded)
    report = _levelled(diagnostics, base)
    return report.diagnostics, clauses, len(base.sources) if base else 0


def _slow(root: Path, folder: Path, secret: bytes, fp: bytes) -> tuple[list[Diagnostic], int, int]:
    from .api import _levelled
    from .errors import InputError
    from .loading import yamlsafe
    from .loading.project import load_base
    from .parallel import map_chunks
    from .provenance import CHECK_BUDGET_S, deferred_findings, project_findings

    deadline = time.monotonic() + CHECK_BUDGET_S  # the whole run, as check_root has it
    seen: dict[str, bytes] = {}
    base, files, base_diags = load_base(root, seen)
    if base_diags or base is None or CONFIG not in seen:
        # the config or a source cannot be loaded: nothing to cache (nor to load again)
        return _uncached(root, (base, files, base_diags))
    config = seen[CONFIG]
    run_key = _RunKey(fp, root, base.sources_dir, config)
    for rel, data in seen.items():
        if rel != CONFIG:
            run_key.file("source", rel, str(root / rel), hashlib.sha256(data).digest())
    env = hashlib.sha256(fp + b"\0" + config)
    for sid in sorted(base.sources):
        env.update(f"\0{sid}\0{base.sources[sid].path}".encode())
    env_key = env.digest()
    src_digest = {
        sid: hashlib.sha256(src.path.encode() + b"\0" + seen[src.path]).hexdigest()
        for sid, src in base.sources.items()
        if src.path in seen
    }

    stored = read_signed(folder / FILES_FILE, secret)
    old = stored.get("files") if stored is not None else None
    if not isinstance(old, dict):
        old = {}
    entries: dict[str, dict] = {}
    keys: dict[str, str] = {}
    misses: list[tuple[str, str, bytes]] = []
    cacheable = True
    for path, rel, cid in files:
        try:
            data = yamlsafe.read(path, rel)
        except InputError as exc:
            entries[rel] = {"load": [_diag_out(d) for d in exc.diagnostics]}
            cacheable = False
            continue
        except OSError as exc:
            entries[rel] = {"load": [[rel, 1, 1, "error", "io", f"cannot read: {exc.strerror}"]]}
            cacheable = False
            continue
        run_key.file("clause", rel, str(path), hashlib.sha256(data).digest())
        keys[rel] = hashlib.sha256(env_key + rel.encode() + b"\0" + data).hexdigest()
        hit = old.get(rel)
        if (
            isinstance(hit, dict)
            and hit.get("k") == keys[rel]
            and isinstance(hit.get("deps"), dict)
            and all(src_digest.get(s) == d for s, d in hit["deps"].items())
        ):
            entries[rel] = hit
        else:
            misses.append((rel, cid, data))

    if misses:

        def work(chunk):
            return _check_files(base, src_digest, chunk, deadline)

        model_keys = {rel: _model_key(fp, rel, data) for rel, _cid, data in misses}
        try:
            parts = map_chunks(work, misses, min_weight=200, parts=4)
        except KeyError:  # a finding outside the file it was found in: do not cache
            return _uncached(root)
        for part in parts:
            for rel, entry in part:
                entry["k"] = keys[rel]
                if "m" in entry:
                    entry["mk"] = model_keys[rel]
                entries[rel] = entry

    try:
        diagnostics, all_facts, used, later = _merge(files, entries)
    except (KeyError, TypeError, ValueError):  # a malformed entry: start over without the cache
        return _uncached(root)
    if diagnostics is None:  # load errors: only those, as an uncached run reports them;
        # a rejected input leaves no file behind, not even a cache
        diagnostics = [_diag_in(d) for rel in entries for d in entries[rel].get("load", [])]
        return _levelled(diagnostics, base).diagnostics, len(files), len(base.sources)
    deferred = deferred_findings(base, all_facts, later, deadline)  # as check_root does
    if any(d.code == "check-budget" for d in deferred):
        cacheable = False  # an incomplete run: reported, never cached
    diagnostics.extend(deferred)
    diagnostics = diagnostics + project_findings(base, all_facts, used)
    report = _levelled(diagnostics, base)
    result = (report.diagnostics, len(files), len(base.sources))

    if misses or set(old) != set(keys):
        write_signed(
            folder / FILES_FILE,
            secret,
            {"format": FORMAT, "files": {rel: entries[rel] for rel in keys}},
        )
    if cacheable:
        write_signed(
            folder / RUN_FILE,
            secret,
            {
                "format": FORMAT,
                "config": hashlib.sha256(config).hexdigest(),
                "sources_dir": base.sources_dir,
                "key": run_key.hexdigest(),
                "diagnostics": [_diag_out(d) for d in report.diagnostics],
                "clauses": result[1],
                "sources": result[2],
            },
        )
    return result


def _merge(files, entries: dict) -> tuple[list[Diagnostic] | None, dict, set[str], list]:
    """Per-file entries, in the loader's order → (findings or ``None`` when some file cannot
    be loaded, facts by clause id, rules used, deferred text comparisons)."""
    found: list[Diagnostic] = []
    all_facts: dict = {}
    used: set[str] = set()
    later: list = []
    failed = False
    for _path, rel, cid in files:
        e = entries[rel]
        if e.get("load"):
            failed = True
            continue
        found.extend(_diag_in(d) for d in e["found"])
        later.extend(_later_in(c) for c in e["later"])
        all_facts[cid] = _facts_in(e["facts"])
        used.update(str(n) for n in e["used"])
    return (None if failed else found), all_facts, used, later


def _check_files(base, src_digest: dict, chunk, deadline=None) -> list[tuple[str, dict]]:
    """Load and check some clause files (in a worker): one JSON-ready entry per file."""
    from dataclasses import replace

    from .errors import InputError
    from .loading.clauses import load_clause
    from .provenance import check_clauses, facts

    out: list[tuple[str, dict]] = []
    clauses = {}
    rel_of = {}
    for rel, cid, data in chunk:
        try:
            clauses[cid] = load_clause(data, rel, cid)
            rel_of[cid] = rel
        except InputError as exc:
            out.append((rel, {"load": [_diag_out(d) for d in exc.diagnostics], "deps": {}}))
    if not clauses:
        return out
    later: list = []
    # a check-budget finding is about treatydraft.yml, not a clause file: the KeyError below
    # sends the caller to an uncached run, which reports the spent budget
    found, _ = check_clauses(
        replace(base, clauses=clauses), sorted(clauses), later, deadline=deadline
    )
    by_path: dict[str, list] = {rel: [] for rel in rel_of.values()}
    for d in found:
        by_path[d.path].append(_diag_out(d))  # every finding is in the file it is about
    later_by_path: dict[str, list] = {rel: [] for rel in rel_of.values()}
    for c in later:  # comparisons whose references need the whole outline: run each time
        later_by_path[c.pos.path].append(_later_out(c))
    for cid, clause in clauses.items():
        rel = rel_of[cid]
        used = sorted(
            {n for it in clause.walk() if it.provenance for n in it.provenance.substitutions}
        )
        deps = {
            it.provenance.source
            for it in clause.walk()
            if it.provenance and it.provenance.source in src_digest
        }
        out.append(
            (
                rel,
                {
                    "found": by_path[rel],
                    "later": later_by_path[rel],
                    "facts": _facts_out(facts(clause)),
                    "used": used,
                    "deps": {s: src_digest[s] for s in sorted(deps)},
                    "m": clause_out(clause),
                },
            )
        )
    return out
