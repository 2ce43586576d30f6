"""The organizers' tables of async participation: each digest recipient (due, sent, answered,
followed up) and each partner form owed (filled, nudged, still open). Bulk reads, a fixed
number of queries per table."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.events.timeline import round_starts_at
from netweave.web.intros.models import Answers, Digest, FollowUp, Intro, Nudge
from netweave.web.intros.queries.deadlines import digest_due_at, window_closes_at
from netweave.web.intros.queries.meetings import meetings_of_event
from netweave.web.intros.queries.participants import digest_recipients
from netweave.web.intros.queries.settings import intro_settings
from netweave.web.live.queries.met import event_meetings

__all__ = [
    "DigestStatus",
    "FormStatus",
    "digest_statuses",
    "follow_up_rate",
    "form_statuses",
]


@dataclass(frozen=True)
class DigestStatus:
    """One digest recipient, for the organizers."""

    registration: Registration
    due_at: dt.datetime
    sent_at: dt.datetime | None
    error: str
    partners: int
    answered: int
    followed_up: int
    has_intro: bool


def digest_statuses(event: Event) -> list[DigestStatus]:
    """Every digest recipient: when their digest is due, whether it went out, how many
    partners answered and how many they followed up with."""
    partners, limits = meetings_of_event(event), intro_settings(event)
    digests = {d.registration_id: d for d in Digest.objects.filter(registration__event=event)}
    answered = defaultdict(set)
    for subject, author, filled in _answer_rows(event):
        if filled:
            answered[subject].add(author)
    followed = defaultdict(int)
    for owner in FollowUp.objects.filter(owner__event=event).values_list("owner_id", flat=True):
        followed[owner] += 1
    intros = {
        i.registration_id for i in Intro.objects.filter(registration__event=event) if i.has_content
    }
    out = []
    for registration in digest_recipients(event):
        digest = digests.get(registration.pk)
        mine = set(partners.get(registration.pk, []))
        out.append(
            DigestStatus(
                registration=registration,
                due_at=digest_due_at(registration, limits),
                sent_at=digest.sent_at if digest else None,
                error=digest.error if digest else "",
                partners=len(mine),
                answered=len(answered[registration.pk] & mine),
                followed_up=followed[registration.pk],
                has_intro=registration.pk in intros,
            )
        )
    return out


def _answer_rows(event: Event) -> list[tuple[int, int, bool]]:
    return [
        (a.subject_id, a.author_id, a.is_filled)
        for a in Answers.objects.filter(subject__event=event)
    ]


def follow_up_rate(statuses: Sequence[DigestStatus]) -> float | None:
    """Share of partners followed up with, over the digests that went out (None: none yet)."""
    sent = [s for s in statuses if s.sent_at is not None and s.partners]
    total = sum(s.partners for s in sent)
    return sum(min(s.followed_up, s.partners) for s in sent) / total if total else None


@dataclass(frozen=True)
class FormStatus:
    """One partner form an author owes a subject, for the organizers."""

    author: Registration
    subject: Registration
    filled: bool
    nudged_at: dt.datetime | None
    #: the form can still change (no digest out yet, and within the window)
    open: bool
    #: from when it is due: the round in which the two meet starts (a live event), the
    #: window opens (a fully async one); nobody is reminded of a form before
    due_from: dt.datetime | None = None

    def is_due(self, now: dt.datetime) -> bool:
        return self.due_from is None or now >= self.due_from


def _due_from(event: Event) -> dict[tuple[int, int], dt.datetime]:
    """``(subject, author)`` -> when their form becomes due: the start of the first round
    they meet in (every round's start in a fully async event is the window's opening)."""
    out: dict[tuple[int, int], dt.datetime] = {}
    for number, meetings in sorted(event_meetings(event).items()):
        when = event.starts_at if event.fully_async else round_starts_at(event, number)
        for members in meetings:
            for a in members:
                for b in members:
                    if a != b:
                        out.setdefault((a, b), when)
    return out


def _closed_subjects(
    event: Event, recipients: Iterable[Registration], now: dt.datetime
) -> set[int]:
    """Recipients whose forms can no longer change: digest sent or answer window closed."""
    sent = Digest.objects.filter(registration__event=event, sent_at__isnull=False)
    closed = set(sent.values_list("registration_id", flat=True))
    if event.fully_async:
        limits = intro_settings(event)
        closed |= {r.pk for r in recipients if window_closes_at(r, limits) <= now}
    return closed


def form_statuses(event: Event, now: dt.datetime | None = None) -> list[FormStatus]:
    """Every form owed: each partner of each digest recipient, filled or not."""
    partners = meetings_of_event(event)
    recipients = {r.pk: r for r in digest_recipients(event)}
    closed = _closed_subjects(event, recipients.values(), now or timezone.now())
    pks = set(recipients) | {p for pk in recipients for p in partners.get(pk, [])}
    people = {
        r.pk: r for r in Registration.objects.filter(pk__in=pks).select_related("member", "event")
    }
    filled = {(s, a) for s, a, ok in _answer_rows(event) if ok}
    nudged: dict[tuple[int, int], dt.datetime] = {}
    for n in Nudge.objects.filter(subject__event=event).order_by("sent_at"):
        nudged[n.subject_id, n.author_id] = n.sent_at
    due = _due_from(event)
    return [
        FormStatus(
            people[a],
            recipients[s],
            (s, a) in filled,
            nudged.get((s, a)),
            s not in closed,
            due.get((s, a)),
        )
        for s in recipients
        for a in partners.get(s, [])
        if a in people
    ]
