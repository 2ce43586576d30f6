"""The member directory of a community: search, edit, export, and import (the steps are in
imports.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from netweave.web.community.domain import (
    community_tags,
    export_members,
    search_members,
    update_member,
)
from netweave.web.community.forms import MemberForm, MemberSearchForm
from netweave.web.community.models import Community
from netweave.web.events.permissions import communities_of, member_for
from netweave.web.orga.views.imports import confirm_step, mapping_step, upload_step

PAGE_SIZE = 50


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
# the steps themselves are in imports.py: they serve an event's registrations too


@login_required
def import_upload(request: HttpRequest, community_pk: int) -> HttpResponse:
    return upload_step(request, community_for(request.user, community_pk))


@login_required
def import_mapping(request: HttpRequest, community_pk: int) -> HttpResponse:
    return mapping_step(request, community_for(request.user, community_pk))


@login_required
@require_POST
def import_confirm(request: HttpRequest, community_pk: int) -> HttpResponse:
    return confirm_step(request, community_for(request.user, community_pk))
