"""Importing a table into an event: the members (the community's verbs), then their
registrations, in one transaction.

The community app knows members only; this module adds what an event needs (mode, what
they look for, requests and avoid lists resolved to members). All or nothing, as a member
import is: a row that names an unknown person rolls back the members written before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from netweave.core.issues import Issue
from netweave.core.people import Person, Roster
from netweave.web.community.domain import (
    ImportPreview,
    ImportRejectedError,
    ImportResult,
    assign,
    check_rows,
    import_members,
    preview_import,
    write_members,
)
from netweave.web.community.models import Community, Member
from netweave.web.events.models import Event, Registration

__all__ = ["import_roster", "preview_roster"]


def preview_roster(
    community: Community, roster: Roster, *, event: Event | None = None, label: str = ""
) -> ImportPreview:
    """What :func:`import_roster` would do with ``roster``, without writing anything."""
    registered: set[str] = set()
    if event is not None:
        ids = [p.id for p in roster.people]
        registered = set(
            event.registrations.filter(member__email__in=ids).values_list(
                "member__email", flat=True
            )
        )
    return preview_import(community, roster, registered=registered, label=label)


def import_roster(
    community: Community, roster: Roster, *, event: Event | None = None
) -> ImportResult:
    """Create or update a member for every person in ``roster``; with ``event``, also create
    or update their registrations for it (see
    :func:`netweave.web.community.domain.import_members` for the rules on members).

    ``Person.requests``/``avoid`` hold emails; they are resolved to members of the community
    (the people in the roster, and members already there).
    """
    if event is None:
        return import_members(community, roster)
    check_rows(roster)
    with transaction.atomic():
        members, created, updated = write_members(community, roster.people)
        made, changed = _upsert_registrations(
            event, roster.people, members, first_time=_has_column(roster, "first_time")
        )
    return ImportResult(created, updated, made, changed)


def _has_column(roster: Roster, field: str) -> bool:
    """Whether the table had a column read as ``field``."""
    return roster.columns is not None and any(c.target == field for c in roster.columns.columns)


def _upsert_registrations(
    event: Event, people: Sequence[Person], members: dict[str, Member], *, first_time: bool
) -> tuple[int, int]:
    """Create or update the registrations; ``first_time``: the table had that column, so
    it says who is new (an empty cell reads as no, as in the core), not the history."""
    wanted = {e for p in people for e in (*p.requests, *p.avoid)} - members.keys()
    if wanted:
        members.update(
            {m.email: m for m in event.community.members.filter(email__in=sorted(wanted))}
        )
    existing = {r.member_id: r for r in event.registrations.all()}
    new: list[Registration] = []
    by_member: dict[int, Registration] = {}
    for person in people:
        member = members[person.id]
        fields: dict[str, Any] = {"mode": person.mode}
        if person.looking_for:
            fields["looking_for"] = person.looking_for
        if person.requests:
            fields["requests_text"] = "; ".join(person.requests)
        if person.avoid:
            fields["avoid_text"] = "; ".join(person.avoid)
        if person.available:
            # a table may name rounds the event does not have: the planner ignores those
            fields["available"] = list(person.available)
        if first_time:
            fields["first_time"] = person.first_time
        registration = existing.get(member.pk)
        if registration is None:
            registration = Registration(event=event, member=member, **fields)
            new.append(registration)
        elif changed := assign(registration, fields):
            registration.save(update_fields=[*changed, "updated"])
        by_member[member.pk] = registration
    Registration.objects.bulk_create(new, batch_size=500)
    _set_people(Registration.requests.through, "requests", people, members, by_member)
    _set_people(Registration.avoid.through, "avoid", people, members, by_member)
    return len(new), len(by_member) - len(new)


def _set_people(
    through: Any,
    kind: str,
    people: Iterable[Person],
    members: dict[str, Member],
    registrations: dict[int, Any],
) -> None:
    """Replace a registration's requests (or avoid) list with the people the row names."""
    links: dict[tuple[int, int], Any] = {}
    touched, issues = [], []
    for person in people:
        ids = getattr(person, kind)
        if not ids:
            continue  # a blank cell keeps what was there
        registration = registrations[members[person.id].pk]
        touched.append(registration.pk)
        for email in ids:
            target = members.get(email)
            if target is None:
                message = f"{email} in {kind} is not a member of this community"
                issues.append(Issue(message, "", person.line or None, kind, code="unknown-request"))
            else:
                key = (registration.pk, target.pk)
                links[key] = through(registration_id=registration.pk, member_id=target.pk)
    if issues:
        # raised inside the import's transaction: the members written so far roll back too
        raise ImportRejectedError(issues)
    through.objects.filter(registration_id__in=touched).delete()
    through.objects.bulk_create(links.values(), batch_size=500)
