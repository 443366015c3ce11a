"""Project templates: overrides work; every failure is one `error[template]` line, exit 2,
no output written, and nothing outside the template folders is ever read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("build", "__pycache__"))
    return dst


SECRET = "TOP-SECRET-NEGOTIATING-POSITION"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    project = copy_project(FIXTURES / "build-small", tmp_path / "proj")
    (project / "templates").mkdir()
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return project


def write(project: Path, name: str, text: str) -> None:
    (project / "templates" / name).write_text(text, encoding="utf-8")


def outputs(project: Path) -> list[str]:
    return (
        sorted(p.name for p in (project / "build").glob("*"))
        if (project / "build").exists()
        else []
    )


def assert_fails(cli, project: Path, line: str, *args: str) -> None:
    result = cli("build", "-C", project, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == line + "\n"
    assert result.stdout == ""
    assert outputs(project) == []
    assert SECRET not in result.output


def test_a_project_template_overrides_the_builtin_and_can_include_builtins(cli, small):
    write(
        small,
        "draft.md.j2",
        "{% include 'header.md.j2' %}\n{% for a in articles %}- {{ a.heading }}: {{ a.title }}\n{% endfor %}",
    )
    write(small, "header.md.j2", "# {{ title }} (custom)\n")
    write(
        small,
        "draft.html.j2",
        "<!doctype html><html lang=\"{{ language }}\"><style>{% include 'style.css.j2' %}</style><p>{{ title }} &amp; {{ agreed }}</p></html>",
    )
    result = cli("build", "-C", small, "--format", "md,html")
    assert result.exit_code == 0, result.output
    assert (
        (small / "build/draft.md").read_text(encoding="utf-8")
        == "# Small Test Convention (custom)\n- Article 1: Scope\n- Article 2: Use of terms\n- Article 3: Entry into force\n"
    )
    html = (small / "build/draft.html").read_text(encoding="utf-8")
    assert (
        "h1.treaty-title" in html
        and "<p>Small Test Convention &amp; Have agreed as follows:</p>" in html
    )


def test_html_templates_are_autoescaped(cli, small):
    (small / "clauses/final/entry.yaml").write_text(
        'id: final/entry\ntitle: "<script>alert(1)</script>"\nparagraphs:\n  - text: "a <b>bold</b> & claim"\n',
        encoding="utf-8",
    )
    assert cli("build", "-C", small, "--format", "html").exit_code == 0
    html = (small / "build/draft.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        and "a &lt;b&gt;bold&lt;/b&gt; &amp; claim" in html
    )


def test_undefined_variable(cli, small):
    write(small, "draft.md.j2", "# {{ title }}\n\n{{ no_such_thing }}\n")
    assert_fails(
        cli, small, "templates/draft.md.j2:3:1: error[template]: 'no_such_thing' is undefined"
    )


def test_undefined_attribute_in_a_macro(cli, small):
    write(
        small,
        "draft.md.j2",
        "{% macro m(a) %}\n{{ a.nope }}\n{% endmacro %}\n{% for a in articles %}{{ m(a) }}{% endfor %}\n",
    )
    assert_fails(
        cli,
        small,
        "templates/draft.md.j2:2:1: error[template]: 'dict object' has no attribute 'nope'",
    )


def test_sandbox_blocks_python_internals(cli, small):
    write(small, "draft.html.j2", "<p>{{ title }}</p>\n{{ ''.__class__.__mro__ }}\n")
    assert_fails(
        cli,
        small,
        "templates/draft.html.j2:2:1: error[template]: access to attribute '__class__' of 'str' object is unsafe.",
    )


def test_sandbox_is_immutable(cli, small):
    write(small, "draft.md.j2", "{% set _ = articles.append(1) %}\n")
    assert_fails(
        cli,
        small,
        "templates/draft.md.j2:1:1: error[template]: access to attribute 'append' of 'list' object is unsafe.",
    )


def test_huge_strings_are_refused(cli, small):
    write(small, "draft.md.j2", "x\n{{ 'x' * 1000000000 }}\n")
    assert_fails(
        cli,
        small,
        "templates/draft.md.j2:2:1: error[template]: template resource limit: the result of * would be too large",
    )


def test_include_with_dotdot_is_refused(cli, small):
    write(small, "draft.md.j2", "# {{ title }}\n{% include '../../secret.txt' %}\n")
    assert_fails(
        cli,
        small,
        "templates/draft.md.j2:2:1: error[template]: template '../../secret.txt' is outside the template folders ('..' is refused)",
    )


def test_include_of_an_absolute_path_is_refused(cli, small, tmp_path):
    secret = str(tmp_path / "secret.txt")
    write(small, "draft.md.j2", "# {{ title }}\n\n{% include '" + secret + "' %}\n")
    assert_fails(
        cli,
        small,
        f"templates/draft.md.j2:3:1: error[template]: template '{secret}' is outside the template folders (absolute paths are refused)",
    )


def test_include_through_a_symlink_out_of_the_folder_is_refused(cli, small, tmp_path):
    os.symlink(tmp_path / "secret.txt", small / "templates/innocent.md.j2")
    write(small, "draft.md.j2", "# {{ title }}\n{% include 'innocent.md.j2' %}\n")
    real = os.path.realpath(tmp_path / "secret.txt")
    assert_fails(
        cli,
        small,
        f"templates/draft.md.j2:2:1: error[template]: template 'innocent.md.j2' resolves outside the template folders (symlink to {real} refused)",
    )


def test_a_symlinked_folder_inside_templates_is_refused_too(cli, small, tmp_path):
    os.symlink(tmp_path, small / "templates/up")
    write(small, "draft.md.j2", "{% include 'up/secret.txt' %}\n")
    real = os.path.realpath(tmp_path / "secret.txt")
    assert_fails(
        cli,
        small,
        f"templates/draft.md.j2:1:1: error[template]: template 'up/secret.txt' resolves outside the template folders (symlink to {real} refused)",
    )


def test_the_main_template_itself_a_symlink_out(cli, small, tmp_path):
    os.symlink(tmp_path / "secret.txt", small / "templates/draft.html.j2")
    real = os.path.realpath(tmp_path / "secret.txt")
    assert_fails(
        cli,
        small,
        f"templates/draft.html.j2:1:1: error[template]: template 'draft.html.j2' resolves outside the template folders (symlink to {real} refused)",
    )


def test_missing_include(cli, small):
    write(small, "draft.md.j2", "{% include 'nope.j2' %}\n")
    assert_fails(
        cli,
        small,
        "templates/draft.md.j2:1:1: error[template]: template 'nope.j2' not found in the project's templates/ or the built-in templates",
    )


def test_syntax_error(cli, small):
    write(small, "draft.md.j2", "ok\n{% if %}\n")
    assert_fails(
        cli,
        small,
        "templates/draft.md.j2:2:1: error[template]: Expected an expression, got 'end of statement block'",
    )


def test_one_failing_format_means_no_format_is_written(cli, small):
    write(small, "draft.md.j2", "{{ nope }}\n")
    assert_fails(
        cli,
        small,
        "templates/draft.md.j2:1:1: error[template]: 'nope' is undefined",
        "--format",
        "html,docx,md",
    )


def test_a_failed_build_leaves_the_previous_outputs_alone(cli, small):
    assert cli("build", "-C", small).exit_code == 0
    before = {p.name: p.read_bytes() for p in (small / "build").iterdir()}
    write(small, "draft.md.j2", "{{ nope }}\n")
    result = cli("build", "-C", small)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in (small / "build").iterdir()} == before
