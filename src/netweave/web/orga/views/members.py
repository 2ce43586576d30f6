"""The member directory of a community: search, edit, export, and import with a preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from netweave.core.issues import Issue, RegistrationError
from netweave.core.people import read_people
from netweave.web.community.domain import (
    ImportPreview,
    ImportRejectedError,
    community_tags,
    discard_upload,
    export_members,
    search_members,
    stash_upload,
    stashed_upload_path,
    update_member,
)
from netweave.web.community.forms import ImportForm, MemberForm, MemberSearchForm
from netweave.web.community.models import Community
from netweave.web.events.imports import import_roster, preview_roster
from netweave.web.events.models import Event
from netweave.web.events.permissions import communities_of, member_for

PAGE_SIZE = 50
#: preview rows shown on the page; the counts always cover the whole file
PREVIEW_ROWS = 300
#: errors listed on the page before "and N more"
SHOWN_ISSUES = 300
_SESSION_KEY = "netweave_imports"


def community_for(user: Any, pk: int) -> Community:
    """The community ``pk`` if ``user`` organizes it; 404 otherwise."""
    return get_object_or_404(communities_of(user), pk=pk)


@login_required
def directory(request: HttpRequest, community_pk: int) -> HttpResponse:
    community = community_for(request.user, community_pk)
    form = MemberSearchForm(request.GET or None, tags=community_tags(community))
    query = tag = ""
    if form.is_valid():
        query, tag = form.cleaned_data["q"], form.cleaned_data["tag"]
    page = Paginator(search_members(community, query, tag), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "community": community,
        "form": form,
        "page": page,
        "filtered": bool(query or tag),
        "query_string": _without_page(request),
    }
    # htmx live search swaps in just the results; without JavaScript the whole page reloads
    template = "orga/members_results.html" if _partial(request) else "orga/members.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore after a cache miss wants the page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def edit(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = member_for(request.user, member_pk)
    form = MemberForm(request.POST or None, instance=member, community=member.community)
    if request.method == "POST" and form.is_valid():
        update_member(member, **form.cleaned_data)
        messages.success(request, f"Saved {member.name}.")
        return redirect("orga:members", community_pk=member.community_id)
    return render(
        request,
        "orga/member_edit.html",
        {"form": form, "member": member, "community": member.community},
    )


@login_required
def export(request: HttpRequest, community_pk: int) -> StreamingHttpResponse:
    community = community_for(request.user, community_pk)
    response = StreamingHttpResponse(export_members(community), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{community.slug}-members.csv"'
    return response


# --------------------------------------------------------------------------- import
# The same two steps serve a community's members and an event's registrations: upload and
# preview, then confirm. Between them the file waits under MEDIA_ROOT/imports with a random
# name; the session remembers which file belongs to which page, so a confirm can only apply
# the file this organizer previewed.


@login_required
def import_upload(request: HttpRequest, community_pk: int) -> HttpResponse:
    return upload_step(request, community_for(request.user, community_pk))


@login_required
@require_POST
def import_confirm(request: HttpRequest, community_pk: int) -> HttpResponse:
    return confirm_step(request, community_for(request.user, community_pk))


def _scope(community: Community, event: Event | None) -> str:
    return f"event-{event.pk}" if event else f"community-{community.pk}"


def _urls(community: Community, event: Event | None) -> dict[str, str]:
    if event is not None:
        return {
            "upload_url": reverse("orga:event_import", args=[event.pk]),
            "confirm_url": reverse("orga:event_import_confirm", args=[event.pk]),
            "done_url": reverse("orga:registrations", args=[event.pk]),
        }
    return {
        "upload_url": reverse("orga:members_import", args=[community.pk]),
        "confirm_url": reverse("orga:members_import_confirm", args=[community.pk]),
        "done_url": reverse("orga:members", args=[community.pk]),
    }


def _pending(request: HttpRequest) -> dict[str, dict[str, str]]:
    return request.session.get(_SESSION_KEY, {})


def _remember(request: HttpRequest, scope: str, key: str, label: str) -> None:
    pending = _pending(request)
    if previous := pending.get(scope):
        discard_upload(previous["key"])
    pending[scope] = {"key": key, "label": label}
    request.session[_SESSION_KEY] = pending


def _forget(request: HttpRequest, scope: str) -> None:
    pending = _pending(request)
    if entry := pending.pop(scope, None):
        discard_upload(entry["key"])
        request.session[_SESSION_KEY] = pending


def upload_step(
    request: HttpRequest, community: Community, event: Event | None = None
) -> HttpResponse:
    """Show the upload form; on a valid upload, keep the file and show the preview."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"community": community, "event": event, "form": form, **_urls(community, event)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # the name is only ever shown (escaped) and used in messages, never as a path
        label = Path(upload.name or "upload").name[:120]
        key = stash_upload(upload)
        scope = _scope(community, event)
        _remember(request, scope, key, label)
        try:
            return _preview(request, context, scope, key, label)
        except BaseException:
            _forget(request, scope)  # a file that broke the preview is not kept for a confirm
            raise
    return render(request, "orga/members_import.html", context)


def _read(key: str, label: str) -> tuple[Any, list[Issue]]:
    path = stashed_upload_path(key)
    if path is None:
        return None, [Issue("the uploaded file is gone: please upload it again", label)]
    try:
        return read_people(path, label=label), []
    except RegistrationError as exc:
        return None, exc.issues


def _preview(
    request: HttpRequest, context: dict[str, Any], scope: str, key: str, label: str
) -> HttpResponse:
    roster, errors = _read(key, label)
    preview = None
    if roster is not None:
        preview = preview_roster(context["community"], roster, event=context["event"], label=label)
        errors = list(preview.errors)
    return _show(request, context, scope, label, preview, errors)


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
    """Apply the previewed file, all or nothing, and go back to the list."""
    urls = _urls(community, event)
    scope = _scope(community, event)
    entry = _pending(request).get(scope)
    if entry is None:
        messages.error(request, "There is no previewed file to import: please upload it again.")
        return redirect(urls["upload_url"])
    roster, errors = _read(entry["key"], entry["label"])
    if roster is not None:
        try:
            result = import_roster(community, roster, event=event)
        except ImportRejectedError as exc:
            errors = exc.issues
    if errors:
        context = {"community": community, "event": event, "form": ImportForm(), **urls}
        return _show(request, context, scope, entry["label"], None, errors)
    _forget(request, scope)
    messages.success(request, f"Imported {entry['label']}: {result}.")
    return redirect(urls["done_url"])
