"""Negotiating and clean views: golden files (one case per file under
``tests/golden/negotiation/``), Word comments anchored on the right words, clean texts
without brackets. Regenerate after an intended change:

    TREATYDRAFT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_negotiation_views.py
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, copy_project
from lxml import etree
from test_render_golden import normalise_document_xml, normalise_text

from treatydraft.api import load_project
from treatydraft.assemble import assemble
from treatydraft.errors import UsageError
from treatydraft.negotiation.views import clean_draft, parse_choices
from treatydraft.render import RENDERERS, RenderOptions

GOLDEN = Path(__file__).resolve().parent / "golden" / "negotiation"
EXAMPLE = REPO / "examples" / "negotiation"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
UPDATE = __import__("os").environ.get("TREATYDRAFT_UPDATE_GOLDEN") == "1"


def _comments_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/comments.xml")
    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True, no_network=True))
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def _render(fmt: str, choose: str | None = None) -> bytes:
    project = load_project(EXAMPLE)
    draft = assemble(project)
    if choose is not None:
        draft = clean_draft(draft, parse_choices([choose], project.delegations))
    return RENDERERS[fmt](draft, RenderOptions())


CASES = [
    ("negotiating.md", "md", None, normalise_text),
    ("negotiating.html", "html", None, normalise_text),
    ("negotiating.document.xml", "docx", None, normalise_document_xml),
    ("negotiating.comments.xml", "docx", None, _comments_xml),
    ("clean-first.md", "md", "first", normalise_text),
    ("clean-del-b.md", "md", "DEL-B", normalise_text),
    ("clean-group-2-out.html", "html", "2=0", normalise_text),
    ("clean-del-a.document.xml", "docx", "DEL-A", normalise_document_xml),
]


@pytest.mark.parametrize("case,fmt,choose,norm", CASES, ids=[c[0] for c in CASES])
def test_golden(case, fmt, choose, norm, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    got = norm(_render(fmt, choose))
    path = GOLDEN / case
    if UPDATE:
        path.write_text(got, encoding="utf-8", newline="\n")
    assert got == path.read_text(encoding="utf-8"), f"{case} differs from the golden file"


def test_docx_comments_are_anchored_on_the_groups(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = _render("docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        doc = z.read("word/document.xml").decode("utf-8")
        comments = etree.fromstring(z.read("word/comments.xml"))
    anchored = {}
    for m in re.finditer(
        r'<w:commentRangeStart w:id="(\d+)"/>(.*?)<w:commentRangeEnd w:id="\1"/>', doc, re.S
    ):
        anchored[m.group(1)] = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", m.group(2)))
    said = {
        c.get(f"{W}id"): "".join(t.text or "" for t in c.iter(f"{W}t"))
        for c in comments.iter(f"{W}comment")
    }
    assert {c.get(f"{W}date") for c in comments.iter(f"{W}comment")} == {"2023-11-14T22:13:20Z"}
    assert [(anchored[k][:40], said[k]) for k in sorted(anchored, key=int)] == [
        ("[prompt][swift]", "Group 1: “prompt” proposed by DEL-A; “swift” proposed by DEL-B."),
        ("[to endeavour]", "Group 2: “to endeavour” proposed by DEL-A, supported by DEL-B."),
        ("[may][shall]", "Group 3: “may” proposed by DEL-A; “shall” proposed by DEL-B."),
        ("[Each State Party shall inform the [Secr", "2 bis: proposed by DEL-B."),
        ("Each State Party shall report on the mea", "Reservation: DEL-B."),
    ]


def test_docx_status_shading_and_tags():
    with zipfile.ZipFile(io.BytesIO(_render("docx"))) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    rows = []
    for p in body.iter(f"{W}p"):
        shd = p.find(f"{W}pPr/{W}shd")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if shd is not None and text[:2] in ("1.", "2.", "3.", "4."):
            rows.append((text[:2], shd.get(f"{W}fill"), text.rsplit(" ", 1)[-1]))
    assert rows == [
        ("1.", "FFF0C2", "B"),
        ("2.", "FFF0C2", "B"),
        ("3.", "D8F3DC", "AR"),
        ("4.", "DCECFF", "AI"),
    ]


@pytest.mark.parametrize("choose", ["first", "DEL-A", "DEL-B", "1=2", "2=0", "3=2"])
def test_every_clean_text_has_no_bracket(choose):
    text = _render("md", choose).decode("utf-8")
    assert "\\[" not in text and "\\]" not in text
    assert "[^" not in text  # no notes either
    assert "Status of the text" not in _render("html", choose).decode("utf-8")


def test_bundled_treaty_clean_text_resolves_its_placeholders(cli, tmp_path):
    treaty = copy_project(REPO, tmp_path / "treaty")
    result = cli("build", "--clean", "--format", "md", "-C", treaty)
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote build/draft-clean.md\n" or result.stdout.endswith(
        "draft-clean.md\n"
    )
    text = (treaty / "build" / "draft-clean.md").read_text(encoding="utf-8")
    assert "from date until date" in text and "\\[" not in text


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["9=1"], "--choose 9=1: the draft has bracket groups 1 to 3"),
        (["1=3"], "--choose 1=3: group 1 has 2 option(s)"),
        (
            ["DEL-X"],
            "--choose 'DEL-X' is not 'first', GROUP=N (e.g. 3=2) or a delegation code; did you mean 'DEL-B'?",
        ),
        (["DEL-A", "DEL-B"], "--choose names two delegations; choose one"),
    ],
)
def test_bad_choices_are_usage_errors(values, message):
    project = load_project(EXAMPLE)
    with pytest.raises(UsageError) as exc:
        clean_draft(assemble(project), parse_choices(values, project.delegations))
    assert str(exc.value) == message


def test_choose_without_clean_is_a_usage_error(cli, tmp_path):
    neg = copy_project(EXAMPLE, tmp_path / "neg")
    result = cli("build", "--choose", "DEL-A", "-C", neg)
    assert result.exit_code == 2
    assert result.stderr == "treatydraft: error: --choose applies to a clean text; add --clean\n"
