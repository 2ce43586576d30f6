"""Extension point: the tabs of an event's organizer pages.

Each app adds its tab in its ``AppConfig.ready``:
``register_event_tab(EventTab("Live", "orga:live", prefixes=("live",), order=40))``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EventTab", "event_tabs", "register_event_tab"]


@dataclass(frozen=True)
class EventTab:
    label: str
    #: URL name taking ``event_pk``
    url_name: str
    #: the tab is current when the page's URL name is one of these or starts with one + "_"
    prefixes: tuple[str, ...] = ()
    order: int = 50
    #: only for events with a live session: hidden for a fully asynchronous event
    live_only: bool = False

    def is_current(self, url_name: str) -> bool:
        return any(url_name == p or url_name.startswith(p + "_") for p in self.prefixes)


_tabs: list[EventTab] = [
    EventTab("Overview", "orga:event", ("event",), order=10),
    EventTab("Registrations", "orga:registrations", ("registrations", "registration"), 20),
    EventTab("Plan", "orga:plan", ("plan", "export", "runsheet"), order=30),
]


def register_event_tab(tab: EventTab) -> None:
    if all(t.url_name != tab.url_name for t in _tabs):
        _tabs.append(tab)


def event_tabs(fully_async: bool = False) -> list[EventTab]:
    """The tabs in order; without the live-only ones for a fully asynchronous event."""
    shown = [t for t in _tabs if not (fully_async and t.live_only)]
    return sorted(shown, key=lambda t: t.order)
