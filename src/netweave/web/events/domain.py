"""What organizers do with events and registrations: set up, open and close, edit, switch mode."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from netweave.web.common.errors import DomainError
from netweave.web.community.models import Community, Member
from netweave.web.events import tasks
from netweave.web.events.models import Event, Registration

__all__ = [
    "TRANSITIONS",
    "FullyAsyncModeError",
    "create_event",
    "manual_transitions",
    "next_step",
    "registration_counts",
    "registration_requests",
    "search_registrations",
    "set_event_status",
    "switch_mode",
    "unique_event_slug",
    "update_event",
    "update_registration",
    "with_registration_counts",
]

Status = Event.Status

#: every status change the application makes; planning and publishing make the later ones
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN}),
    Status.OPEN: frozenset({Status.CLOSED}),
    # re-opening is allowed: on the day, nothing an organizer does should be irreversible
    Status.CLOSED: frozenset({Status.OPEN, Status.PLANNED}),
    Status.PLANNED: frozenset({Status.OPEN, Status.CLOSED, Status.PUBLISHED}),
    Status.PUBLISHED: frozenset({Status.PLANNED, Status.LIVE}),
    Status.LIVE: frozenset({Status.DONE}),
    Status.DONE: frozenset(),
}

# the changes an organizer makes with a button on the event page, and the button's words
_MANUAL: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.OPEN): "Open registration",
    (Status.OPEN, Status.CLOSED): "Close registration",
    (Status.CLOSED, Status.OPEN): "Reopen registration",
}

_NEXT_STEP = {
    Status.DRAFT: "Check the details, then open registration so people can sign up.",
    Status.OPEN: "Share the registration link; close registration when you are ready to plan.",
    Status.CLOSED: "Registration is closed: generate a plan on the Plan tab.",
    Status.PLANNED: "Review the plan, adjust it, then publish it to participants.",
    Status.PUBLISHED: "Participants can see whom they meet. Print the run sheet for the day.",
    Status.LIVE: "The event is running: follow the rounds on the Plan tab.",
    Status.DONE: "The event is over. Thank you for hosting!",
}


def next_step(event: Event) -> str:
    """One sentence telling the organizer what to do next with ``event``."""
    return _NEXT_STEP.get(event.status, "")


def manual_transitions(event: Event) -> list[tuple[str, str]]:
    """``(status, button label)`` for the changes an organizer may make by hand right now."""
    return [(to, label) for (frm, to), label in _MANUAL.items() if frm == event.status]


def set_event_status(event: Event, status: str) -> Event:
    """Move ``event`` to ``status``.

    Raises
    ------
    ValueError
        When ``status`` is unknown or cannot follow the current status, with a sentence an
        organizer can read.
    """
    if status not in Status.values:
        raise ValueError(f"{status!r} is not an event status.")
    allowed = TRANSITIONS.get(event.status, frozenset())
    if status not in allowed:
        current, wanted = Status(event.status).label, Status(status).label
        options = ", ".join(Status(s).label for s in sorted(allowed)) or "nothing (it is final)"
        raise ValueError(
            f"An event that is “{current}” cannot become “{wanted}”; it can become: {options}."
        )
    event.status = status
    event.save(update_fields=["status"])
    return event


def unique_event_slug(community: Community, title: str, exclude_pk: int | None = None) -> str:
    """A slug for ``title`` not yet used by another event of ``community``."""
    limit = Event._meta.get_field("slug").max_length or 80
    base = slugify(title)[: limit - 4].strip("-") or "event"
    taken = set(community.events.exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_event(community: Community, **fields: Any) -> Event:
    """A new draft event in ``community``; a blank slug is made from the title."""
    if not fields.get("slug"):
        fields["slug"] = unique_event_slug(community, fields.get("title", ""))
    return Event.objects.create(community=community, **fields)


#: the fields that move an event in people's calendars; changing one tells everyone
DATE_FIELDS = ("starts_at", "rounds", "minutes_per_round", "group_minutes", "groups_enabled")
#: the statuses in which people are registered and hold the dates in their calendar
NOTIFIED = (Event.Status.OPEN, Event.Status.CLOSED, Event.Status.PUBLISHED, Event.Status.LIVE)


def update_event(event: Event, **fields: Any) -> Event:
    """Change the given fields of ``event``; a blank slug is made from the title.

    When the dates of an event people registered for change, each of them gets one email
    with the new times and an updated calendar invite, after the commit (a task per event).
    """
    if "slug" in fields and not fields["slug"]:
        title = fields.get("title", event.title)
        fields["slug"] = unique_event_slug(event.community, title, exclude_pk=event.pk)
    moved = any(name in fields and fields[name] != getattr(event, name) for name in DATE_FIELDS)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(event, name, value)
        event.save()
        if moved and event.status in NOTIFIED:
            transaction.on_commit(partial(tasks.send_dates_changed_task.enqueue, event.pk))
    return event


# --------------------------------------------------------------------------- registrations


def with_registration_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """``events`` annotated with ``registration_count``, ``live_count`` and ``async_count``."""
    return events.annotate(
        registration_count=Count("registrations"),
        live_count=Count("registrations", filter=Q(registrations__mode=Registration.Mode.LIVE)),
        async_count=Count("registrations", filter=Q(registrations__mode=Registration.Mode.ASYNC)),
    )


def registration_counts(event: Event) -> dict[str, int]:
    """Totals for the event page: ``total``, ``live``, ``async``, ``with_requests`` (one query)."""
    has_requests = Exists(
        Registration.requests.through.objects.filter(registration_id=OuterRef("pk"))
    )
    counts = event.registrations.aggregate(
        total=Count("pk"),
        live=Count("pk", filter=Q(mode=Registration.Mode.LIVE)),
        async_=Count("pk", filter=Q(mode=Registration.Mode.ASYNC)),
        with_requests=Count("pk", filter=Q(has_requests)),
    )
    if event.fully_async:  # everyone is async there, whatever an imported table said
        counts.update(live=0, async_=counts["total"])
    return counts


def registration_requests(event: Event, limit: int = 50) -> dict[str, Any]:
    """Answers sent for addresses already known here, which wait for their owner to confirm
    them from their inbox (they are in no plan until then): the counts per state and the
    ``limit`` newest requests."""
    now = timezone.now()
    waiting = Q(used_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    counts = event.registration_requests.aggregate(
        waiting=Count("pk", filter=waiting),
        confirmed=Count("pk", filter=Q(used_at__isnull=False)),
        expired=Count("pk", filter=Q(used_at__isnull=True, expires_at__lte=now)),
    )
    recent = list(event.registration_requests.order_by("-created", "-pk")[:limit])
    return {**counts, "recent": recent}


def search_registrations(
    event: Event, query: str = "", mode: str = "", has_requests: bool | None = None
) -> QuerySet[Registration]:
    """Registrations of ``event``, filtered; people requested and avoided are prefetched."""
    registrations = event.registrations.select_related("member").prefetch_related(
        "requests", "avoid"
    )
    query = query.strip()
    if query:
        registrations = registrations.filter(
            Q(member__name__icontains=query)
            | Q(member__email__icontains=query)
            | Q(looking_for__icontains=query)
        )
    if mode:
        registrations = registrations.filter(mode=mode)
    if has_requests is not None:
        asked = Exists(Registration.requests.through.objects.filter(registration_id=OuterRef("pk")))
        registrations = registrations.filter(asked if has_requests else ~asked)
    return registrations.order_by("member__name", "pk")


def _community_members(registration: Registration, people: Iterable[Member], kind: str) -> list:
    people = list(people)
    community_id = registration.event.community_id
    if any(p.community_id != community_id for p in people):
        raise ValueError(f"Everyone in {kind} must be a member of this event's community.")
    if any(p.pk == registration.member_id for p in people):
        raise ValueError(f"A person cannot be in their own {kind} list.")
    return people


def _ids(manager: Any) -> set[int]:
    return set(manager.values_list("pk", flat=True))


def update_registration(registration: Registration, **fields: Any) -> Registration:
    """Change a registration; ``requests`` and ``avoid`` take members of the event's community.

    Raises
    ------
    ValueError
        When someone is both requested and avoided, is not in the community, or is the
        registrant themself.
    """
    requests = fields.pop("requests", None)
    avoid = fields.pop("avoid", None)
    if requests is not None:
        requests = _community_members(registration, requests, "requests")
    if avoid is not None:
        avoid = _community_members(registration, avoid, "avoid")
    if requests is not None or avoid is not None:
        # a list not being changed still counts: it may already hold the other's people
        asked = {p.pk for p in requests} if requests is not None else _ids(registration.requests)
        avoided = {p.pk for p in avoid} if avoid is not None else _ids(registration.avoid)
        if asked & avoided:
            raise ValueError("The same person cannot be both requested and avoided.")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.save()
        if requests is not None:
            registration.requests.set(requests)
        if avoid is not None:
            registration.avoid.set(avoid)
    return registration


class FullyAsyncModeError(DomainError):
    """Everyone takes part asynchronously in a fully asynchronous event: there is no live
    session to switch to."""


def switch_mode(registration: Registration) -> Registration:
    """Live becomes async and async becomes live (e.g. after an "I can't make it" email);
    :class:`FullyAsyncModeError` in a fully async event."""
    if registration.event.fully_async:
        raise FullyAsyncModeError()
    live, async_ = Registration.Mode.LIVE, Registration.Mode.ASYNC
    registration.mode = async_ if registration.mode == live else live
    registration.save(update_fields=["mode", "updated"])
    return registration
