"""The async section of a participant's own page, as a view model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from netweave.web.events.models import Registration
from netweave.web.intros.models import Digest, Intro
from netweave.web.intros.queries.deadlines import digest_due_at
from netweave.web.intros.queries.groups import group_of
from netweave.web.intros.queries.intros import intro_of
from netweave.web.intros.queries.meetings import partners_of
from netweave.web.intros.queries.participants import is_async_participant
from netweave.web.intros.queries.partners import Match, matches_of
from netweave.web.intros.queries.threads import PairThread, open_pair_threads
from netweave.web.intros.queries.timeline import Step, timeline_for
from netweave.web.matching.models import Group
from netweave.web.matching.queries.schedule import published_plan

__all__ = [
    "Panel",
    "panel_for",
]


@dataclass(frozen=True)
class Panel:
    """What the participant's own page shows about async participation."""

    registration: Registration
    is_async: bool
    intro: Intro | None
    asked_for_intro: bool
    matches: list[Match] = field(default_factory=list)
    #: partners whose intro the (live) participant watches and whose form they fill in
    async_partners: list[Registration] = field(default_factory=list)
    digest_due: dt.datetime | None = None
    digest_sent: bool = False
    group: Group | None = None
    #: what is still to come, in time order: the same list the emails give (one owner)
    timeline: list[Step] = field(default_factory=list)
    #: the person's conversations with partners (open once one of the two answered)
    threads: list[PairThread] = field(default_factory=list)


def panel_for(registration: Registration) -> Panel | None:
    """The async section of the participant's page, or None when there is nothing to say."""
    is_async = is_async_participant(registration)
    intro = intro_of(registration)
    asked = intro is not None and intro.requested_at is not None
    published = published_plan(registration.event) is not None
    partners = partners_of(registration) if published else []
    async_partners = [p for p in partners if is_async_participant(p)]
    if not (is_async or asked or async_partners):
        return None
    digest = Digest.objects.filter(registration=registration).first()
    event = registration.event
    # in a live event the schedule lists the partners; here only the forms owed matter
    matches = matches_of(registration) if event.fully_async and published else []
    return Panel(
        registration=registration,
        is_async=is_async,
        intro=intro,
        asked_for_intro=asked,
        matches=matches,
        async_partners=[] if is_async else async_partners,
        digest_due=digest_due_at(registration) if is_async and partners else None,
        digest_sent=bool(digest and digest.sent_at),
        group=group_of(registration) if (event.fully_async or is_async) else None,
        timeline=timeline_for(registration, matches=matches or None),
        threads=open_pair_threads(registration) if published else [],
    )
