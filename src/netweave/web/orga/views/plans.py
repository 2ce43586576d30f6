"""Curation board (placeholder route so other pages can link to it; replaced by its owner)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from netweave.web.orga.permissions import event_for


@login_required
def board(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    return HttpResponse(f"Plan for {event.title}")
