"""The "your data" section of a participant's page: links to download or delete it."""

from __future__ import annotations

from django.http import HttpRequest

from netweave.web.common.panels import Panel
from netweave.web.events.models import Registration


def privacy_panel(request: HttpRequest, registration: Registration) -> Panel:
    # last on the page: it matters, but it is not what people come for
    return Panel("privacy/_panel.html", {"registration": registration}, order=90)
