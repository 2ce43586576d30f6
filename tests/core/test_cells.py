"""The one rule for text cells: formulas neutralised going out, control characters refused
coming in."""

from __future__ import annotations

import csv
import io

import pytest

from netweave.core.cells import control_character, csv_writer, neutralise, starts_formula


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_prefixes_every_formula_start(text):
    assert neutralise(text) == "'" + text
    assert not starts_formula(neutralise(text))


@pytest.mark.parametrize("value", ["Ana", " =1", "a=b", "", 3, -3.5, None, True])
def test_neutralise_leaves_text_and_numbers_alone(value):
    assert neutralise(value) == value


def test_csv_writer_reads_back_as_the_neutralised_cells():
    out = io.StringIO()
    csv_writer(out, lineterminator="\r\n").writerows([["=a", 'b,"c"'], [None, "-d"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=a", 'b,"c"'], ["", "'-d"]]


@pytest.mark.parametrize("code", [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x9F])
def test_control_character_refuses_controls(code):
    assert f"U+{code:04X}" in control_character(f"a{chr(code)}b")


@pytest.mark.parametrize(
    "text", ["Zoë Ø'Brien", "naïve 東京 🙂", "a\u00a0b", "tab\tand\nlines\r\n"]
)
def test_control_character_accepts_text(text):
    assert control_character(text) is None
