"""The bounded XLSX reader, on its own (the import tests go through the CLI and the web)."""

from __future__ import annotations

import pytest

from netweave.core.xlsx import XlsxError, read_sheet
from tests.hostile import cell, people_cells, sheet, workbook


def test_read_sheet_skips_empty_rows_but_keeps_their_numbers(tmp_path):
    rows = [*people_cells(1), (5, [cell("A5", "bo@x.org"), cell("B5", "Bo")]), (7, ['<c r="C7"/>'])]
    path = workbook(tmp_path / "p.xlsx", sheet(rows, dimension="A1:XFD1048576"))
    assert [(n, len(v)) for n, v in read_sheet(path)] == [(1, 2), (2, 2), (5, 2)]


def test_read_sheet_closes_the_file_of_a_damaged_workbook(tmp_path):
    # warnings are errors here: a file left open would fail this test
    path = workbook(tmp_path / "p.xlsx", "<worksheet><sheetData><row>")
    with pytest.raises(XlsxError, match="broken XML"):
        list(read_sheet(path))
