"""Sending everyone their schedule: the preview of one participant's email, how many would
get one (first time, or an update because their schedule changed), and the one button.

The view checks access, shows what :mod:`netweave.web.matching.queries.recipients` answers
and calls :func:`netweave.web.matching.domain.sending.send_schedules`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from netweave.web.events.models import Registration
from netweave.web.events.permissions import event_for
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.sending import preview_schedule_email, send_schedules
from netweave.web.matching.queries.recipients import SCHEDULE_KIND, schedule_recipients


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    if request.method == "POST":
        number = request.POST.get("version", "")
        try:
            count = send_schedules(event, number=int(number) if number.isdigit() else 0)
        except PlanError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Sending {count} email{'s' if count != 1 else ''}. The outbox shows each "
                "one as it goes (queued, sent or failed).",
            )
        return redirect("orga:plan_send", event_pk=event.pk)
    recipients = schedule_recipients(event)
    sample: Registration | None = None
    if recipients is not None:
        sample = next(iter(recipients.everyone), None) or (
            Registration.objects.filter(event=event).select_related("member", "event").first()
        )
    update = recipients is not None and sample in recipients.updates
    context = {
        "event": event,
        "recipients": recipients,
        "preview": preview_schedule_email(sample, update=update) if sample else None,
        "kind": SCHEDULE_KIND,
    }
    return render(request, "orga/plan_send.html", context)
