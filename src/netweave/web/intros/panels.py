"""The async section of a participant's own page (a portal panel)."""

from __future__ import annotations

from django.http import HttpRequest

from netweave.web.common.panels import Panel
from netweave.web.events.models import Registration
from netweave.web.intros.queries.panel import panel_for


def async_panel(request: HttpRequest, registration: Registration) -> Panel | None:
    """Intro, matches, forms owed and the digest; before the schedule (order 40), because
    for an async participant it is the thing to do."""
    info = panel_for(registration)
    if info is None:
        return None
    return Panel("intros/_panel.html", {"info": info}, order=40)
