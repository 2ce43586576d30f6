"""Extension point: other apps add sections ("panels") to a participant's page.

An app registers a function in its ``AppConfig.ready`` (or at import of its ``panels``
module); the portal calls each one with the registration and shows what comes back. This
keeps the portal from importing every app that has something to say to a participant.

>>> @register_panel
... def hello(request, registration):
...     return Panel("myapp/_hello.html", {"name": registration.member.name}, order=10)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

__all__ = ["Panel", "panels_for", "register_panel"]

#: an ``events.Registration``; this module sits below the events app and may not import it
Registration = Any


@dataclass(frozen=True)
class Panel:
    #: template included with ``panel`` (this object) and the page's context
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    #: lower comes first; the schedule sits at 50
    order: int = 50


PanelSource = Callable[[HttpRequest, Registration], Panel | None]
_sources: list[PanelSource] = []


def register_panel(source: PanelSource) -> PanelSource:
    if source not in _sources:
        _sources.append(source)
    return source


def panels_for(request: HttpRequest, registration: Registration) -> tuple[list[Panel], list[Panel]]:
    """The panels to show before the schedule (order < 50) and after it (order >= 50)."""
    panels = sorted(
        (p for p in (source(request, registration) for source in _sources) if p is not None),
        key=lambda p: p.order,
    )
    return [p for p in panels if p.order < 50], [p for p in panels if p.order >= 50]
