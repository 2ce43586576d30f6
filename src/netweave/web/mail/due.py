"""Work that becomes due at a time: digests, reminders. ``netweave send-due`` runs it all.

Apps register a sender in their ``AppConfig.ready``. A sender gets the current time, sends
what is due, and returns how many messages it sent. Senders must be idempotent (mark what they
sent inside the same transaction, under a row lock): cron may run the command twice at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

__all__ = ["register_due", "send_due"]

DueSender = Callable[[dt.datetime], int]
_senders: dict[str, DueSender] = {}


def register_due(name: str, sender: DueSender) -> None:
    _senders[name] = sender


def send_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every registered sender; how many messages each sent."""
    moment = now or timezone.now()
    return {name: sender(moment) for name, sender in sorted(_senders.items())}
