"""The one way to turn a stored time-zone name into a zone.

Names come from people (a registration form, an import, an event's settings) and from other
machines' zone databases, so an unknown name must never break a page or an email: it reads
as UTC, and the page shows which zone it used.
"""

from __future__ import annotations

import zoneinfo

__all__ = ["zone"]


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name``, or UTC for a name this machine does not know.

    >>> zone("Europe/Rome").key, zone("Mars/Olympus").key, zone("").key
    ('Europe/Rome', 'UTC', 'UTC')
    """
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
