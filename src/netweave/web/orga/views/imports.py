"""Importing a table into a community or an event, in three steps the organizer sees:
upload, how every column is read (changeable), then a preview to confirm.

The same steps serve a community's members and an event's registrations. Between them the
file waits under MEDIA_ROOT/imports with a random name (size-capped by the upload form,
thrown away after the import, on a new upload, or a day later); the session remembers which
file belongs to which page and the mapping the organizer confirmed, so a confirm applies
only the file this organizer mapped and previewed, read again from the server's copy.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from netweave.core.columns import REQUIRED, TARGET_LABELS, ColumnMapping
from netweave.core.issues import Issue, RegistrationError
from netweave.core.people import Roster, apply_mapping
from netweave.core.reading import ColumnReading, read_columns
from netweave.core.tables import Table, read_table
from netweave.web.community.domain import (
    ImportPreview,
    ImportRejectedError,
    discard_upload,
    remember_mapping,
    remembered_mapping,
    stash_upload,
    stashed_upload_path,
)
from netweave.web.community.forms import ColumnMappingForm, ImportForm
from netweave.web.community.models import Community
from netweave.web.events.imports import import_roster, preview_roster
from netweave.web.events.models import Event

__all__ = ["confirm_step", "mapping_step", "upload_step"]

#: preview rows shown on the page; the counts always cover the whole file
PREVIEW_ROWS = 300
#: errors listed on the page before "and N more"
SHOWN_ISSUES = 300
_SESSION_KEY = "netweave_imports"


def _scope(community: Community, event: Event | None) -> str:
    return f"event-{event.pk}" if event else f"community-{community.pk}"


def _urls(community: Community, event: Event | None) -> dict[str, str]:
    if event is not None:
        return {
            "upload_url": reverse("orga:event_import", args=[event.pk]),
            "mapping_url": reverse("orga:event_import_mapping", args=[event.pk]),
            "confirm_url": reverse("orga:event_import_confirm", args=[event.pk]),
            "done_url": reverse("orga:registrations", args=[event.pk]),
        }
    return {
        "upload_url": reverse("orga:members_import", args=[community.pk]),
        "mapping_url": reverse("orga:members_import_mapping", args=[community.pk]),
        "confirm_url": reverse("orga:members_import_confirm", args=[community.pk]),
        "done_url": reverse("orga:members", args=[community.pk]),
    }


# --------------------------------------------------------------------------- the session


def _pending(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return request.session.get(_SESSION_KEY, {})


def _remember(request: HttpRequest, scope: str, entry: dict[str, Any]) -> None:
    pending = _pending(request)
    if (previous := pending.get(scope)) and previous["key"] != entry["key"]:
        discard_upload(previous["key"])
    pending[scope] = entry
    request.session[_SESSION_KEY] = pending


def _forget(request: HttpRequest, scope: str) -> None:
    pending = _pending(request)
    if entry := pending.pop(scope, None):
        discard_upload(entry["key"])
        request.session[_SESSION_KEY] = pending


# --------------------------------------------------------------------------- reading


def _table(entry: dict[str, Any]) -> tuple[Table | None, list[Issue]]:
    """The stored file as a table, or why it cannot be read."""
    label = entry["label"]
    path = stashed_upload_path(entry["key"])
    if path is None:
        return None, [Issue("the uploaded file is gone: please upload it again", label)]
    try:
        return read_table(path, label), []
    except RegistrationError as exc:
        return None, exc.issues


def _apply(table: Table, mapping: ColumnMapping) -> tuple[Roster | None, list[Issue]]:
    try:
        return apply_mapping(table, mapping), []
    except RegistrationError as exc:
        return None, exc.issues


def _reading(table: Table, mapping: ColumnMapping) -> ColumnReading:
    return read_columns(table.header, table.rows, mapping, file=table.file, line=table.header_line)


def _worded(issues: list[Issue], reading: ColumnReading, mapping: ColumnMapping) -> list[Issue]:
    """The header-row problems in the words of this page (the core's name ``--columns``);
    the rows' problems as they are, with their line and column."""
    layout = reading.layout()
    worded = [
        Issue(
            f"No column is read as {TARGET_LABELS[name]}: pick it in the select of the column "
            f"that holds it, or add such a column to the file.",
            _file_of(issues),
            code="missing-column",
        )
        for name in REQUIRED
        if not layout.has(name)  # a name in two parts (first, last) is a name
    ]
    for issue in issues:
        if issue.code == "missing-column":
            continue
        if issue.code == "duplicate-column" and issue.column:
            target = mapping.columns.get(issue.column, "")
            rivals = [h for h, t in mapping.columns.items() if t == target and h != issue.column]
            both = f"“{issue.column}” and “{rivals[0]}” are" if rivals else f"“{issue.column}” is"
            what = TARGET_LABELS.get(target, "a field another column holds too")
            issue = Issue(
                f"{both} both read as {what}: read one of them as “kept as profile text” or "
                "“not kept”.",
                issue.file,
                issue.line,
                issue.column,
                code=issue.code,
            )
        worded.append(issue)
    return worded


def _file_of(issues: list[Issue]) -> str:
    return next((i.file for i in issues if i.file), "")


# --------------------------------------------------------------------------- step 1: upload


def upload_step(
    request: HttpRequest, community: Community, event: Event | None = None
) -> HttpResponse:
    """Show the upload form; on a valid upload, keep the file and show how it is read."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = _context(community, event, form)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # the name is only ever shown (escaped) and used in messages, never as a path
        label = Path(upload.name or "upload").name[:120]
        entry = {"key": stash_upload(upload), "label": label}
        scope = _scope(community, event)
        _remember(request, scope, entry)
        try:
            return _mapping_page(request, context, scope, entry)
        except BaseException:
            _forget(request, scope)  # a file that broke the page is not kept for a confirm
            raise
    return render(request, "orga/members_import.html", context)


def _context(community: Community, event: Event | None, form: ImportForm) -> dict[str, Any]:
    return {"community": community, "event": event, "form": form, **_urls(community, event)}


# --------------------------------------------------------------------------- step 2: mapping


def mapping_step(
    request: HttpRequest, community: Community, event: Event | None = None
) -> HttpResponse:
    """How each column is read, with a select to change it; a valid change shows the preview."""
    scope = _scope(community, event)
    entry = _pending(request).get(scope)
    if entry is None:
        messages.error(request, "There is no uploaded file to read: please upload it again.")
        return redirect(_urls(community, event)["upload_url"])
    context = _context(community, event, ImportForm())
    if request.method != "POST":
        return _mapping_page(request, context, scope, entry)
    table, errors = _table(entry)
    if table is None:
        return _show(request, context, scope, entry["label"], None, errors)
    start = _start(community, table, entry)
    # whatever was previewed before is void now: only the preview of this post may be imported
    _remember(request, scope, {"key": entry["key"], "label": entry["label"]})
    form = ColumnMappingForm(request.POST, reading=_reading(table, start))
    if not form.is_valid():
        return _render_mapping(request, context, entry, form, [], status=422)
    mapping = form.mapping()
    reading = _reading(table, mapping)
    again = ColumnMappingForm(reading=reading, chosen=form.chosen())
    if request.POST.get("action") == "reread":
        return _render_mapping(request, context, entry, again, [])
    preview, errors = _try(community, event, table, mapping, entry["label"])
    if errors:
        worded = _worded(errors, reading, mapping)
        return _render_mapping(request, context, entry, again, worded, 422)
    _remember(request, scope, {**entry, "mapping": mapping.to_dict()})
    return _show(request, context, scope, entry["label"], preview, [])


def _try(
    community: Community, event: Event | None, table: Table, mapping: ColumnMapping, label: str
) -> tuple[ImportPreview | None, list[Issue]]:
    """The preview of ``table`` read with ``mapping``, or the problems that stop it."""
    roster, errors = _apply(table, mapping)
    if roster is None:
        return None, errors
    preview = preview_roster(community, roster, event=event, label=label)
    warnings = tuple(_web_warning(w) for w in preview.warnings)
    return replace(preview, warnings=warnings), list(preview.errors)


def _web_warning(issue: Issue) -> Issue:
    """An unclear mode answer: say where on these pages to settle it (the core names the
    command line's column map)."""
    if issue.code != "unclear-mode":
        return issue
    first = issue.message.split("; say how", 1)[0]
    where = "pick live or async for it under “Change how the columns are read”"
    message = f"{first}; to read it otherwise, {where}"
    return replace(issue, message=message)


def _start(community: Community, table: Table, entry: dict[str, Any]) -> ColumnMapping:
    """The mapping to start from: the one confirmed for this file, else the community's
    remembered one for the headers this file shares with it."""
    if "mapping" in entry:
        try:
            return ColumnMapping.from_dict(entry["mapping"])
        except (AttributeError, TypeError, RegistrationError):
            pass  # re-validated, not trusted: a bad stored mapping is guessed afresh
    return remembered_mapping(community, table.header)


def _mapping_page(
    request: HttpRequest, context: dict[str, Any], scope: str, entry: dict[str, Any]
) -> HttpResponse:
    table, errors = _table(entry)
    if table is None:
        return _show(request, context, scope, entry["label"], None, errors)
    start = _start(context["community"], table, entry)
    reading = _reading(table, start)
    # the file's problems under this reading, shown now: most are fixed by a select
    _, errors = _try(context["community"], context["event"], table, start, entry["label"])
    form = ColumnMappingForm(reading=reading)
    status = 422 if errors else 200
    worded = _worded(errors, reading, start)
    chosen = "mapping" in entry
    return _render_mapping(request, context, entry, form, worded, status, chosen=chosen)


def _render_mapping(
    request: HttpRequest,
    context: dict[str, Any],
    entry: dict[str, Any],
    form: ColumnMappingForm,
    errors: list[Issue],
    status: int = 200,
    *,
    chosen: bool = True,
) -> HttpResponse:
    # what decided a mapped column: this organizer's choice, or the community's last import
    context |= {
        "label": entry["label"],
        "mapping_form": form,
        "mapped_why": "as you chose" if chosen else "as in your last import",
        "errors": errors[:SHOWN_ISSUES],
        "hidden_errors": max(0, len(errors) - SHOWN_ISSUES),
        "error_count": len(errors),
    }
    return render(request, "orga/import_mapping.html", context, status=status)


# --------------------------------------------------------------------------- step 3: preview


def _show(
    request: HttpRequest,
    context: dict[str, Any],
    scope: str,
    label: str,
    preview: ImportPreview | None,
    errors: list[Issue],
) -> HttpResponse:
    if errors:
        _forget(request, scope)  # nothing to confirm: don't keep the file
        preview = None
    context |= {
        "label": label,
        "preview": preview,
        "rows": preview.rows[:PREVIEW_ROWS] if preview else (),
        "hidden_rows": max(0, len(preview.rows) - PREVIEW_ROWS) if preview else 0,
        "errors": errors[:SHOWN_ISSUES],
        "hidden_errors": max(0, len(errors) - SHOWN_ISSUES),
        "error_count": len(errors),
    }
    # 422 tells htmx and tests alike that the file was refused
    status = 422 if errors else 200
    return render(request, "orga/members_import_preview.html", context, status=status)


def confirm_step(
    request: HttpRequest, community: Community, event: Event | None = None
) -> HttpResponse:
    """Apply the mapped and previewed file, all or nothing, remember how its columns were
    read, and go back to the list."""
    urls = _urls(community, event)
    scope = _scope(community, event)
    entry = _pending(request).get(scope)
    if entry is None:
        messages.error(request, "There is no previewed file to import: please upload it again.")
        return redirect(urls["upload_url"])
    try:
        # re-validated like any column map: the session holds it, but the rule is the core's
        mapping = ColumnMapping.from_dict(entry["mapping"])
    except (KeyError, TypeError, AttributeError, RegistrationError):
        messages.error(request, "Check how the columns are read, then preview the import.")
        return redirect(urls["mapping_url"])
    table, errors = _table(entry)
    roster = None
    if table is not None:
        roster, errors = _apply(table, mapping)
    if roster is not None:
        try:
            result = import_roster(community, roster, event=event)
        except ImportRejectedError as exc:
            errors = exc.issues
    if errors:
        context = _context(community, event, ImportForm())
        return _show(request, context, scope, entry["label"], None, errors)
    remember_mapping(community, mapping)
    _forget(request, scope)
    messages.success(request, f"Imported {entry['label']}: {result}.")
    return redirect(urls["done_url"])
