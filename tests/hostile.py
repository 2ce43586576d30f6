"""Hostile spreadsheets, built in the test's own folder: damaged XML, XML entities, zip bombs,
false dimensions, cells far to the right. Shared by the CLI and the web import tests."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)

#: a DTD whose entity inflates to a billion "lol"s (nine levels of ten)
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10}">' for k in range(1, 10))
    + "]>"
)
#: a DTD whose entity is a file of the server
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def cell(ref: str, text: str) -> str:
    """An inline-string cell (``ref`` like ``"B2"``); ``text`` may hold an entity reference."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def people_cells(n: int, first_row: int = 2) -> list[tuple[int, list[str]]]:
    """The header row and ``n`` people as ``(row, cells)``: email in A, name in B."""
    rows = [(1, [cell("A1", "email"), cell("B1", "name")])]
    for i in range(first_row, first_row + n):
        rows.append((i, [cell(f"A{i}", f"person{i}@example.org"), cell(f"B{i}", f"Person {i}")]))
    return rows


def sheet(
    rows: Sequence[tuple[int, Sequence[str]]], *, dimension: str = "", prolog: str = ""
) -> str:
    """A worksheet's XML; ``dimension`` is the ``ref`` it claims, ``prolog`` goes before it."""
    dim = f'<dimension ref="{escape(dimension)}"/>' if dimension else ""
    body = "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in rows)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    )


def workbook(path: Path, sheet_xml: str, *, workbook_xml: str = WORKBOOK) -> Path:
    """Write an XLSX made of these parts (deflated, as Excel writes them)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", workbook_xml)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def hostile_workbooks(folder: Path) -> dict[str, Path]:
    """One file per way a workbook can be damaged or entity-laden."""
    folder.mkdir(parents=True, exist_ok=True)
    people = people_cells(2)
    laughs = [(1, [cell("A1", "email"), cell("B1", "&lol9;")])]
    stolen = [(1, [cell("A1", "email"), cell("B1", "&xxe;")])]
    return {
        "bad-sheet": workbook(folder / "bad-sheet.xlsx", "<worksheet><sheetData><row>"),
        "bad-workbook": workbook(
            folder / "bad-workbook.xlsx", sheet(people), workbook_xml="<workbook><sheets"
        ),
        "billion-laughs": workbook(folder / "laughs.xlsx", sheet(laughs, prolog=BILLION_LAUGHS)),
        "external-entity": workbook(folder / "xxe.xlsx", sheet(stolen, prolog=EXTERNAL_ENTITY)),
        "not-a-zip": _write(folder / "not-a-zip.xlsx", b"email,name\nana@example.org,Ana\n"),
    }


def zip_bomb(path: Path, inflated: int) -> Path:
    """A valid workbook whose sheet inflates to ``inflated`` bytes (blanks: ~1,000:1)."""
    padding = " " * inflated
    xml = sheet(people_cells(2)).replace("<sheetData>", padding + "<sheetData>")
    return workbook(path, xml)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
