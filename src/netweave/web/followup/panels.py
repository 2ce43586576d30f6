"""The follow-up's section on the participant's page: after the event, links to the summary
and the feedback forms."""

from __future__ import annotations

from django.http import HttpRequest

from netweave.web.common.panels import Panel
from netweave.web.events.models import Registration
from netweave.web.followup.queries.held import event_is_over


def followup_panel(request: HttpRequest, registration: Registration) -> Panel | None:
    if not event_is_over(registration.event):
        return None
    # before the schedule: after the event, whom you met matters more than when
    return Panel("followup/_panel.html", {"registration": registration}, order=20)
