"""Golden files (Black-style): one case per file under ``tests/golden/build/``.

The small fixture project is rendered to Markdown, HTML and DOCX (its
``word/document.xml``, pretty-printed, revision ids removed), with and without
provenance notes, and compared byte for byte. Regenerate after an intended change:

    .venv/bin/pytest tests/test_render_golden.py --update-goldens
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from treatydraft.api import load_project
from treatydraft.assemble import assemble
from treatydraft.render import RENDERERS, RenderOptions

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "build"
PROJECT = HERE / "fixtures" / "build-small"


def normalise_document_xml(data: bytes) -> str:
    """``word/document.xml`` pretty-printed, with volatile revision ids (``w:rsid*``) removed."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml")
    root = etree.fromstring(
        xml, etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    )
    for el in root.iter():
        for attr in [a for a in el.attrib if re.search(r"\}rsid", a)]:
            del el.attrib[attr]
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def normalise_text(data: bytes) -> str:
    # nothing volatile in Markdown or HTML today; dates would be replaced here
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<DATE>", data.decode("utf-8"))


CASES = [
    ("small.md", "md", False),
    ("small.html", "html", False),
    ("small.document.xml", "docx", False),
    ("small-notes.md", "md", True),
    ("small-notes.html", "html", True),
    ("small-notes.document.xml", "docx", True),
]


@pytest.mark.parametrize("case,fmt,notes", CASES, ids=[c[0] for c in CASES])
def test_golden(case, fmt, notes, monkeypatch, golden):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = load_project(PROJECT)
    data = RENDERERS[fmt](
        assemble(project),
        RenderOptions(
            notes=notes, template_dirs=(str(PROJECT / "templates"),), project_root=str(PROJECT)
        ),
    )
    got = normalise_document_xml(data) if fmt == "docx" else normalise_text(data)
    golden(GOLDEN / case, got)
