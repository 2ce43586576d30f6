"""Exports: Zoom CSVs, schedules as CSV, XLSX and Markdown, and writing them all at once."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from netweave.core.exports import (
    SCHEDULE_HEADER,
    ZOOM_HEADER,
    Table,
    schedule_markdown,
    schedule_table,
    write_csv,
    write_plan_outputs,
    write_xlsx,
    zoom_groups_table,
    zoom_round_table,
    zoom_warnings,
)
from netweave.core.people import Person
from netweave.core.plan import Group, Meeting, Participant, Plan, Round, Unmatched

NAMES = {
    "ana": "Ana Lima",
    "kofi": "Kofi Mensah",
    "li": "Li Wei",
    "sam": "Sam Okafor",
    "tom": "Tomás Ruiz",
    "mei": "Mei Chen",
}


def pid(key: str) -> str:
    return f"{key}@x.org"


def people() -> list[Person]:
    return [
        Person(pid(k), pid(k), name, "async" if k == "mei" else "live", "Europe/Berlin")
        for k, name in NAMES.items()
    ]


def live(room: str, *keys: str, reasons: tuple[str, ...] = ()) -> Meeting:
    return Meeting(room, tuple(pid(k) for k in keys), 1.0, reasons)


def remote(live_key: str, async_key: str) -> Meeting:
    return Meeting(None, (pid(live_key), pid(async_key)), 0.5, ("Both love maps",), is_async=True)


ONBOARDING = ("You both work on onboarding", "Ana asked to meet Kofi")


def sample_plan() -> Plan:
    r1 = Round(
        1,
        (
            live("Room 1", "ana", "kofi", reasons=ONBOARDING),
            live("Room 2", "li", "sam"),
            remote("tom", "mei"),
        ),
    )
    r2 = Round(
        2, (live("Room 1", "ana", "li"), live("Room 2", "kofi", "sam"), live("Room 3", "tom"))
    )
    groups = (
        Group(
            "Group 1",
            (pid("ana"), pid("kofi"), pid("li")),
            "Onboarding",
            reasons=("All three mentor",),
            remote=(pid("mei"),),
        ),
        Group("Group 2", (pid("sam"), pid("tom")), "Data"),
    )
    participants = tuple(Participant(p.id, p.name, p.mode) for p in people())
    return Plan(participants, (r1, r2), groups)


def test_zoom_round_table_header_exact():
    assert zoom_round_table(sample_plan(), 1).headers == ("Pre-assign Room Name", "Email Address")


def test_zoom_round_table_skips_async_meetings():
    rows = zoom_round_table(sample_plan(), 1).rows
    assert rows == (
        ("Room 01", pid("ana")),
        ("Room 01", pid("kofi")),
        ("Room 02", pid("li")),
        ("Room 02", pid("sam")),
    )


def test_zoom_round_table_host_meeting_alone_in_room():
    assert ("Room 03", pid("tom")) in zoom_round_table(sample_plan(), 2).rows


def test_zoom_round_table_named_after_round():
    assert zoom_round_table(sample_plan(), 2).name == "round-2"


def test_zoom_round_table_unknown_round_raises():
    with pytest.raises(ValueError, match="no round 7"):
        zoom_round_table(sample_plan(), 7)


def test_zoom_round_table_live_meeting_without_room_raises():
    broken = Plan((), (Round(1, (Meeting(None, (pid("ana"), pid("kofi"))),)),))
    with pytest.raises(ValueError, match="has no room"):
        zoom_round_table(broken, 1)


def test_zoom_groups_table_live_members_only():
    table = zoom_groups_table(sample_plan())
    assert (table.name, table.headers, [email for _, email in table.rows]) == (
        "groups",
        ZOOM_HEADER,
        [pid("ana"), pid("kofi"), pid("li"), pid("sam"), pid("tom")],
    )


def test_zoom_warnings_only_reminder_within_limits():
    warnings = zoom_warnings(sample_plan())
    assert len(warnings) == 1
    assert "one set of pre-assigned rooms per meeting" in warnings[0]
    assert "when the meeting is scheduled" in warnings[0]
    assert "just before" not in warnings[0]  # Zoom takes no CSV during the meeting


def _big_round(rooms: int, size: int) -> Plan:
    meetings = tuple(
        Meeting(f"Room {k}", tuple(f"p{k}-{j}@x.org" for j in range(size))) for k in range(rooms)
    )
    return Plan((), (Round(1, meetings),))


def test_zoom_warnings_at_limits_only_reminder():
    assert len(zoom_warnings(_big_round(100, 3))) == 1


def test_zoom_warnings_above_room_limit():
    warnings = zoom_warnings(_big_round(101, 2))
    assert [w.startswith("zoom/round-1.csv has 101 rooms") for w in warnings] == [True, False]


def test_zoom_warnings_above_people_limit():
    groups = tuple(
        Group(f"Group {k}", tuple(f"p{k}-{j}@x.org" for j in range(11))) for k in range(91)
    )
    warnings = zoom_warnings(Plan((), groups=groups))
    assert [w.startswith("zoom/groups.csv lists 1,001 people") for w in warnings] == [True, False]


def test_table_rejects_row_of_wrong_length():
    with pytest.raises(ValueError, match="row 2"):
        Table("t", ("a", "b"), (("1", "2"), ("3",)))


def test_write_csv_plain_utf8_lf(tmp_path):
    table = Table("t", ZOOM_HEADER, (("Room 1", "tomás@x.org"),))
    data = write_csv(table, tmp_path / "t.csv").read_bytes()
    assert data == "Pre-assign Room Name,Email Address\nRoom 1,tomás@x.org\n".encode()


def test_write_csv_quotes_commas(tmp_path):
    table = Table("t", ("Name",), (("Lima, Ana",),))
    assert (write_csv(table, tmp_path / "t.csv")).read_text() == 'Name\n"Lima, Ana"\n'


def test_write_csv_leaves_no_temporary_file(tmp_path):
    write_csv(Table("t", ("a",), (("1",),)), tmp_path / "t.csv")
    assert os.listdir(tmp_path) == ["t.csv"]


def _rows_of(table: Table, rnd: str, key: str) -> list[dict[str, str]]:
    rows = [dict(zip(table.headers, row, strict=True)) for row in table.rows]
    return [r for r in rows if r["Round"] == rnd and r["Id"] == pid(key)]


def test_schedule_table_live_row():
    [row] = _rows_of(schedule_table(sample_plan(), people()), "1", "ana")
    assert row == {
        "Round": "1",
        "Room": "Room 1",
        "How": "live",
        "Id": pid("ana"),
        "Name": "Ana Lima",
        "Time zone": "Europe/Berlin",
        "Partners": "Kofi Mensah",
        "Partner emails": pid("kofi"),
        "Reasons": "You both work on onboarding; Ana asked to meet Kofi",
    }


def test_schedule_table_async_live_side_has_no_room():
    [row] = _rows_of(schedule_table(sample_plan(), people()), "1", "tom")
    assert (row["Room"], row["How"], row["Partners"]) == (
        "",
        "async: watch intro and fill in form",
        "Mei Chen",
    )


def test_schedule_table_async_person_row():
    [row] = _rows_of(schedule_table(sample_plan(), people()), "1", "mei")
    assert (row["Room"], row["How"].startswith("async: your intro"), row["Partners"]) == (
        "",
        True,
        "Tomás Ruiz",
    )


def test_schedule_table_host_row():
    [row] = _rows_of(schedule_table(sample_plan(), people()), "2", "tom")
    assert (row["Room"], row["How"], row["Partners"]) == ("Room 3", "live, with the host", "")


def test_schedule_table_group_rows():
    table = schedule_table(sample_plan(), people())
    groups = [row for row in table.rows if row[0] == "groups"]
    assert [(row[1], row[3]) for row in groups] == [
        ("Group 1", pid("ana")),
        ("Group 1", pid("kofi")),
        ("Group 1", pid("li")),
        ("Group 1", pid("mei")),
        ("Group 2", pid("sam")),
        ("Group 2", pid("tom")),
    ]


def test_schedule_table_unmatched_row_gives_reason():
    plan = replace(sample_plan(), unmatched=(Unmatched(2, pid("mei"), "no live partner left"),))
    [row] = _rows_of(schedule_table(plan, people()), "2", "mei")
    assert row["How"] == "no meeting: no live partner left"


def test_schedule_table_rows_in_round_then_name_order():
    table = schedule_table(sample_plan(), people())
    assert [row[4] for row in table.rows if row[0] == "1"] == sorted(NAMES.values())[:6]


def test_schedule_table_tz_shown_for_everyone():
    table = schedule_table(sample_plan(), people(), tz="America/Sao_Paulo")
    assert {row[SCHEDULE_HEADER.index("Time zone")] for row in table.rows} == {"America/Sao_Paulo"}


def test_schedule_table_unknown_tz_raises():
    with pytest.raises(ValueError, match="unknown time zone"):
        schedule_table(sample_plan(), people(), tz="Mars/Olympus")


def _section(markdown: str, name: str) -> list[str]:
    lines = markdown.split("\n")
    start = lines.index(f"## {name}") + 2
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_schedule_markdown_live_meeting_line():
    section = _section(schedule_markdown(sample_plan(), people()), "Ana Lima")
    assert section[0] == (
        "- Round 1, Room 1: Kofi Mensah (kofi@x.org) — You both work on onboarding; "
        "Ana asked to meet Kofi"
    )


def test_schedule_markdown_async_lines_both_sides():
    md = schedule_markdown(sample_plan(), people())
    assert (_section(md, "Tomás Ruiz")[0], _section(md, "Mei Chen")[0]) == (
        "- Round 1: watch Mei Chen's intro video and fill in their form (async) — Both love maps",
        "- Round 1: Tomás Ruiz watches your intro and answers your form — Both love maps",
    )


def test_schedule_markdown_host_line():
    assert "- Round 2, Room 3: you meet the host" in _section(
        schedule_markdown(sample_plan(), people()), "Tomás Ruiz"
    )


def test_schedule_markdown_group_line_last():
    section = _section(schedule_markdown(sample_plan(), people()), "Kofi Mensah")
    assert section[-1] == "- Groups: Group 1 (Onboarding): Ana Lima, Li Wei, Mei Chen (async)"


def test_schedule_markdown_people_sorted_by_name():
    md = schedule_markdown(sample_plan(), people())
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert (md.splitlines()[0], headings) == ("# Schedule", sorted(NAMES.values()))


def test_schedule_markdown_escapes_user_text():
    odd = [*people()[1:], Person(pid("ana"), pid("ana"), "#1 *Ana* [admin] | x_y")]
    md = schedule_markdown(sample_plan(), odd)
    assert r"## \#1 \*Ana\* \[admin\] \| x\_y" in md.splitlines()


def test_schedule_markdown_same_name_told_apart():
    twins = [*people(), Person("ana2@x.org", "ana2@x.org", "Ana Lima")]
    headings = [
        line for line in schedule_markdown(sample_plan(), twins).splitlines()[1:] if "#" in line
    ]
    assert sorted(headings[:2]) == ["## Ana Lima (ana2@x.org)", "## Ana Lima (ana@x.org)"]


def test_write_xlsx_readable_back(tmp_path):
    tables = [Table("rounds", ("Round", "Name"), (("1", "Ana"),)), Table("groups", ("Room",), ())]
    book = load_workbook(write_xlsx(tables, tmp_path / "s.xlsx"))
    sheet = book["rounds"]
    assert (book.sheetnames, [c.value for c in sheet[2]], sheet["A1"].font.b) == (
        ["rounds", "groups"],
        ["1", "Ana"],
        True,
    )


def test_write_xlsx_formula_text_stays_text(tmp_path):
    table = Table("t", ("Name",), (('=HYPERLINK("http://evil")',),))
    cell = load_workbook(write_xlsx([table], tmp_path / "s.xlsx"))["t"]["A2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://evil")')


def test_write_xlsx_sheet_titles_made_valid_and_unique(tmp_path):
    tables = [Table("a/b", ("x",), ()), Table("A/B", ("x",), ())]
    assert load_workbook(write_xlsx(tables, tmp_path / "s.xlsx")).sheetnames == ["a-b", "A-B-2"]


def _files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_write_plan_outputs_file_list(tmp_path):
    written = write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    assert [str(p.relative_to(tmp_path / "out")) for p in written] == [
        "plan.json",
        "zoom/round-1.csv",
        "zoom/round-2.csv",
        "zoom/groups.csv",
        "schedule.csv",
        "schedule.xlsx",
        "schedule.md",
    ]


def test_write_plan_outputs_writes_only_listed_files(tmp_path):
    written = write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    assert _files(tmp_path / "out") == sorted(str(p.relative_to(tmp_path / "out")) for p in written)


def test_write_plan_outputs_plan_json_reads_back_equal(tmp_path):
    write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    assert Plan.from_json((tmp_path / "out" / "plan.json").read_text()) == sample_plan()


def test_write_plan_outputs_no_groups_no_groups_csv(tmp_path):
    plan = replace(sample_plan(), groups=())
    write_plan_outputs(plan, people(), tmp_path / "out")
    assert not (tmp_path / "out" / "zoom" / "groups.csv").exists()


def test_write_plan_outputs_xlsx_has_rounds_and_groups_sheets(tmp_path):
    write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    assert load_workbook(tmp_path / "out" / "schedule.xlsx").sheetnames == ["rounds", "groups"]


def test_write_plan_outputs_outdir_is_file_leaves_nothing(tmp_path):
    (tmp_path / "out").write_text("notes")
    with pytest.raises(NotADirectoryError):
        write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    assert (_files(tmp_path), (tmp_path / "out").read_text()) == (["out"], "notes")


def _broken_plan() -> Plan:
    # round 2 has a live meeting without a room: found only after plan.json and round 1
    bad = Round(2, (Meeting(None, (pid("ana"), pid("li"))),))
    return replace(sample_plan(), rounds=(sample_plan().rounds[0], bad))


def test_write_plan_outputs_failure_leaves_no_partial_output(tmp_path):
    with pytest.raises(ValueError, match="has no room"):
        write_plan_outputs(_broken_plan(), people(), tmp_path / "out")
    assert os.listdir(tmp_path) == []


def test_write_plan_outputs_failure_keeps_previous_output(tmp_path):
    write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    before = {name: (tmp_path / "out" / name).read_bytes() for name in _files(tmp_path / "out")}
    with pytest.raises(ValueError, match="has no room"):
        write_plan_outputs(_broken_plan(), people(), tmp_path / "out")
    after = {name: (tmp_path / "out" / name).read_bytes() for name in _files(tmp_path / "out")}
    assert (after == before, os.listdir(tmp_path)) == (True, ["out"])


def test_write_plan_outputs_replaces_stale_round_csv(tmp_path):
    write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    one_round = replace(sample_plan(), rounds=sample_plan().rounds[:1])
    write_plan_outputs(one_round, people(), tmp_path / "out")
    assert not (tmp_path / "out" / "zoom" / "round-2.csv").exists()


def test_write_plan_outputs_keeps_other_files(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    write_plan_outputs(sample_plan(), people(), tmp_path / "out")
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


def test_write_plan_outputs_metrics_in_plan_json(tmp_path):
    plan = sample_plan().with_metrics(total=3.5)
    write_plan_outputs(plan, people(), tmp_path / "out")
    assert json.loads((tmp_path / "out" / "plan.json").read_text())["metrics"] == {"total": 3.5}


def test_schedule_markdown_unmatched_lines_give_reasons():
    unmatched = (Unmatched(2, pid("mei"), "no live partner left"), Unmatched(0, pid("tom"), "left"))
    groups = (sample_plan().groups[0],)  # Tomás leaves before the groups
    md = schedule_markdown(replace(sample_plan(), groups=groups, unmatched=unmatched), people())
    assert (_section(md, "Mei Chen")[1], _section(md, "Tomás Ruiz")[-1]) == (
        "- Round 2: no meeting this round (no live partner left)",
        "- Groups: no group (left)",
    )
