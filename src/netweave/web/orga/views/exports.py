"""Downloads of a plan: Zoom CSVs, the schedule as CSV and XLSX, and the host's run sheet.

Every file is one of the core's :class:`~netweave.core.exports.Table` shapes written by the
core's own writers (the idea of pretix's ``ListExporter``), so the web app and the command
line produce byte-for-byte the same files. The version is ``?version=N`` when given, else the
published one, else the newest finished one.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from netweave.core.exports import (
    SCHEDULE_HEADER,
    Table,
    schedule_table,
    write_csv,
    write_xlsx,
    zoom_groups_table,
    zoom_round_table,
    zoom_warnings,
)
from netweave.web.events.models import Event
from netweave.web.events.permissions import event_for
from netweave.web.matching import domain, queries
from netweave.web.matching.models import PlanVersion

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chosen(request: HttpRequest, event: Event) -> PlanVersion:
    number = request.GET.get("version", "")
    found = queries.version_for_export(event, int(number) if number.isdigit() else None)
    if found is None:
        raise Http404("This event has no finished plan to export yet.")
    return found


def _written(write: Callable[[Path], object], name: str) -> bytes:
    # The core's writers write files (atomically); a scratch folder lets us reuse them as is.
    with tempfile.TemporaryDirectory(prefix="netweave-export-") as tmp:
        path = Path(tmp) / name
        write(path)
        return path.read_bytes()


def _csv(table: Table) -> bytes:
    return _written(lambda path: write_csv(table, path), f"{table.name}.csv")


def _filename(event: Event, version: PlanVersion, what: str, ext: str) -> str:
    # slugify keeps a title like "Forum: 2025/26" from breaking the header or the path
    return f"{slugify(event.slug) or 'event'}-v{version.number}-{what}.{ext}"


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _zoom_zip(version: PlanVersion) -> bytes:
    plan = domain.plan_from_version(version)
    tables = [zoom_round_table(plan, n) for n in version.round_numbers]
    if plan.groups:
        tables.append(zoom_groups_table(plan))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", _csv(table))
        archive.writestr("README.txt", "\n\n".join(zoom_warnings(plan)) + "\n")
    return buffer.getvalue()


@login_required
@require_GET
def zoom(request: HttpRequest, event_pk: int) -> HttpResponse:
    """A zip with one Zoom pre-assignment CSV per round (round-1.csv, ...) and groups.csv."""
    event = event_for(request.user, event_pk)
    version = _chosen(request, event)
    name = _filename(event, version, "zoom", "zip")
    return _attachment(_zoom_zip(version), name, "application/zip")


@login_required
@require_GET
def groups(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Zoom's pre-assignment CSV for the small groups."""
    event = event_for(request.user, event_pk)
    version = _chosen(request, event)
    table = zoom_groups_table(domain.plan_from_version(version))
    return _attachment(_csv(table), _filename(event, version, "groups", "csv"), CSV)


def _schedule(version: PlanVersion) -> Table:
    plan = domain.plan_from_version(version)
    return schedule_table(plan, domain.event_people(version.event))


@login_required
@require_GET
def schedule_csv(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Who meets whom, where and why: a row per person per round, then the groups."""
    event = event_for(request.user, event_pk)
    version = _chosen(request, event)
    content = _csv(_schedule(version))
    return _attachment(content, _filename(event, version, "schedule", "csv"), CSV)


@login_required
@require_GET
def schedule_xlsx(request: HttpRequest, event_pk: int) -> HttpResponse:
    """The schedule as a workbook: a sheet for the rounds and one for the groups."""
    event = event_for(request.user, event_pk)
    version = _chosen(request, event)
    table = _schedule(version)
    sheets = [Table("rounds", SCHEDULE_HEADER, tuple(r for r in table.rows if r[0] != "groups"))]
    group_rows = tuple(r for r in table.rows if r[0] == "groups")
    if group_rows:
        sheets.append(Table("groups", SCHEDULE_HEADER, group_rows))
    content = _written(lambda path: write_xlsx(sheets, path), "schedule.xlsx")
    return _attachment(content, _filename(event, version, "schedule", "xlsx"), XLSX)


@login_required
@require_GET
def runsheet(request: HttpRequest, event_pk: int) -> HttpResponse:
    """A printable page for the host: each round's times, rooms, names and what to say."""
    event = event_for(request.user, event_pk)
    version = _chosen(request, event)
    context = {"event": event, "version": version, "sheet": queries.run_sheet(version)}
    return render(request, "orga/runsheet.html", context)
