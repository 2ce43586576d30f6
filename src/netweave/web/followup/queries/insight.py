"""What organizers may learn about an event: figures and aggregates, never who rated whom.

Feedback is only ever counted and averaged here. An aggregate over fewer than
:data:`MIN_ANSWERS` answers is suppressed (None): with one or two answers, an organizer who
knows who met whom could work out who gave which rating. Nothing in this module returns a
row per person for feedback; names appear only in the network picture, which is built from
meetings (the organizer's own plan), not from feedback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Count, Q

from netweave.web.events.models import Event, Registration
from netweave.web.followup.models import Delivery, EventFeedback, MeetingFeedback, StayInTouch
from netweave.web.followup.queries.held import event_is_over, meetings_happened
from netweave.web.live.models import Attendance
from netweave.web.live.queries.met import met_pairs
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "MIN_ANSWERS",
    "VALUABLE",
    "DigestStats",
    "Insight",
    "Rating",
    "TrendPoint",
    "community_trend",
    "event_insight",
    "rating_of",
]

#: aggregates over fewer answers than this are not shown (see the module's notes)
MIN_ANSWERS = 3
#: a conversation rated this or higher counts as valuable
VALUABLE = 4


@dataclass(frozen=True, slots=True)
class Rating:
    """Ratings from 1 to 5 as counts only. Everything but ``answers`` is None when there
    are fewer than :data:`MIN_ANSWERS` answers."""

    answers: int
    average: float | None
    #: how many answers gave 1, 2, 3, 4 and 5
    distribution: tuple[int, int, int, int, int] | None
    #: share of answers of :data:`VALUABLE` or more, 0..1
    valuable_share: float | None

    @property
    def suppressed(self) -> bool:
        return self.average is None


def rating_of(values: Iterable[int]) -> Rating:
    counts = Counter(values)
    answers = sum(counts.values())
    if answers < MIN_ANSWERS:
        return Rating(answers, None, None, None)
    total = sum(v * n for v, n in counts.items())
    good = sum(n for v, n in counts.items() if v >= VALUABLE)
    dist = (counts[1], counts[2], counts[3], counts[4], counts[5])
    return Rating(answers, round(total / answers, 2), dist, round(good / answers, 4))


@dataclass(frozen=True, slots=True)
class DigestStats:
    """What the async app tells about its next-day digests."""

    sent: int
    #: None when the async app does not record reading
    read: int | None
    followed_up: int
    #: people asked "did you meet?" (some days after their digest), and who answered
    asked: int = 0
    answered: int = 0
    #: (registration pk, partner pk) of every "followed up" tick
    ticks: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True, slots=True)
class Insight:
    event: Event
    over: bool
    registered: int
    live: int
    async_: int
    attended: int
    #: one-on-one (and async) conversations held, per round: ((1, 12), (2, 11), ...)
    per_round: tuple[tuple[int, int], ...]
    groups: int
    requests: int
    requests_met: int
    meetings_rating: Rating
    event_rating: Rating
    #: event comments without names, in a fixed order unrelated to who wrote them; empty
    #: while the event rating is suppressed
    comments: tuple[str, ...]
    #: pairs who both wished to stay in touch
    mutual_follow_ups: int
    digests: DigestStats | None
    summaries_sent: int
    #: pairs whose connection one of the two confirmed: a "followed up" tick of either, or
    #: a stay-in-touch wish both made (a pair counts once however many confirmed it)
    connections: int = 0

    @property
    def meetings(self) -> int:
        return sum(n for _, n in self.per_round)

    @property
    def follow_ups(self) -> int:
        return self.connections


def event_insight(event: Event) -> Insight:
    """The figures of ``event`` (materialises what happened once the event is over)."""
    held = list(meetings_happened(event).annotate(size=Count("seats")))
    regs = Registration.objects.filter(event=event)
    modes = Counter(regs.values_list("mode", flat=True))
    event_rating = rating_of(
        EventFeedback.objects.filter(registration__event=event).values_list("overall", flat=True)
    )
    digests = _digest_stats(event)
    mutual = _mutual_pairs(event)
    ticked = {(min(a, b), max(a, b)) for a, b in (digests.ticks if digests else ())}
    return Insight(
        event=event,
        over=event_is_over(event),
        registered=sum(modes.values()),
        live=modes[Registration.Mode.LIVE],
        async_=modes[Registration.Mode.ASYNC],
        attended=_attended(event),
        per_round=tuple(sorted(Counter(m.round for m in held if m.round > 0).items())),
        groups=sum(1 for m in held if m.round == 0),
        **_requests(event),
        meetings_rating=rating_of(
            MeetingFeedback.objects.filter(meeting__event=event).values_list("valuable", flat=True)
        ),
        event_rating=event_rating,
        comments=_comments(event) if not event_rating.suppressed else (),
        mutual_follow_ups=len(mutual),
        digests=digests,
        connections=len(mutual | ticked),
        summaries_sent=Delivery.objects.filter(
            registration__event=event,
            kind=Delivery.Kind.SUMMARY,
            message__state=OutboxMessage.State.SENT,
        ).count(),
    )


def _attended(event: Event) -> int:
    """People checked in as present or seated in a meeting that happened (an event without
    a live check-in still knows who took part from its meetings; an async pairing whose
    intro was never watched and answered does not count)."""
    present = Attendance.objects.filter(
        registration__event=event, status=Attendance.Status.PRESENT
    ).values("registration_id")
    return (
        Registration.objects.filter(event=event)
        .filter(Q(pk__in=present) | Q(held_seats__meeting__in=meetings_happened(event)))
        .distinct()
        .count()
    )


def _pairs_met(event: Event) -> set[tuple[int, int]]:
    """Member pk pairs who met in a one-on-one (or async) meeting of ``event`` (the rule of
    :mod:`netweave.web.live.queries.met`)."""
    pairs = met_pairs(event)
    member = dict(Registration.objects.filter(event=event).values_list("pk", "member_id"))
    return {(min(member[a], member[b]), max(member[a], member[b])) for a, b in pairs}


def _requests(event: Event) -> dict[str, int]:
    """Requests between two registrants of ``event``, and how many of them met."""
    registered = set(Registration.objects.filter(event=event).values_list("member_id", flat=True))
    asked = [
        (asker, wanted)
        for asker, wanted in Registration.requests.through.objects.filter(
            registration__event=event
        ).values_list("registration__member_id", "member_id")
        if wanted in registered and wanted != asker
    ]
    met = _pairs_met(event)
    return {
        "requests": len(asked),
        "requests_met": sum(1 for a, b in asked if (min(a, b), max(a, b)) in met),
    }


def _comments(event: Event) -> tuple[str, ...]:
    texts = EventFeedback.objects.filter(registration__event=event).exclude(comment="")
    # sorted by text, not by time or person: the order must not hint at who wrote what
    return tuple(sorted(texts.values_list("comment", flat=True), key=str.casefold))


def _mutual_pairs(event: Event) -> set[tuple[int, int]]:
    wishes = set(
        StayInTouch.objects.filter(meeting__event=event).values_list(
            "from_registration_id", "to_registration_id"
        )
    )
    return {(a, b) for a, b in wishes if a < b and (b, a) in wishes}


def _digest_stats(event: Event) -> DigestStats | None:
    """Digest figures from the async app, if it is there and records them.

    Read by model and field names, defensively: the async app is developed alongside, so
    a missing model, field or table means "not known" (None), never an error page.
    """
    try:
        digest = apps.get_model("intros", "Digest")
        follow_up = apps.get_model("intros", "FollowUp")
        reminder = apps.get_model("intros", "Reminder")
    except LookupError:
        return None
    fields = {f.name for f in digest._meta.get_fields()}
    read_field = next((f for f in ("read_at", "opened_at", "seen_at") if f in fields), None)
    try:
        with transaction.atomic():  # a savepoint: a missing table must not spoil the request
            digests = digest.objects.filter(registration__event=event)
            ticks = frozenset(
                follow_up.objects.filter(owner__event=event).values_list("owner_id", "partner_id")
            )
            asked = reminder.objects.filter(
                registration__event=event, kind="met", sent_at__isnull=False
            )
            return DigestStats(
                sent=digests.filter(sent_at__isnull=False).count(),
                read=digests.filter(**{f"{read_field}__isnull": False}).count()
                if read_field
                else None,
                followed_up=len(ticks),
                asked=asked.count(),
                answered=asked.filter(answered_at__isnull=False).count(),
                ticks=ticks,
            )
    except (DatabaseError, ValueError, TypeError):
        return None


# --------------------------------------------------------------------------- across events


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One event of the community, for the year-over-year charts."""

    event_pk: int
    title: str
    label: str
    attended: int
    meetings: int
    valuable_share: float | None


def community_trend(event: Event) -> tuple[TrendPoint, ...]:
    """The community's events up to ``event`` that are over (and ``event`` itself), oldest
    first, with attendance, conversations and the share rated valuable."""
    events = [
        e
        for e in Event.objects.filter(
            community_id=event.community_id, starts_at__lte=event.starts_at
        ).order_by("starts_at", "pk")
        if e.pk == event.pk or event_is_over(e)
    ]
    return tuple(_trend_point(e) for e in events)


def _trend_point(event: Event) -> TrendPoint:
    held = meetings_happened(event)
    ratings = MeetingFeedback.objects.filter(meeting__event=event).values_list(
        "valuable", flat=True
    )
    return TrendPoint(
        event_pk=event.pk,
        title=event.title,
        label=f"{event.starts_at:%b %Y}",
        attended=_attended(event),
        meetings=held.filter(round__gt=0).count(),
        valuable_share=rating_of(ratings).valuable_share,
    )
