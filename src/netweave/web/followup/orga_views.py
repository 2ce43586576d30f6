"""Organizer actions of the follow-up: sending summaries.

Login required; another community's event is a 404 (see :mod:`netweave.web.orga.permissions`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from netweave.web.followup import domain
from netweave.web.orga.permissions import event_for


@login_required
@require_POST
def send_summaries(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    try:
        result = domain.send_summaries(event)
    except domain.FollowupError as exc:
        messages.error(request, str(exc))
    else:
        if result.queued:
            messages.success(
                request,
                f"Sending summaries to {result.queued} "
                f"{'person' if result.queued == 1 else 'people'}. "
                "See them in the outbox in a moment.",
            )
        else:
            messages.info(request, "Everyone who took part has their summary already.")
    return redirect("orga:event", event_pk=event.pk)
