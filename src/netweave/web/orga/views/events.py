"""Event set-up: create, edit, the overview page with its status buttons, and importing
registrations from a table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from netweave.web.community.forms import ImportForm
from netweave.web.events.domain import (
    create_event,
    manual_transitions,
    next_step,
    registration_counts,
    set_event_status,
    update_event,
)
from netweave.web.events.forms import EventForm
from netweave.web.events.permissions import event_for
from netweave.web.events.rooms import room_mode_label
from netweave.web.events.timeline import event_ends_at
from netweave.web.events.wishes import wish_counts
from netweave.web.orga.views.imports import confirm_step, mapping_step, upload_step
from netweave.web.orga.views.members import community_for


@login_required
def create(request: HttpRequest, community_pk: int) -> HttpResponse:
    community = community_for(request.user, community_pk)
    form = EventForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        event = create_event(community, **form.cleaned_data)
        messages.success(request, f"Created “{event.title}”. It is a draft until you open it.")
        return redirect("orga:event", event_pk=event.pk)
    return render(request, "orga/event_form.html", {"form": form, "community": community})


@login_required
def edit(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    form = EventForm(request.POST or None, instance=event, community=event.community)
    if request.method == "POST" and form.is_valid():
        update_event(event, **form.cleaned_data)
        messages.success(request, "Saved the event.")
        return redirect("orga:event", event_pk=event.pk)
    # the form changed the instance while validating; show the stored title in the header
    event.refresh_from_db()
    return render(
        request,
        "orga/event_form.html",
        {"form": form, "community": event.community, "event": event},
    )


@login_required
def overview(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    context = {
        "event": event,
        "community": event.community,
        "counts": registration_counts(event),
        "transitions": manual_transitions(event),
        "next_step": next_step(event),
        "room_mode": room_mode_label(event),
        "wishes": wish_counts(event),
        "ends_at": event_ends_at(event),
        "form": ImportForm(),
        "upload_url": reverse("orga:event_import", args=[event.pk]),
    }
    return render(request, "orga/event.html", context)


@login_required
@require_POST
def change_status(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    status = request.POST.get("status", "")
    # only the buttons on the overview; planning and publishing happen on the Plan tab
    if status not in {to for to, _ in manual_transitions(event)}:
        messages.error(request, "That change is not possible from this page right now.")
        return redirect("orga:event", event_pk=event.pk)
    try:
        set_event_status(event, status)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The event is now “{event.get_status_display()}”.")
    return redirect("orga:event", event_pk=event.pk)


@login_required
def import_upload(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    return upload_step(request, event.community, event)


@login_required
def import_mapping(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    return mapping_step(request, event.community, event)


@login_required
@require_POST
def import_confirm(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    return confirm_step(request, event.community, event)
