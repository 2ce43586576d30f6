"""What the planner is given about an event: its people, its configuration, its history.

Reads only; every verb that plans or checks a plan starts from these, so the planner, the
checks and the live re-plan see the same people and rules.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from netweave.core.config import ConfigError, EventConfig, parse_config
from netweave.core.fully_async import as_live_people
from netweave.core.people import Person
from netweave.web.events.first_time import first_timers
from netweave.web.events.models import Event, Registration
from netweave.web.events.wishes import planner_wishes
from netweave.web.matching.domain.planned import meeting_pairs, planned_meetings

__all__ = [
    "check_config",
    "community_history",
    "core_id",
    "event_avoid",
    "event_config",
    "event_hosts",
    "event_people",
    "history_of",
    "matchable_people",
    "planned_history",
    "register_history_source",
    "seat_ids",
]


def core_id(email: str) -> str:
    """The core's id for a registration's member: the email, trimmed and lower-cased."""
    return email.strip().lower()


def _linked_emails(through: Any, event: Event) -> dict[int, list[str]]:
    """registration pk -> the emails of the members it links to (requests or avoid)."""
    rows = (
        through.objects.filter(registration__event=event)
        .order_by("registration_id", "member__email")
        .values_list("registration_id", "member__email")
    )
    out: dict[int, list[str]] = defaultdict(list)
    for reg_pk, email in rows:
        out[reg_pk].append(core_id(email))
    return out


_PERSON_FIELDS = (
    "pk",
    "mode",
    "looking_for",
    "member__email",
    "member__name",
    "member__timezone",
    "member__location",
    "member__manages",
    "member__community_kind",
    "member__interests",
    "member__about",
    "member__extra",
    "member__organization",
    "member__offers",
    "member__seeks",
    "available",
)


def event_people(event: Event) -> list[Person]:
    """The event's registrations as the core's :class:`Person` records (seven queries):
    the one place a registration becomes a Person, for the planner, the checks and live.

    Ordered by email: a stable order, so the same registrations and seed give the same plan
    even after somebody corrects their name. Requests and avoid lists keep only people
    registered for this event: the core plans among the people it is given. Private wishes
    (:mod:`netweave.web.events.wishes`) join them: "would love to meet" as a request, "no
    thanks" as an avoid; a request to someone who said "no thanks" to its asker is dropped,
    so no unmet request's reason can tell the organizers who said it.
    """
    # plain values, not model instances: the board reads a 1,000-person event on every view;
    # staff hosts are not matched (they fill odd seats: event_hosts)
    rows = list(
        Registration.objects.filter(event=event, is_host=False)
        .order_by("member__email")
        .values_list(*_PERSON_FIELDS, named=True)
    )
    ids = {core_id(r.member__email) for r in rows}
    requests = _linked_emails(Registration.requests.through, event)
    avoid = _linked_emails(Registration.avoid.through, event)
    love, no = planner_wishes(event)
    new = first_timers(event)
    people = []
    for r in rows:
        pid = core_id(r.member__email)
        asked = [*requests[r.pk], *love.get(pid, ())]
        asked = [e for e in dict.fromkeys(asked) if pid not in no.get(e, ())]
        avoided = list(dict.fromkeys([*avoid[r.pk], *no.get(pid, ())]))
        people.append(_person(r, ids, asked, avoided, first_time=r.pk in new))
    return people


def _person(
    row: Any, ids: set[str], requests: list[str], avoid: list[str], *, first_time: bool
) -> Person:
    pid = core_id(row.member__email)
    return Person(
        id=pid,
        email=row.member__email,
        name=row.member__name,
        mode=row.mode,
        timezone=row.member__timezone,
        location=row.member__location,
        community=row.member__manages,
        community_kind=row.member__community_kind,
        interests=tuple(str(t) for t in (row.member__interests or ())),
        about=row.member__about,
        looking_for=row.looking_for,
        requests=tuple(e for e in requests if e in ids and e != pid),
        avoid=tuple(e for e in avoid if e in ids and e != pid),
        extra=tuple((str(k), str(v)) for k, v in (row.member__extra or {}).items()),
        offers=tuple(str(t) for t in (row.member__offers or ())),
        seeks=tuple(str(t) for t in (row.member__seeks or ())),
        available=tuple(int(r) for r in (row.available or ())),
        organization=row.member__organization,
        first_time=first_time,
    )


def matchable_people(event: Event, people: Sequence[Person]) -> list[Person]:
    """``people`` as the core should plan them: all live in a fully async event (see
    :mod:`netweave.core.fully_async`)."""
    return as_live_people(people) if event.fully_async else list(people)


def seat_ids(seats: Any, owner: str) -> dict[int, list[str]]:
    """``owner`` pk (a meeting's, a group's) -> the core ids seated there, in seat order."""
    rows = seats.order_by(owner, "position").values_list(owner, "registration__member__email")
    out: dict[int, list[str]] = defaultdict(list)
    for owner_pk, email in rows:
        out[owner_pk].append(core_id(email))
    return out


def _toml_value(value: Any, where: str) -> str:
    # JSON scalars and arrays are valid TOML values (true/false, numbers, quoted strings).
    if value is None or isinstance(value, dict):
        raise ConfigError([f"event settings: {where}: expected a value, got {value!r}"])
    return json.dumps(value, ensure_ascii=False)


def _settings_toml(settings: Mapping[str, Any]) -> str:
    """``event.settings`` (the shape of ``event.toml``, as a dict) written back as TOML, so
    the core's own reader validates it and words its errors."""
    top = [
        f"{json.dumps(k)} = {_toml_value(v, k)}"
        for k, v in settings.items()
        if not isinstance(v, dict)
    ]
    tables = []
    for section, table in settings.items():
        if isinstance(table, dict):
            tables.append(f"[{json.dumps(section)}]")
            tables += [
                f"{json.dumps(k)} = {_toml_value(v, f'[{section}] {k}')}"
                for k, v in table.items()
                if v is not None  # TOML has no null: an unset key means "the default"
            ]
    return "\n".join([*top, *tables]) + "\n"


def _event_fields(event: Event) -> dict[str, Any]:
    """What the organizer sets on the event page, as the core's configuration fields: the
    rounds, minutes and group sizes, the organizers' rules, and ``odd = "host"`` when
    team members host."""
    return {
        "rounds": event.rounds,
        "minutes_per_round": event.minutes_per_round,
        "group_min": event.group_min,
        "group_max": event.group_max,
        "watch_every": event.watch_every,
        "apart_same_organization": event.apart_same_organization,
        "first_timers_meet_veterans": event.first_timers_meet_veterans,
        "across_community_kinds": event.across_community_kinds,
        "request_cap": event.request_cap,
        # staff hosts fill the odd seat: the planner leaves it to "the host", not a trio
        **({"odd": "host"} if event_hosts(event) else {}),
    }


def event_avoid(event: Event) -> dict[str, set[str]]:
    """Core id -> the core ids they must not meet, staff hosts included: the avoid lists
    and the private "no thanks" (two queries); for seating hosts, who are no Person."""
    rows = Registration.objects.filter(event=event).values_list("pk", "member__email")
    emails = {pk: core_id(e) for pk, e in rows}
    out: dict[str, set[str]] = defaultdict(set)
    for pk, avoided in _linked_emails(Registration.avoid.through, event).items():
        out[emails[pk]].update(avoided)
    for asker, targets in planner_wishes(event)[1].items():
        out[asker].update(targets)
    return dict(out)


def event_hosts(event: Event) -> list[str]:
    """The core ids of the event's staff hosts, in the order they were marked (one query);
    :func:`netweave.core.hosts.assign_hosts` seats them."""
    rows = Registration.objects.filter(event=event, is_host=True).order_by("pk")
    return [core_id(e) for e in rows.values_list("member__email", flat=True)]


def event_config(event: Event) -> EventConfig:
    """The core configuration for ``event``: ``event.settings`` (shaped like ``event.toml``)
    with the event's own fields (rounds, minutes, group sizes, the rules) on top, since those
    are what the organizer sees and edits on the event page. The one reader of the
    event's rules: the planner, the checks and the live re-plan all start here.

    Raises :class:`~netweave.core.config.ConfigError` listing every problem.
    """
    config = parse_config(_settings_toml(event.settings or {}), source="event settings")
    return config.replace(**_event_fields(event))


def check_config(event: Event) -> EventConfig:
    """:func:`event_config`, or only the event's own fields when the settings are broken."""
    # Checking must work even when the advanced settings are broken: then the event's own
    # fields are the rules (the settings' problems show when planning).
    try:
        return event_config(event)
    except ConfigError:
        return EventConfig(**_event_fields(event))


#: reads the pairs (sorted core ids) who met one-on-one at ``events``; see
#: :func:`register_history_source`
HistorySource = Callable[[QuerySet[Event]], Iterable[tuple[str, str]]]

_history_source: list[HistorySource] = []


def register_history_source(source: HistorySource) -> None:
    """Make ``source`` the reader of who met whom at earlier events, for the planner.

    The live app, which records what really happened, registers its rule
    (:func:`netweave.web.live.queries.met.history_pairs`) in its ``ready()``: this app sits
    below it and may not import it. Registering again replaces the source.
    """
    _history_source[:] = [source]


def history_of(meetings: Iterable[Sequence[int]]) -> list[tuple[str, str]]:
    """Pairs (sorted core ids) of people sharing one of ``meetings`` (registration pks,
    of any events): how a history source words its answer. One query."""
    meetings = [list(m) for m in meetings]
    emails = dict(
        Registration.objects.filter(pk__in={pk for m in meetings for pk in m}).values_list(
            "pk", "member__email"
        )
    )
    pairs = {
        tuple(sorted((core_id(emails[a]), core_id(emails[b])))) for a, b in meeting_pairs(meetings)
    }
    return sorted((a, b) for a, b in pairs if a != b)


def planned_history(events: QuerySet[Event]) -> list[tuple[str, str]]:
    """Pairs (sorted core ids) the published plans of ``events`` put in a one-on-one (or
    async) meeting: the history when no app knows better (see :func:`community_history`)."""
    rounds = planned_meetings(list(events)).values()
    return history_of(m for by_round in rounds for ms in by_round.values() for m in ms)


def community_history(event: Event) -> list[tuple[str, str]]:
    """Pairs (sorted ids) who met one-on-one at the community's earlier events.

    Read by the registered history source (:func:`register_history_source`; the live app
    registers the one rule of who met whom, :mod:`netweave.web.live.queries.met`); with
    none registered, the earlier events' published plans (:func:`planned_history`). Groups
    do not count: sharing a table of six is not the conversation a returning member should
    not repeat.
    """
    earlier = Event.objects.filter(
        community_id=event.community_id, starts_at__lt=event.starts_at
    ).exclude(pk=event.pk)
    source = _history_source[0] if _history_source else planned_history
    return sorted(set(source(earlier)))
