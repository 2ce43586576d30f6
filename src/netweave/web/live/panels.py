"""The live page's link on the participant's own page, while the event is live."""

from __future__ import annotations

from django.http import HttpRequest

from netweave.web.common.panels import Panel
from netweave.web.events.models import Event, Registration


def live_panel(request: HttpRequest, registration: Registration) -> Panel | None:
    """First on the page while the event runs: on the day, that is what people came for."""
    event = registration.event
    if event.status != Event.Status.LIVE or event.fully_async:
        return None
    return Panel("live/_panel.html", {"token": registration.token}, order=5)
