"""The command line, run through its real entry point."""

from __future__ import annotations

import csv
import json

from netweave.core.plan import load_plan


def test_plan_writes_every_output(run_cli, example_csv, tmp_path):
    out = tmp_path / "out"
    run_cli("plan", example_csv, "--rounds", "3", "--seed", "1", "--xlsx", "-o", out)
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == [
        "plan.json",
        "schedule.csv",
        "schedule.md",
        "schedule.xlsx",
        "zoom/groups.csv",
        "zoom/round-1.csv",
        "zoom/round-2.csv",
        "zoom/round-3.csv",
    ]


def test_plan_prints_summary_with_bound(run_cli, example_csv, tmp_path):
    result = run_cli("plan", example_csv, "--rounds", "3", "-o", tmp_path / "out")
    assert "% of the upper bound" in result.stdout


def test_plan_without_a_terminal_logs_each_stage(run_cli, example_csv, tmp_path):
    result = run_cli("plan", example_csv, "--rounds", "3", "-o", tmp_path / "out")
    for stage in ("scores", "rounds", "bound", "reasons", "groups"):
        assert f"Planning {stage}: done" in result.stderr


def test_plan_prints_the_proof_for_a_small_event(run_cli, example_csv, tmp_path):
    result = run_cli("plan", example_csv, "--rounds", "3", "--no-groups", "-o", tmp_path / "a")
    assert "Optimality" in result.stdout
    assert "(integer program)" in result.stdout
    metrics = json.loads((tmp_path / "a" / "plan.json").read_text())["metrics"]
    assert metrics["optimality"] == "optimal" or metrics["optimality"].startswith("within ")
    assert metrics["total_score"] >= metrics["heuristic_total"]


def test_plan_exact_up_to_zero_skips_the_proof(run_cli, example_csv, tmp_path):
    out = tmp_path / "a"
    result = run_cli("plan", example_csv, "-r", "2", "--no-groups", "--exact-up-to", "0", "-o", out)
    assert "Optimality" not in result.stdout
    assert "optimality" not in json.loads((out / "plan.json").read_text())["metrics"]


def test_plan_zoom_csv_header_exact(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "--rounds", "2", "-o", tmp_path / "out")
    first = (tmp_path / "out" / "zoom" / "round-1.csv").read_text().splitlines()[0]
    assert first == "Pre-assign Room Name,Email Address"


def test_plan_same_seed_same_plan(run_cli, example_csv, tmp_path):
    # the time limits are safety caps (a search they stop may differ); lifted here so a
    # loaded machine cannot stop one run early: the fixed effort alone must decide the plan
    caps = ("--time-limit", "600", "--exact-time-limit", "600")
    for name in ("a", "b"):
        run_cli("plan", example_csv, "--rounds", "3", "--seed", "5", *caps, "-o", tmp_path / name)
    a = load_plan(tmp_path / "a" / "plan.json")
    b = load_plan(tmp_path / "b" / "plan.json")
    assert (a.rounds, a.groups) == (b.rounds, b.groups)


def test_plan_no_groups_writes_no_groups_csv(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "--rounds", "2", "--no-groups", "-o", tmp_path / "out")
    assert not (tmp_path / "out" / "zoom" / "groups.csv").exists()


def test_plan_group_size_respected(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "-r", "1", "--group-size", "3-4", "-o", tmp_path / "out")
    groups = load_plan(tmp_path / "out" / "plan.json").groups
    assert {len(g.members) for g in groups} <= {3, 4}


def test_plan_impossible_group_split_exits_2(run_cli, tmp_path):
    people = tmp_path / "seven.csv"
    people.write_text("email,name\n" + "".join(f"p{i}@x.org,P {i}\n" for i in range(7)))
    result = run_cli("plan", people, "-r", "1", "--group-size", "4-4", "-o", tmp_path / "out")
    assert (result.returncode, (tmp_path / "out").exists()) == (2, False)


def test_plan_bad_file_exits_2_and_writes_nothing(run_cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,mode\nana@example.org,Ana,live\nnot-an-email,,sometimes\n")
    result = run_cli("plan", bad, "-r", "2", "-o", tmp_path / "out")
    assert (result.returncode, (tmp_path / "out").exists()) == (2, False)


def test_plan_bad_file_lists_every_problem_with_line(run_cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,mode\nana@example.org,Ana,live\nnot-an-email,,sometimes\n")
    result = run_cli("plan", bad, "-r", "2", "-o", tmp_path / "out")
    # the bad email and the empty name; an unclear mode ("sometimes") is only a warning now
    assert result.stderr.count("bad.csv:3") >= 2
    assert "[email]" in result.stderr
    assert "[name]" in result.stderr


def test_plan_too_many_rounds_exits_2(run_cli, tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("email,name\na@x.org,A\nb@x.org,B\nc@x.org,C\n")
    result = run_cli("plan", small, "-r", "5", "--no-groups", "-o", tmp_path / "out")
    assert result.returncode == 2


def test_plan_bad_config_exits_2(run_cli, example_csv, tmp_path):
    config = tmp_path / "event.toml"
    config.write_text('[weights]\ninterests = "high"\n')
    result = run_cli("plan", example_csv, "--config", config, "-o", tmp_path / "out")
    assert (result.returncode, "interests" in result.stderr) == (2, True)


def test_plan_reads_xlsx(run_cli, example_csv, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    with example_csv.open(encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append(row)
    book.save(tmp_path / "people.xlsx")
    result = run_cli("plan", tmp_path / "people.xlsx", "-r", "2", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_plan_without_xlsx_flag_writes_no_workbook(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "-r", "1", "--no-groups", "-o", tmp_path / "out")
    assert not (tmp_path / "out" / "schedule.xlsx").exists()


def test_plan_history_pairs_do_not_meet_again(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "-r", "3", "--no-groups", "-o", tmp_path / "y1")
    first = load_plan(tmp_path / "y1" / "plan.json")
    met = tmp_path / "met.csv"
    met.write_text(
        "a,b\n"
        + "".join(f"{a},{b}\n" for r in first.rounds for m in r.meetings for a, b in m.pairs())
    )
    run_cli("plan", example_csv, "-r", "3", "--no-groups", "--history", met, "-o", tmp_path / "y2")
    second = load_plan(tmp_path / "y2" / "plan.json")
    before = {p for r in first.rounds for m in r.meetings for p in m.pairs()}
    again = {p for r in second.rounds for m in r.meetings for p in m.pairs()}
    assert before & again == set()


def test_affinity_then_plan_from_edges(run_cli, example_csv, tmp_path):
    edges = tmp_path / "edges.csv"
    run_cli("affinity", example_csv, "-o", edges)
    result = run_cli("plan", example_csv, "-r", "2", "--affinity", edges, "-o", tmp_path / "o")
    assert result.returncode == 0, result.stderr


def test_affinity_writes_header_and_positive_scores(run_cli, example_csv, tmp_path):
    edges = tmp_path / "edges.csv"
    run_cli("affinity", example_csv, "-o", edges)
    with edges.open() as f:
        rows = list(csv.DictReader(f))
    assert min(float(r["score"]) for r in rows) > 0


def test_check_clean_plan_exits_0(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "-r", "3", "-o", tmp_path / "out")
    result = run_cli("check", example_csv, tmp_path / "out" / "plan.json")
    assert result.returncode == 0, result.stdout


def test_check_hand_edited_repeat_exits_1(run_cli, example_csv, tmp_path):
    run_cli("plan", example_csv, "-r", "2", "--no-groups", "-o", tmp_path / "out")
    path = tmp_path / "out" / "plan.json"
    data = json.loads(path.read_text())
    data["rounds"][1]["meetings"][0]["members"] = data["rounds"][0]["meetings"][0]["members"]
    path.write_text(json.dumps(data))
    result = run_cli("check", example_csv, path, "--group-size", "4-6")
    assert (result.returncode, "already met" in result.stdout.lower()) == (1, True)


def test_check_not_a_plan_exits_2(run_cli, example_csv, tmp_path):
    bogus = tmp_path / "plan.json"
    bogus.write_text('{"rounds": [{"meetings": [{}]}]}')
    result = run_cli("check", example_csv, bogus)
    assert result.returncode == 2


def test_config_prints_loadable_defaults(run_cli, tmp_path):
    text = run_cli("config").stdout
    (tmp_path / "event.toml").write_text(text)
    from netweave.core.config import EventConfig, load_config

    assert load_config(tmp_path / "event.toml") == EventConfig()


def test_example_writes_requested_size(run_cli, tmp_path):
    run_cli("example", "-n", "25", "-o", tmp_path / "c.csv")
    assert len((tmp_path / "c.csv").read_text().splitlines()) == 26


def test_plan_outputs_untouched_on_failure(run_cli, example_csv, tmp_path):
    out = tmp_path / "out"
    run_cli("plan", example_csv, "-r", "2", "-o", out)
    before = (out / "plan.json").read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text("email\nx@y.org\n")
    run_cli("plan", bad, "-r", "2", "-o", out)
    assert (out / "plan.json").read_text() == before


def test_version_option(run_cli):
    assert run_cli("--version").stdout.startswith("netweave, version")


FORM_EXPORT = (
    "Timestamp,Email Address,Your name,Will you join live or asynchronously?,Favourite tea\n"
    "3/1/2026 10:00:00,ana@x.org,Ana Lima,Live on the day (Zoom),green\n"
    "3/1/2026 11:00:00,bo@x.org,Bo Chen,Not sure yet,black\n"
    "3/1/2026 12:00:00,cy@x.org,Cy Diaz,Asynchronously,none\n"
    "3/1/2026 13:00:00,dee@x.org,Dee Eze,Live,oolong\n"
)


def test_plan_prints_how_each_column_was_read(run_cli, tmp_path):
    people = tmp_path / "form.csv"
    people.write_text(FORM_EXPORT, encoding="utf-8")
    result = run_cli("plan", people, "--rounds", "1", "--no-groups", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    # rich wraps cells at 80 columns: look for words, not whole phrases
    assert "Favourite tea" in result.stderr
    assert "profile" in result.stderr
    assert "Not sure yet" in result.stderr  # the mode answers' table


def test_columns_writes_a_map_that_plan_reads(run_cli, tmp_path):
    people = tmp_path / "form.csv"
    people.write_text(FORM_EXPORT, encoding="utf-8")
    written = tmp_path / "map.toml"
    result = run_cli("columns", people, "-o", written)
    assert result.returncode == 0, result.stderr
    text = written.read_text(encoding="utf-8")
    assert '"Favourite tea" = "extra"' in text
    assert '# "Not sure yet" = "async"' in text
    # the organizer reads the unclear answer as async and drops the tea
    edited = text.replace("# [modes]", "[modes]").replace('# "Not sure yet"', '"Not sure yet"')
    edited = edited.replace('"Favourite tea" = "extra"', '"Favourite tea" = "skip"')
    written.write_text(edited, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "plan", people, "--columns", written, "--rounds", "1", "--no-groups", "-o", out
    )
    assert result.returncode == 0, result.stderr
    modes = {
        p["id"]: p["mode"] for p in json.loads((out / "plan.json").read_text())["participants"]
    }
    assert modes == {
        "ana@x.org": "live",
        "bo@x.org": "async",
        "cy@x.org": "async",
        "dee@x.org": "live",
    }


def test_columns_missing_name_column_is_listed_and_exits_2(run_cli, tmp_path):
    people = tmp_path / "form.csv"
    people.write_text("Email,Favourite tea\nana@x.org,green\n", encoding="utf-8")
    written = tmp_path / "map.toml"
    result = run_cli("columns", people, "-o", written)
    assert result.returncode == 2
    assert "missing required column 'name'" in result.stderr
    assert written.is_file()  # the map is where the organizer fixes it


def test_plan_reads_offers_availability_organization_and_first_time(run_cli, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name,offers,seeks,available,organization,first_time\n"
        "ana@x.org,Ana Lima,grant writing,,,Acme,no\n"
        "kofi@x.org,Kofi Mensah,,Grant writing,,,yes\n"
        "bo@x.org,Bo Chen,,,1,Acme,no\n"
        "cy@x.org,Cy Diaz,,,,,no\n"
        "dee@x.org,Dee Evans,,,2-3,,yes\n"
        "eli@x.org,Eli Fox,,,,,no\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli("plan", people, "-r", "3", "--no-groups", "-o", out)
    assert result.returncode == 0, result.stderr
    plan = load_plan(out / "plan.json")
    rounds = {r.number: [set(m.members) for m in r.meetings] for r in plan.rounds}
    assert not any("bo@x.org" in m for n in (2, 3) for m in rounds[n])  # Bo leaves after 1
    assert not any("dee@x.org" in m for m in rounds[1])  # Dee arrives for round 2
    assert not any({"ana@x.org", "bo@x.org"} <= m for ms in rounds.values() for m in ms)
    reasons = [r for rnd in plan.rounds for m in rnd.meetings for r in m.reasons]
    assert "Ana offers grant writing, which Kofi is looking for" in reasons
    m = plan.metrics
    assert (m["seekers_met_offerer"], m["seekers"], m["same_organization_pairs"]) == (1, 1, 0)
    assert m["first_timers_met_veteran"] == m["first_timers"] == 2
    assert m["sitting_out"] == {"1": ["dee@x.org"], "2": ["bo@x.org"], "3": ["bo@x.org"]}
    summary = " ".join(result.stdout.split())
    assert "Seekers met an offerer │ 1 of 1 (where one was free)" in summary
    assert "First-timers met a veteran │ 2 of 2" in summary
    assert "Sitting out │ round 1: dee@x.org; round 2: bo@x.org" in summary


def test_plan_bad_available_exits_2_with_line_and_column(run_cli, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("email,name,available\na@x.org,A,\nb@x.org,B,3-1\n", encoding="utf-8")
    result = run_cli("plan", people, "-r", "2", "-o", tmp_path / "out")
    assert result.returncode == 2
    stderr = " ".join(result.stderr.split())  # the console wraps long lines
    assert "people.csv:3 [available]: available '3-1' is not a list of rounds" in stderr
