"""The organizer's home: their communities and each one's events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from netweave.web.events.domain import next_step, with_registration_counts
from netweave.web.events.models import Event
from netweave.web.events.permissions import communities_of


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # two queries however many events: counts are annotated, events prefetched
    events = with_registration_counts(Event.objects.order_by("-starts_at", "pk"))
    communities = list(
        communities_of(request.user).prefetch_related(Prefetch("events", queryset=events))
    )
    for community in communities:
        for event in community.events.all():
            event.next_step = next_step(event)
    return render(request, "orga/dashboard.html", {"communities": communities})
