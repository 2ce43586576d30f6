"""Fuzzing the CSV/XLSX reader: whatever the file, ``read_people`` returns a Roster or raises
RegistrationError with its issues, never another exception, and never hangs."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.core.columns import _ALIAS_PHRASES, FIELDS
from netweave.core.issues import RegistrationError
from netweave.core.people import Roster, read_people

#: a single file must be read well within this (10,000 rows take under a second)
LIMIT_SECONDS = 20.0

HEADERS = st.one_of(
    st.sampled_from(FIELDS),
    st.sampled_from([p for phrases in _ALIAS_PHRASES.values() for p in phrases]),
    st.sampled_from(["", " ", "Email ", "NAME", "e-mail?", "Timestamp", "Q1", "extra", "?"]),
    st.text(max_size=20),
)
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "ana@example.org",
            "Ana Souza",
            "live",
            "async",
            "Europe/Berlin",
            "UTC+5:30",
            "Mars/Olympus",
            "ana@example.org; bo@example.org",
            'say "hi"',
            "a,b;c\td",
            "line\nbreak",
            "\r\n",
            "\ufeff",
            "=1+1",
            "ñandú 🦆 ß",
            "x" * 5000,
        ]
    ),
    st.emails().map(str),
    st.text(max_size=60),
)
DELIMITERS = st.sampled_from([",", ";", "\t", "|"])


def _quote(cell: str, delimiter: str, quoting: bool) -> str:
    if quoting or any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    delimiter = draw(DELIMITERS)
    width = draw(st.integers(1, 8))
    header = draw(st.lists(HEADERS, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 2), min_size=0, max_size=12))
    quoting = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(
        delimiter.join(_quote(c, delimiter, quoting) for c in row) for row in [header, *rows]
    )
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    # damage: stray quotes, cut bytes, invalid UTF-8, NULs
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b'"', b"\xff", b"\xc3", b"\x00", b"\xef\xbb\xbf", b"\r"]))
        data = data[:at] + junk + data[at:]
    if data and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


XLSX_VALUES = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(9998, 12, 31)),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(9998, 12, 31)),
    st.times(),
    CELLS.map(lambda s: "".join(c for c in s if c.isprintable() or c in "\n\t")[:32000]),
)


@st.composite
def xlsx_rows(draw: st.DrawFn) -> list[list[object]]:
    width = draw(st.integers(1, 6))
    header: list[object] = draw(st.lists(HEADERS | XLSX_VALUES, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(XLSX_VALUES, max_size=width + 2), max_size=8))
    return [header, *rows]


def _read_bounded(path: Path) -> Roster | None:
    """``read_people`` in a thread, failing the test if it does not finish in time."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["roster"] = read_people(path)
        except RegistrationError as exc:
            outcome["error"] = exc
        except BaseException as exc:
            outcome["crash"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(LIMIT_SECONDS)
    assert not worker.is_alive(), f"read_people hung on {path.read_bytes()[:200]!r}"
    if "crash" in outcome:
        raise outcome["crash"]  # type: ignore[misc]
    if "error" in outcome:
        assert outcome["error"].issues  # type: ignore[attr-defined]
        return None
    assert isinstance(outcome["roster"], Roster)
    return outcome["roster"]  # type: ignore[return-value]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=csv_bytes(), suffix=st.sampled_from([".csv", ".tsv", ".txt", ".CSV"]))
def test_read_people_any_csv_gives_roster_or_registration_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"people{suffix}"
        path.write_bytes(data)
        _read_bounded(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=xlsx_rows())
def test_read_people_any_xlsx_gives_roster_or_registration_error(rows: list[list[object]]) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        # openpyxl refuses control characters: Excel cannot store them either
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.xlsx"
        book.save(path)
        _read_bounded(path)


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=400))
def test_read_people_random_bytes_as_xlsx_raise_registration_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.xlsx"
        path.write_bytes(data)
        _read_bounded(path)


def test_read_people_short_row_with_unknown_column_is_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(b"email,name,notes\nana@example.org,Ana\n")
    roster = read_people(path)
    assert roster.people[0].name == "Ana"
