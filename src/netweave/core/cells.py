"""Text at netweave's borders: no formula goes out to a spreadsheet, no control character comes in.

Going out
    Excel, LibreOffice and Google Sheets run a CSV cell that starts with ``=``, ``+``, ``-`` or
    ``@`` as a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``), and a leading tab or
    carriage return hides such a start from a quick look. Every CSV netweave writes, on the
    command line and in the web app, goes through :func:`csv_writer`, which writes such a cell
    with a leading apostrophe, as OWASP advises; the XLSX writer stores it as text. Both ask
    :func:`starts_formula`, so there is one rule. An email that starts like a formula is
    refused where it comes in (:func:`formula_problem`): Zoom would not find ``'=x@y.org``.

Coming in
    A text field holds letters, not control characters: NUL makes PostgreSQL refuse the row,
    the others (bell, escape, the C1 block ...) come only from a broken export or an attack.
    :func:`control_character` is the one rule, used by the table reader and the web forms.

Examples
--------
>>> import io
>>> out = io.StringIO()
>>> w = csv_writer(out)
>>> _ = w.writerow(["=HYPERLINK(\\"http://x\\")", "-3", 7, "Ana"])
>>> out.getvalue()
'"\\'=HYPERLINK(""http://x"")",\\'-3,7,Ana\\n'
>>> control_character("Ana\\x00Lima")
'a control character (U+0000, NUL)'
>>> control_character("two\\nlines"), control_character("two\\nlines", multiline=False)
(None, 'a line break')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = [
    "FORMULA_START",
    "CsvWriter",
    "control_character",
    "csv_writer",
    "formula_problem",
    "neutralise",
    "starts_formula",
]

#: the first characters that make a spreadsheet program read a cell as a formula (OWASP's
#: list: the four operators, and tab and carriage return, which hide one from the eye)
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet program would run ``text`` as a formula.

    >>> starts_formula("=1+1"), starts_formula("@SUM(A1)"), starts_formula("Ana = Bo")
    (True, True, False)
    """
    return text.startswith(FORMULA_START)


def neutralise(value: Any) -> Any:
    """``value`` made safe for a CSV cell: text that starts like a formula gets a leading
    apostrophe, which spreadsheet programs show as text and do not display; numbers and
    other text are left alone.

    >>> neutralise("+cmd|' /C calc'!A0"), neutralise(-3), neutralise("Kofi")
    ("'+cmd|' /C calc'!A0", -3, 'Kofi')
    """
    if isinstance(value, str) and starts_formula(value):
        return "'" + value
    return value


def formula_problem(email: str) -> str | None:
    """Why ``email`` cannot be taken, or None: one that starts like a formula would run in
    every spreadsheet an export of it is opened in (Django's email check lets it through).

    >>> formula_problem("=cmd|'/ccalc'!a0@attacker.test")
    "it starts with '=', which spreadsheet programs run as a formula"
    >>> formula_problem("ana@example.org") is None
    True
    """
    if starts_formula(email):
        return f"it starts with {email[0]!r}, which spreadsheet programs run as a formula"
    return None


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class CsvWriter:
    """A :func:`csv.writer` whose every cell goes through :func:`neutralise`.

    ``writerow`` returns what the file's ``write`` returned, like :func:`csv.writer`'s, so a
    streaming response can yield the lines.
    """

    def __init__(self, f: _Writable, *, lineterminator: str = "\n") -> None:
        self._writer = csv.writer(f, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(f: _Writable, *, lineterminator: str = "\n") -> CsvWriter:
    """The CSV writer of the whole project: UTF-8 text is the caller's, formulas are ours.

    Parameters
    ----------
    f
        Anything with ``write(str)``: an open text file (``newline=""``), a
        :class:`io.StringIO`, an echo object for a streaming response.
    lineterminator
        ``"\\n"`` (Zoom's import wants it) or ``"\\r\\n"`` (RFC 4180, what browsers download).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> _ = csv_writer(out).writerow(["@SUM(A1)", "Kofi"])
    >>> out.getvalue()
    "'@SUM(A1),Kofi\\n"
    """
    return CsvWriter(f, lineterminator=lineterminator)


# C0 controls and DEL and the C1 block; tab, line feed and carriage return are whitespace
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL"}


def control_character(text: str, *, multiline: bool = True) -> str | None:
    """What ``text`` holds that no text field may, or None.

    Parameters
    ----------
    text
        A value typed into a form or read from a table cell.
    multiline
        Whether tabs and line breaks belong (a textarea, an "about" cell); a one-line field
        (a name, an email) refuses them too.

    Returns
    -------
    str or None
        ``"a control character (U+0007)"``, ``"a line break"`` or ``"a tab"`` for the first
        one found, to put in a message that says which field.

    Examples
    --------
    >>> control_character("Ana\\x07"), control_character("Ana Lima")
    ('a control character (U+0007)', None)
    """
    match = (_CONTROL if multiline else _CONTROL_OR_BREAK).search(text)
    if match is None:
        return None
    char = match.group()
    if char in "\n\r":
        return "a line break"
    if char == "\t":
        return "a tab"
    name = f", {_NAMES[char]}" if char in _NAMES else ""
    return f"a control character (U+{ord(char):04X}{name})"
