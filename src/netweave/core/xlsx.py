"""Reading the first sheet of an XLSX workbook with caps on size, cells and time.

An XLSX file is a zip of XML parts, and both layers can be made hostile while the file stays
small: a zip bomb (70 KB that inflate to gigabytes), XML entities (the "billion laughs" and
external entities), or a false ``<dimension ref="A1:XFD1048576">`` that makes openpyxl pad
every row to 16,384 cells (31 KB took 13 s). So, before and while openpyxl reads:

- the parts together may inflate to at most :data:`MAX_XML_BYTES` (checked on the zip's own
  sizes, which :mod:`zipfile` enforces while inflating), in at most :data:`MAX_PARTS` parts;
- XML entities are refused: openpyxl parses with ``defusedxml`` (a dependency for this);
- the sheet's declared dimension is ignored: each row is as wide as its last cell, and the
  cells openpyxl makes (empty ones included) count against :data:`MAX_CELLS`;
- a row past Excel's last one (:data:`MAX_ROWS`) is malformed, and reading stops after
  :data:`MAX_SECONDS` whatever happens.

Memory follows from these: rows are yielded one at a time, never held here.

Every problem is an :class:`XlsxError` whose message says what is wrong and what to do;
nothing openpyxl raises on a damaged part escapes.

Examples
--------
>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "people.xlsx"
>>> book = openpyxl.Workbook()
>>> book.active.append(["email", "name"])
>>> book.active.append(["ana@example.org", "Ana Lima"])
>>> book.save(path)
>>> list(read_sheet(path))
[(1, ('email', 'name')), (2, ('ana@example.org', 'Ana Lima'))]
"""

from __future__ import annotations

import time
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "MAX_CELLS",
    "MAX_PARTS",
    "MAX_ROWS",
    "MAX_SECONDS",
    "MAX_XML_BYTES",
    "XlsxError",
    "read_sheet",
]

#: the XML of all parts together, inflated: 10,000 registrations with long answers need a
#: tenth of it, and openpyxl reads about 3-5 MB of it a second
MAX_XML_BYTES = 32 * 1024 * 1024
#: parts in the zip: a workbook has a dozen, a few hundred with pictures and comments
MAX_PARTS = 2_000
#: cells openpyxl makes for the sheet, the empty ones before a row's last cell included
MAX_CELLS = 5_000_000
#: Excel's last row: a row number past it is not a spreadsheet's
MAX_ROWS = 1_048_576
#: the last resort against what the caps above miss
MAX_SECONDS = 30.0

_RESAVE = "open it in Excel or LibreOffice and save it again as .xlsx"


class XlsxError(ValueError):
    """The workbook cannot be read; the message says what is wrong and what to do."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        #: the sheet's row where reading stopped, when it got that far
        self.line = line


def read_sheet(path: str | Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(row number, values)`` of every row of the first sheet that holds a value.

    Values are what openpyxl reads (text, numbers, dates, booleans, ``None`` for an empty
    cell); a row ends with its last cell that holds a value. Rows without any value are
    skipped (their numbers are not: a row keeps the number Excel shows).

    Raises
    ------
    XlsxError
        When the file is not a workbook, is damaged, declares XML entities, or passes one of
        the caps in this module's docstring; raised by the first ``next()`` or a later one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "people.xlsx"
    >>> _ = bad.write_text("email,name")
    >>> next(read_sheet(bad))
    Traceback (most recent call last):
    ...
    netweave.core.xlsx.XlsxError: ...
    """
    path = Path(path)
    _check_zip(path)
    # our own handle: openpyxl leaves its file open when a damaged part stops it
    with path.open("rb") as handle:
        book = _open(handle)
        try:
            yield from _rows(book.worksheets[0] if book.worksheets else None)
        finally:
            book.close()


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise XlsxError(f"not a readable .xlsx file ({exc}): {_RESAVE}") from None
    if len(parts) > MAX_PARTS:
        raise XlsxError(
            f"the workbook has {len(parts):,} parts; a spreadsheet has at most a few hundred: "
            f"{_RESAVE}"
        )
    inflated = sum(part.file_size for part in parts)
    if inflated > MAX_XML_BYTES:
        raise XlsxError(
            f"the workbook inflates to {inflated / 2**20:,.0f} MB, more than netweave reads "
            f"({MAX_XML_BYTES // 2**20} MB): keep only the sheet with the registrations, or "
            "save it as .csv"
        )


def _open(handle: BinaryIO) -> Any:
    import openpyxl  # noqa: PLC0415 - imported here: CSV users should not pay for it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and data validation it cannot read; values are fine
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises whatever its parser meets in a damaged part
        raise XlsxError(f"the workbook is damaged ({_why(exc)}): {_RESAVE}") from None


def _rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    if sheet is None:
        raise XlsxError(f"the workbook has no sheet: {_RESAVE}")
    sheet.reset_dimensions()  # each row as wide as its own cells, whatever the file claims
    deadline = time.monotonic() + MAX_SECONDS
    cells = seen = 0
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                values = next(rows, None)
        except Exception as exc:  # a damaged sheet: see _open
            message = f"the first sheet is damaged after row {seen:,} ({_why(exc)}): {_RESAVE}"
            raise XlsxError(message, seen + 1) from None
        if values is None:
            return
        seen += 1
        cells += len(values)
        _check_caps(seen, cells, deadline)
        if values := _trimmed(values):
            yield seen, values


def _trimmed(values: Sequence[Any]) -> tuple[Any, ...]:
    """``values`` without its trailing empty cells, found by halving with C-speed counts: a
    row padded to 16,384 cells would cost a Python step per cell otherwise."""
    if not values or values[-1] is not None:
        return tuple(values)
    low, high = 0, len(values)  # values[high:] is all empty; find the smallest such high
    while low < high:
        middle = (low + high) // 2
        if values[middle:].count(None) == len(values) - middle:
            high = middle
        else:
            low = middle + 1
    return tuple(values[:high])


def _check_caps(row: int, cells: int, deadline: float) -> None:
    if row > MAX_ROWS:
        raise XlsxError(f"the first sheet goes past Excel's last row ({MAX_ROWS:,}): {_RESAVE}")
    if cells > MAX_CELLS:
        raise XlsxError(
            f"the first sheet has more than {MAX_CELLS:,} cells by row {row:,} (often: a "
            "value or format far to the right): delete the columns you do not need, or save "
            "the sheet as .csv",
            row,
        )
    if time.monotonic() > deadline:
        raise XlsxError(
            f"reading the first sheet took more than {MAX_SECONDS:.0f} s (stopped at row "
            f"{row:,}): save the sheet as .csv, or split it",
            row,
        )


_ENTITIES = {"EntitiesForbidden", "ExternalReferenceForbidden", "DTDForbidden"}


def _why(exc: BaseException) -> str:
    """What went wrong, in a line; openpyxl wraps some parser errors in its own ValueError."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 8:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(type(e).__name__ in _ENTITIES for e in chain):
        # defusedxml's: a spreadsheet program never writes entities; an attack does
        return "it declares XML entities, which spreadsheet programs never write"
    broken = next((e for e in chain if isinstance(e, SyntaxError)), None)
    if broken is not None:  # ElementTree's ParseError
        return f"broken XML: {_first_line(broken)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "no details"
