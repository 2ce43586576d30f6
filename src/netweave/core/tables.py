"""A table file's rows as text, with their line numbers: CSV (any of three delimiters) or XLSX.

This is the first step of an import, before any column means anything: :func:`read_table`
gives the header row and the non-blank rows under it, each with the line (CSV) or row
(XLSX) number the organizer sees in their program. XLSX goes through the bounded reader
(:mod:`netweave.core.xlsx`), so a hostile workbook stops with a message, not a hang.

Examples
--------
>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "people.csv"
>>> _ = path.write_text("Email;Name\\nana@x.org;Ana\\n\\nbo@x.org;Bo\\n", encoding="utf-8")
>>> table = read_table(path, "people.csv")
>>> table.header, table.rows
(('Email', 'Name'), ((2, ['ana@x.org', 'Ana']), (4, ['bo@x.org', 'Bo'])))
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from netweave.core.columns import EXTRA, SKIP, header_target, keyword_target
from netweave.core.issues import Issue, RegistrationError
from netweave.core.xlsx import XlsxError, read_sheet

__all__ = ["Table", "read_rows", "read_table"]

_NOT_UTF8 = (
    "file is not UTF-8: save it as 'CSV UTF-8 (Comma delimited)' in Excel, or download it "
    "with File > Download > CSV in Google Sheets"
)
_CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
_DELIMITERS = (",", ";", "\t")

Row = tuple[int, list[str]]


@dataclass(frozen=True, slots=True)
class Table:
    """A table's header row (stripped), its line, and the non-blank rows under it."""

    header: tuple[str, ...]
    rows: tuple[Row, ...]
    file: str = ""
    header_line: int = 1
    #: the header row as written, for checks on the raw cells
    raw_header: tuple[str, ...] = ()


def read_table(
    path: str | Path, label: str | None = None, columns: Mapping[str, str] | None = None
) -> Table:
    """Read a ``.csv``/``.tsv``/``.txt`` (UTF-8, with or without BOM; comma, semicolon or
    tab delimited, guessed from the header) or ``.xlsx`` (first sheet) file as text.

    Raises
    ------
    RegistrationError
        For a file that is empty, not UTF-8, not parseable, or a damaged or too big workbook.

    Notes
    -----
    ``columns`` (an organizer's header -> target map) only helps guess a CSV's delimiter:
    the one under which most headers mean something wins.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "empty.csv"
    >>> _ = path.write_text("\\n", encoding="utf-8")
    >>> read_table(path, "empty.csv")
    Traceback (most recent call last):
    ...
    netweave.core.issues.RegistrationError: empty.csv: the file is empty
    """
    file = str(path) if label is None else label
    known = dict(columns or {})

    def recognised(header: list[str]) -> int:
        return sum(_means(h.strip(), known) for h in header)

    rows = (row for row in read_rows(Path(path), file, recognised) if not _blank(row[1]))
    first = next(rows, None)
    if first is None:
        raise RegistrationError([Issue("the file is empty", file, code="empty-file")])
    header = tuple(h.strip() for h in first[1])
    return Table(header, tuple(rows), file, first[0], tuple(first[1]))


def _means(header: str, columns: Mapping[str, str]) -> bool:
    """Whether a header means a field: ranks the delimiter guesses."""
    return (header_target(header, columns) or keyword_target(header)) not in {None, EXTRA, SKIP}


def read_rows(path: Path, label: str, score: Callable[[list[str]], int] = len) -> Iterator[Row]:
    """``(line, cells)`` for every row, header and blank rows included; ``score`` ranks the
    delimiter guesses of a CSV by its first row.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "met.csv"
    >>> _ = path.write_text("a@x.org,b@x.org\\n", encoding="utf-8")
    >>> list(read_rows(path, "met.csv"))
    [(1, ['a@x.org', 'b@x.org'])]
    """
    suffix = path.suffix.lower()
    if suffix in _CSV_SUFFIXES:
        return _csv_rows(path, label, score)
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx_rows(path, label)
    message = (
        f"cannot read {suffix or 'files without an extension'}: save the table as .csv or .xlsx"
    )
    raise RegistrationError([Issue(message, label, code="bad-file")])


def _decode(path: Path, label: str) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistrationError([Issue(_NOT_UTF8, label, line, code="not-utf8")]) from None


def _pick_delimiter(text: str, score: Callable[[list[str]], int]) -> str:
    """The delimiter whose header row scores best (recognised columns, then column count)."""

    def rank(delimiter: str) -> tuple[int, int]:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next((r for r in rows if any(c.strip() for c in r)), [])
        return score(header), len(header)

    try:
        return max(_DELIMITERS, key=rank)
    except csv.Error:
        return ","


def _csv_rows(path: Path, label: str, score: Callable[[list[str]], int]) -> Iterator[Row]:
    text = _decode(path, label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_pick_delimiter(text, score))
    start = last_start = 1
    try:
        for cells in reader:
            yield start, cells
            last_start, start = start, reader.line_num + 1
    except csv.Error as exc:
        raise RegistrationError(
            [Issue(f"cannot parse CSV: {exc}", label, start, code="bad-csv")]
        ) from None
    # The csv module silently reads an unclosed quote to the end of the file.
    if text.count('"') % 2 and start - last_start > 1:
        message = (
            "a quote opened on this line is never closed: the rest of the file became one value"
        )
        raise RegistrationError([Issue(message, label, last_start, code="bad-quote")])


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _xlsx_rows(path: Path, label: str) -> Iterator[Row]:
    # the bounded reader: caps on size, cells and time, a message for every damaged file
    try:
        for line, values in read_sheet(path):
            yield line, [_cell_text(v) for v in values]
    except XlsxError as exc:
        raise RegistrationError([Issue(str(exc), label, exc.line, code="bad-file")]) from None


def _blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)
