"""Async partners who really have something to watch.

A live person paired with an async person spends the round watching that person's intro;
when the intro does not exist, they watch nothing. The intros app owns intros and sits
above this app, so it tells this app who has none: it registers its reader with
:func:`register_missing_intros` in its ``ready()``. The live re-plan leaves those people out
(:mod:`.replan`), and a round starting re-plans itself first when :func:`intro_gaps` finds an
async partner whose intro vanished since the round was planned (:mod:`.state`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from netweave.core.plan import Meeting as CoreMeeting
from netweave.web.events.models import Event
from netweave.web.live.domain.roster import Roster

__all__ = [
    "MissingIntros",
    "intro_gaps",
    "missing_intros",
    "register_missing_intros",
]

#: reads the registration pks of an event's async people who have no intro to watch
MissingIntros = Callable[[Event], frozenset[int]]

_source: list[MissingIntros] = []


def register_missing_intros(source: MissingIntros) -> None:
    """Make ``source`` the reader of which async people have no intro (the intros app's
    :func:`netweave.web.intros.queries.intros.async_without_intro`). Registering again
    replaces it."""
    _source[:] = [source]


def missing_intros(event: Event) -> frozenset[int]:
    """Registration pks of ``event``'s async people without an intro to watch (none when no
    reader is registered: then every async person counts as having one)."""
    return _source[0](event) if _source else frozenset()


def intro_gaps(meetings: Sequence[CoreMeeting], roster: Roster, missing: frozenset[int]) -> bool:
    """Whether any of ``meetings`` (a round as it stands) pairs someone with an async
    person in ``missing``."""
    return any(roster.pk.get(p) in missing for m in meetings for p in m.members)
