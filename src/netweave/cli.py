"""The ``netweave`` command line: registrations in, a curated plan out.

Exit status: 0 on success, 1 when ``netweave check`` finds violations, 2 when the input
cannot be used (every problem is printed, with file, line and column) or the ask is
infeasible. Nothing is written unless everything succeeded.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from netweave import __version__
from netweave.core.affinity import affinity_from_edges, write_edges
from netweave.core.check import check_plan
from netweave.core.columns import TARGET_LABELS, ColumnMapping, load_mapping
from netweave.core.config import ConfigError, EventConfig, load_config, parse_group_size
from netweave.core.exports import write_plan_outputs, zoom_warnings
from netweave.core.groups import InfeasibleGroupsError
from netweave.core.issues import Issue, RegistrationError, summarise_issues
from netweave.core.people import Roster, read_history, read_people
from netweave.core.plan import Plan, load_plan
from netweave.core.planner import PlanningInput, plan_event
from netweave.core.reading import ColumnReading, read_columns
from netweave.core.round_spec import InfeasibleError
from netweave.core.scoring import affinity_for
from netweave.core.tables import read_table

__all__ = ["main"]

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _fail(lines: Sequence[str], title: str) -> NoReturn:
    err.print(f"[bold red]{title}[/]")
    for line in lines:
        # one problem a line, never folded: "file.csv:3 [email]" stays whole to copy or grep
        err.print(f"  {line}", markup=False, soft_wrap=True)
    err.print("Nothing was written.")
    sys.exit(2)


@contextmanager
def _input_errors() -> Iterator[None]:
    """Turn every kind of bad input into a listed message and exit status 2."""
    try:
        yield
    except RegistrationError as exc:
        _fail(summarise_issues(exc.issues, limit=20), f"{len(exc.issues)} problem(s) in the input:")
    except ConfigError as exc:
        _fail(str(exc).splitlines(), "The configuration has problems:")
    except (InfeasibleError, InfeasibleGroupsError) as exc:
        _fail(str(exc).splitlines(), "This plan is not possible:")
    except (ValueError, OSError) as exc:
        _fail(str(exc).splitlines(), "Cannot read the input:")


def _warn(issues: Sequence[Issue]) -> None:
    if issues:
        err.print(f"[yellow]{len(issues)} warning(s):[/]")
        for line in summarise_issues(issues):
            err.print(f"  {line}", markup=False)


def _read_roster(people: Path, columns: Path | None, *, show: bool = False) -> Roster:
    mapping = load_mapping(columns) if columns else None
    roster = read_people(people, mapping, label=str(people))
    if show and roster.columns is not None:
        _print_reading(roster.columns, str(people))
    _warn(roster.warnings)
    return roster


def _print_reading(reading: ColumnReading, file: str) -> None:
    """Each column and what it was read as, then how each live/async answer was read: what
    an organizer checks before trusting a plan made from their own form's export."""
    table = Table(title=f"How {file} was read", title_justify="left")
    for heading in ("Column", "Read as", "Why", "Sample answers"):
        table.add_column(heading, overflow="fold")
    for c in reading.columns:
        header = c.header or f"(column {c.index + 1}, no header)"
        table.add_row(header, TARGET_LABELS[c.target], c.why, " | ".join(c.samples))
    err.print(table)
    if reading.modes:
        modes = Table(title="Live or async answers", title_justify="left")
        for heading in ("Answer", "Read as", "How", "Rows"):
            modes.add_column(heading, overflow="fold")
        for m in reading.modes:
            style = "" if m.clear else "yellow"
            modes.add_row(m.answer or "(blank)", m.mode, m.how, str(len(m.lines)), style=style)
        err.print(modes)


def _load_config(path: Path | None, **overrides: Any) -> EventConfig:
    config = load_config(path) if path else EventConfig()
    given = {k: v for k, v in overrides.items() if v is not None}
    return config.replace(**given) if given else config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netweave")
def main() -> None:
    """Curate a networking event: one-on-one rounds, small groups, and why each pair meets."""


@main.command()
@click.argument("people", type=EXISTING_FILE)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for plan.json, Zoom CSVs and schedules (created).",
)
@click.option("-r", "--rounds", type=click.IntRange(min=1), help="Number of one-on-one rounds.")
@click.option("--group-size", help="Group sizes MIN-MAX for the last stage, e.g. 4-6 or 12-12.")
@click.option("--group-target", type=click.IntRange(min=2), help="Preferred group size.")
@click.option("--no-groups", is_flag=True, help="Only one-on-one rounds, no group stage.")
@click.option("--config", "config_path", type=EXISTING_FILE, help="Event config (TOML).")
@click.option("--history", type=EXISTING_FILE, help="CSV of a,b emails who met before.")
@click.option(
    "--affinity",
    "edges",
    type=EXISTING_FILE,
    help="Use these a,b,score pair scores instead of computing them.",
)
@click.option("--columns", type=EXISTING_FILE, help="TOML mapping your headers to ours.")
@click.option(
    "--async-matches",
    type=click.IntRange(min=0),
    help="Partners for each async person (default: as many as rounds).",
)
@click.option(
    "--odd",
    type=click.Choice(["trio", "host"]),
    help="With an odd number of people: one trio, or one person with the host.",
)
@click.option("--seed", type=int, help="Random seed: same input and seed, same plan.")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    help="At most this many seconds for the group search.",
)
@click.option("--xlsx", is_flag=True, help="Also write schedule.xlsx (slower for big events).")
@click.option(
    "--exact-up-to",
    type=click.IntRange(min=0),
    help="Solve the rounds exactly (and prove it) up to this many people; 0 = never.",
)
@click.option(
    "--exact-time-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="At most this many seconds for that proof.",
)
@click.option(
    "--group-iterations",
    type=click.IntRange(min=0),
    help="Group search effort: generations for 1,000 people, up to 3x for fewer.",
)
def plan(
    people: Path,
    outdir: Path,
    rounds: int | None,
    group_size: str | None,
    group_target: int | None,
    no_groups: bool,
    config_path: Path | None,
    history: Path | None,
    edges: Path | None,
    columns: Path | None,
    async_matches: int | None,
    odd: str | None,
    seed: int | None,
    time_limit: float | None,
    exact_up_to: int | None,
    exact_time_limit: float | None,
    group_iterations: int | None,
    xlsx: bool,
) -> None:
    """Plan one-on-one rounds and small groups for the registrations in PEOPLE (CSV or XLSX)."""
    started = time.perf_counter()
    with _input_errors():
        sizes = parse_group_size(group_size) if group_size else (None, None)
        config = _load_config(
            config_path,
            rounds=rounds,
            group_min=sizes[0],
            group_max=sizes[1],
            group_target=group_target,
            async_matches=async_matches,
            odd=odd,
            seed=seed,
            group_time_limit=time_limit,
            group_iterations=group_iterations,
            exact_up_to=exact_up_to,
            exact_time_limit=exact_time_limit,
        )
        roster = _read_roster(people, columns, show=True)
        met = read_history(history) if history else []
        given = affinity_from_edges([p.id for p in roster.people], edges) if edges else None
        _warn_unknown_pairs(roster, config.must_meet, "must_meet in the config")
        with _progress() as report:
            result = plan_event(
                PlanningInput(roster.people, met, given, groups=not no_groups), config, report
            )
    violations = check_plan(
        result,
        roster.people,
        apart_same_organization=config.apart_same_organization,
        history=met if config.history_mode == "exclude" else (),
        group_size=None
        if no_groups
        else (min(config.group_min, result.metrics["live"]), config.group_max),
    )
    if violations:  # a bug, never expected: say so loudly rather than write a broken plan
        _fail([str(v) for v in violations], "The plan breaks its own rules (please report):")
    written = write_plan_outputs(result, roster.people, outdir, xlsx=xlsx)
    for line in zoom_warnings(result):
        err.print(f"[yellow]Zoom:[/] {line}", markup=True)
    _print_summary(result, time.perf_counter() - started)
    out.print(f"Wrote {len(written)} files to [bold]{outdir}[/]")


def _warn_unknown_pairs(roster: Roster, pairs: Sequence[tuple[str, str]], where: str) -> None:
    known = {p.id for p in roster.people}
    unknown = sorted({x for pair in pairs for x in pair if x not in known})
    _warn(
        [
            Issue(
                f"{where} names {x}, who is not registered",
                level="warning",
                code="unknown-must-meet",
            )
            for x in unknown
        ]
    )


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None] | None]:
    if not err.is_terminal:
        yield _progress_lines()
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"Planning {stage}", total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def _progress_lines() -> Callable[[str, int, int], None]:
    """Progress as plain lines for a log (no terminal: no bar): each stage when it starts, at
    each quarter and when it ends, with the seconds since the plan started, so a long run
    shows where it is."""
    started = time.perf_counter()
    seen: dict[str, int] = {}  # stage -> quarters reported

    def report(stage: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        quarter = 4 * done // max(total, 1)  # a line per quarter: a log shows the pace
        if stage not in seen:
            seen[stage] = 0
            err.print(f"Planning {stage}... ({elapsed:.0f} s)", highlight=False)
        if done >= total:
            if seen[stage] < 4:  # once, though a stage may say so twice
                err.print(f"Planning {stage}: done ({elapsed:.0f} s)", highlight=False)
        elif quarter > seen[stage]:
            err.print(f"Planning {stage}: {done} of {total} ({elapsed:.0f} s)", highlight=False)
        seen[stage] = quarter

    return report


def _print_summary(p: Plan, seconds: float) -> None:
    m = p.metrics
    table = Table(title="netweave plan", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("People", f"{m['people']} ({m['live']} live, {m['async']} async)")
    table.add_row(
        "Rounds",
        f"{m['rounds']}: {m['meetings']} meetings, {m['trios']} trios"
        + (f", {m['host_meetings']} with the host" if m["host_meetings"] else ""),
    )
    table.add_row("Mutual requests met", f"{m['mutual_requests_met']} of {m['mutual_requests']}")
    table.add_row("One-way requests met", f"{m['one_way_requests_met']} of {m['one_way_requests']}")
    table.add_row("Unmatched", _unmatched_text(p))
    if m.get("sitting_out"):
        table.add_row("Sitting out", _sitting_out_text(m["sitting_out"]))
    for key, met, label in (
        ("seekers", "seekers_met_offerer", "Seekers met an offerer"),
        ("first_timers", "first_timers_met_veteran", "First-timers met a veteran"),
    ):
        if m.get(key):
            table.add_row(label, f"{m[met]} of {m[key]} (where one was free)")
    if "same_organization_pairs" in m:
        table.add_row("Same-organization pairs", str(m["same_organization_pairs"]))
    if m.get("requests_beyond_cap"):
        table.add_row("Requests beyond the cap", f"{m['requests_beyond_cap']} (spread)")
    table.add_row(
        "Worst-off share",
        f"{m['worst_off_share']:.0%} of their own best possible (median {m['median_share']:.0%})",
    )
    if p.groups:
        sizes = ", ".join(f"{n}×{size}" for size, n in m["group_sizes"].items())
        table.add_row("Groups", f"{m['groups']} ({sizes} people)")
    table.add_row(
        "Total score",
        f"{m['total_score']:.2f} = {m['quality_pct']:.2f} % of the"
        f" upper bound {m['upper_bound']:.2f}",
    )
    if m.get("optimality"):
        table.add_row("Optimality", _optimality_text(m))
    table.add_row("Time", f"{seconds:.2f} s")
    out.print(table)
    for unmet in m["unmet_requests"][:10]:
        out.print(
            f"  request not met: {unmet['asker']} → {unmet['asked']}: {unmet['why']}", markup=False
        )


def _optimality_text(m: Mapping[str, Any]) -> str:
    """The rounds' proof (small events), and whether it beat the heuristic's plan."""
    text = f"{m['optimality']} (integer program)"
    if m.get("exact_improved"):
        text += f"; better than the heuristic's {m['heuristic_total']:.2f}"
    return text


def _sitting_out_text(away: Mapping[str, list[str]], shown: int = 5) -> str:
    """Who is not there in which round (their ``available`` answer), a few names a round."""
    parts = []
    for number, ids in away.items():
        more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
        parts.append(f"round {number}: {', '.join(ids[:shown])}{more}")
    return "; ".join(parts)


def _unmatched_text(p: Plan) -> str:
    if not p.unmatched:
        return "nobody"
    shown = "; ".join(f"round {u.round}: {u.id} ({u.why})" for u in p.unmatched[:3])
    more = len(p.unmatched) - 3
    return shown + (f"; and {more} more (see plan.json)" if more > 0 else "")


def _unclear_modes(reading: ColumnReading) -> str:
    """The unclear live/async answers as commented-out [modes] lines, ready to uncomment."""
    unclear = [m for m in reading.modes if not m.clear and m.answer]
    if not unclear:
        return ""
    has_modes = bool(reading.mapping().modes)
    lines = ["", "# Unclear live/async answers, read as live: uncomment a line to read it as async"]
    lines += [] if has_modes else ["# [modes]"]
    lines += [f'# {json.dumps(m.answer, ensure_ascii=False)} = "async"' for m in unclear]
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("people", type=EXISTING_FILE)
@click.option("--columns", type=EXISTING_FILE, help="TOML mapping your headers to ours.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the reading as a column map (TOML) to edit and pass to --columns.",
)
def columns(people: Path, columns: Path | None, output: Path | None) -> None:
    """Show how each column of PEOPLE (CSV or XLSX) is read, and the live/async answers;
    with -o, write that reading as a column map to correct and pass to `plan --columns`.

    Problems with the header row (a required column not found, two columns for one field)
    are listed, and the map is written anyway: it is where they are fixed.
    """
    with _input_errors():
        mapping = load_mapping(columns) if columns else ColumnMapping({})
        table = read_table(people, str(people), mapping.columns)
        reading = read_columns(
            table.header, table.rows, mapping, file=str(people), line=table.header_line
        )
    _print_reading(reading, str(people))
    _warn([i for i in reading.issues if i.level != "error"])
    if errors := [i for i in reading.issues if i.level == "error"]:
        err.print(f"[bold red]{len(errors)} problem(s) with the columns:[/]")
        for line in summarise_issues(errors):
            err.print(f"  {line}", markup=False)
    if output is not None:
        tmp = output.with_name(output.name + ".partial")
        tmp.write_text(reading.mapping().to_toml() + _unclear_modes(reading), encoding="utf-8")
        tmp.replace(output)
        out.print(
            f"Wrote the column map to [bold]{output}[/]: edit it, then plan with --columns {output}"
        )
    if errors:
        sys.exit(2)


@main.command()
@click.argument("people", type=EXISTING_FILE)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the a,b,score table.",
)
@click.option("--config", "config_path", type=EXISTING_FILE, help="Event config (TOML).")
@click.option("--history", type=EXISTING_FILE, help="CSV of a,b emails who met before.")
@click.option("--columns", type=EXISTING_FILE, help="TOML mapping your headers to ours.")
def affinity(
    people: Path, output: Path, config_path: Path | None, history: Path | None, columns: Path | None
) -> None:
    """Write the pair scores of PEOPLE as a,b,score (positive, allowed pairs only)."""
    with _input_errors():
        config = _load_config(config_path)
        roster = _read_roster(people, columns)
        met = read_history(history) if history else []
        aff = affinity_for(roster.people, config, history=met)
    tmp = output.with_name(output.name + ".partial")
    write_edges(aff, tmp)
    tmp.replace(output)  # a reader never sees a half-written table
    out.print(f"Wrote pair scores for {aff.n} people to [bold]{output}[/]")


@main.command()
@click.argument("people", type=EXISTING_FILE)
@click.argument("plan_file", metavar="PLAN.json", type=EXISTING_FILE)
@click.option("--history", type=EXISTING_FILE, help="CSV of a,b emails who met before.")
@click.option("--group-size", default="4-6", show_default=True, help="Allowed group sizes.")
@click.option("--columns", type=EXISTING_FILE, help="TOML mapping your headers to ours.")
def check(
    people: Path, plan_file: Path, history: Path | None, group_size: str, columns: Path | None
) -> None:
    """List every rule PLAN.json breaks for the people in PEOPLE; exit 1 when there are any."""
    with _input_errors():
        roster = _read_roster(people, columns)
        met = read_history(history) if history else []
        result = _load_plan_file(plan_file)
        sizes = parse_group_size(group_size)
    violations = check_plan(result, roster.people, history=met, group_size=sizes)
    if not violations:
        out.print(f"[green]No violations[/] in {plan_file}.")
        return
    for v in violations:
        out.print(f"{plan_file}: {v}", markup=False)
    out.print(f"[red]{len(violations)} violation(s).[/]")
    sys.exit(1)


def _load_plan_file(path: Path) -> Plan:
    try:
        return load_plan(path)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: not a netweave plan.json ({exc})") from exc


@main.command("config")
def config_cmd() -> None:
    """Print the default event configuration as commented TOML (a starting point)."""
    from netweave.core.config import default_config_toml  # noqa: PLC0415 - loaded by the one command that uses it

    click.echo(default_config_toml(), nl=False)


@main.command()
@click.option("-n", "--people", "n", type=click.IntRange(min=2), default=60, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def example(n: int, seed: int, output: Path) -> None:
    """Write a synthetic community of N members (for trying netweave out)."""
    from netweave.synth import write_synthetic_csv  # noqa: PLC0415 - loaded by the one command that uses it

    write_synthetic_csv(output, n, seed)
    out.print(f"Wrote {n} synthetic members to [bold]{output}[/]")


def _add_web_commands() -> None:
    # the web commands import Django only when they run, so the core CLI stays fast
    from netweave.web.commands import demo, manage, send_due, serve, worker  # noqa: PLC0415 - loaded by the one command that uses it
    from netweave.web.commands_data import backup, purge, restore  # noqa: PLC0415 - loaded by the one command that uses it

    for command in (demo, serve, worker, manage, send_due, backup, restore, purge):
        main.add_command(command)


_add_web_commands()
