"""Every OS-specific path of :mod:`treatydraft.osplatform`, taken on this machine by
simulating the other systems (the missing API removed with monkeypatching), and the three
failures drafters hit before it existed (§14):

* Windows, Python 3.11/3.12: no ``os.fchmod`` → every write ended in a traceback;
* macOS: no ``/proc`` → the template sandbox failed, and ``init`` projects always took it;
* a ``PermissionError`` on replace (Word holds build/draft.docx open) → say so.
"""

from __future__ import annotations

import builtins
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from treatydraft import fsio, jinja_env, osplatform, parallel

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OUTPUTS = ["wrote build/draft.md", "wrote build/draft.html", "wrote build/draft.docx"]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "build-small", tmp_path / "small"))


def simulate(monkeypatch, system: str) -> None:
    """Make this process look like ``system`` to the tool: the platform answer, and the
    APIs that system lacks removed."""
    monkeypatch.setattr(osplatform, "system", lambda: system)
    if system == "windows":
        monkeypatch.delattr(os, "fchmod", raising=False)  # Windows before Python 3.13
        monkeypatch.delattr(os, "fork", raising=False)
    if system in ("windows", "darwin"):
        real_open = builtins.open

        def no_proc(file, *args, **kwargs):
            if str(file).startswith("/proc/"):
                raise FileNotFoundError(2, "No such file or directory", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", no_proc)


def override_md_template(project: Path) -> None:
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "draft.md.j2").write_text("OVERRIDDEN {{ title }}\n", encoding="utf-8")


# --------------------------------------------------------------------------- Windows


def test_windows_build_writes_every_output_without_fchmod(cli, small, monkeypatch):
    simulate(monkeypatch, "windows")
    assert not hasattr(os, "fchmod")
    monkeypatch.chdir(small)
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == OUTPUTS
    assert zipfile.is_zipfile(small / "build" / "draft.docx")


def test_windows_project_template_renders_in_a_spawned_sandbox(cli, small, monkeypatch):
    simulate(monkeypatch, "windows")
    override_md_template(small)
    assert osplatform.sandbox_start_method() == "spawn"
    monkeypatch.setattr(jinja_env, "_render_forked", None)  # must not be used
    monkeypatch.chdir(small)
    result = cli("build", "--format", "md")
    assert result.exit_code == 0, result.output
    assert (small / "build" / "draft.md").read_text(encoding="utf-8").startswith("OVERRIDDEN ")


def test_windows_spawned_sandbox_reports_template_errors(cli, small, monkeypatch):
    simulate(monkeypatch, "windows")
    override_md_template(small)
    (small / "templates" / "draft.md.j2").write_text("x\n{{ nope.nope }}\n", encoding="utf-8")
    monkeypatch.chdir(small)
    result = cli("build", "--format", "md")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "templates/draft.md.j2:2:1: error[template]: 'nope' is undefined"
    ]
    assert not (small / "build").exists()


def test_windows_file_held_open_says_which_file_to_close(cli, small, monkeypatch):
    simulate(monkeypatch, "windows")
    monkeypatch.setattr(osplatform, "REPLACE_RETRY_SECONDS", 0.0)
    real_replace = os.replace

    def word_holds_docx(src, dst):
        if str(dst).endswith("draft.docx"):
            raise PermissionError(13, "Access is denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", word_holds_docx)
    monkeypatch.chdir(small)
    result = cli("build")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "treatydraft: error: build/draft.docx: cannot replace it: is build/draft.docx open in "
        "Word or another program? Close it and run again"
    ]
    assert not [p.name for p in (small / "build").iterdir() if p.name.endswith(".tmp")]


def test_windows_replace_retries_while_the_file_is_briefly_held(tmp_path, monkeypatch):
    simulate(monkeypatch, "windows")
    real_replace = os.replace
    attempts = []

    def busy_twice(src, dst):
        attempts.append(dst)
        if len(attempts) < 3:
            raise PermissionError(13, "Access is denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", busy_twice)
    monkeypatch.setattr(osplatform.time, "sleep", lambda s: None)
    fsio.write_atomic(tmp_path / "out.txt", b"new")
    assert (tmp_path / "out.txt").read_bytes() == b"new"
    assert len(attempts) == 3


def test_windows_paths_of_the_other_calls(tmp_path, monkeypatch):
    simulate(monkeypatch, "windows")
    monkeypatch.setattr(os, "open", None)  # a folder cannot be opened: must not be tried
    osplatform.fsync_dir(tmp_path)
    assert osplatform.parallel_start_method() is None
    assert osplatform.address_space_bytes() is None
    assert parallel.map_chunks(sum, list(range(5000))) == [sum(range(5000))]


def test_linux_permission_error_on_replace_is_not_about_word(tmp_path, monkeypatch):
    def denied(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(osplatform, "system", lambda: "linux")
    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError) as info:
        fsio.write_atomic(tmp_path / "out.txt", b"x")
    assert "Word" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- macOS


def test_macos_init_project_builds_without_the_sandbox(cli, tmp_path, monkeypatch):
    """``init`` writes templates/README.md; that alone must not start a sandbox process."""
    simulate(monkeypatch, "darwin")
    monkeypatch.chdir(tmp_path)
    assert cli("init", "treaty").exit_code == 0
    assert (tmp_path / "treaty" / "templates" / "README.md").is_file()

    def no_sandbox(*args):
        raise AssertionError("the sandbox was started for a folder with no override")

    monkeypatch.setattr(jinja_env, "_render_limited", no_sandbox)
    monkeypatch.chdir(tmp_path / "treaty")
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == OUTPUTS


def test_macos_project_template_renders_in_the_sandbox_without_proc(cli, small, monkeypatch):
    simulate(monkeypatch, "darwin")
    override_md_template(small)
    assert osplatform.sandbox_start_method() == "fork"
    assert osplatform.address_space_bytes() is None
    monkeypatch.chdir(small)
    result = cli("build", "--format", "md")
    assert result.exit_code == 0, result.output
    assert (small / "build" / "draft.md").read_text(encoding="utf-8").startswith("OVERRIDDEN ")


def test_macos_runs_parallel_work_in_process(monkeypatch):
    simulate(monkeypatch, "darwin")
    assert osplatform.parallel_start_method() is None
    monkeypatch.setattr(osplatform, "cores", lambda: 2)
    assert parallel.map_chunks(sum, list(range(5000))) == [sum(range(5000))]


def test_macos_peak_memory_is_bytes_not_kib(monkeypatch):
    import resource

    class Usage:
        ru_maxrss = 50 * 1024 * 1024  # macOS: bytes

    monkeypatch.setattr(resource, "getrusage", lambda who: Usage)
    monkeypatch.setattr(osplatform, "system", lambda: "darwin")
    assert osplatform.peak_memory_bytes() == 50 * 1024 * 1024
    monkeypatch.setattr(osplatform, "system", lambda: "linux")
    assert osplatform.peak_memory_bytes() == 50 * 1024 * 1024 * 1024


# --------------------------------------------------------------------------- Linux


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="Linux only")
def test_linux_paths(tmp_path):
    assert osplatform.system() == "linux"
    assert osplatform.sandbox_start_method() == "fork"
    assert osplatform.parallel_start_method() == "fork"
    assert osplatform.address_space_bytes() > 0
    assert osplatform.peak_memory_bytes() > 0
    target = tmp_path / "keep-mode.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    fsio.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="Linux only")
def test_linux_sandbox_still_caps_memory(cli, small, monkeypatch):
    override_md_template(small)
    (small / "templates" / "draft.md.j2").write_text(
        "{% set ns = namespace(s='x' * 1000) %}"
        "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
        "{{ ns.s|length }}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(jinja_env, "RENDER_MEMORY_BYTES", 256 << 20)
    monkeypatch.chdir(small)
    result = cli("build", "--format", "md")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "templates/draft.md.j2:1:1: error[template]: template resource limit: rendering "
        "needed more than 256 MiB of memory; nothing was written"
    ]
