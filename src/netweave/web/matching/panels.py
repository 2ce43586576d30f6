"""The "where you are needed" section of a staff host's page."""

from __future__ import annotations

from django.http import HttpRequest

from netweave.web.common.panels import Panel
from netweave.web.events.models import Registration
from netweave.web.matching.queries.hosts import host_schedule


def host_panel(request: HttpRequest, registration: Registration) -> Panel | None:
    if not registration.is_host:
        return None
    duties = host_schedule(registration)
    # first on the page: it is what a host comes for
    return Panel("matching/_host_panel.html", {"duties": duties}, order=10)
