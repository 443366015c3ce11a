"""Golden files for `sources import`: the §3 source written for a real file, one case per file
(tests/golden/import/), the import date normalised. Regenerate after an intended change:

    .venv/bin/pytest tests/test_import_golden.py --update-goldens
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from treatydraft.importing.importer import run_import

HERE = Path(__file__).resolve().parent
OFFICIAL = HERE / "fixtures" / "official"
GOLDEN = HERE / "golden" / "import"

CASES = {
    "formex-reg-2011-1319.md": ("L_2011334EN.01002501.xml", "reg-2011-1319"),
    "akn-it-legge-2024-66.md": ("it-legge-2024-66-normattiva-akn.xml", "it-legge-2024-66"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case, tmp_path, golden):
    name, sid = CASES[case]
    (tmp_path / "sources").mkdir()
    result = run_import(
        tmp_path, "sources/", str(OFFICIAL / name), source_id=sid, today=datetime.date(2026, 1, 1)
    )
    got = (tmp_path / result.path).read_text(encoding="utf-8")
    got = re.sub(r"(?m)^  file: .*$", "  file: (normalised)", got)
    golden(GOLDEN / case, got)
