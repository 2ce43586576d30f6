"""Who is who at the event: its registrations by core id, and who is checked in."""

from __future__ import annotations

from dataclasses import dataclass

from netweave.web.events.models import Event, Registration
from netweave.web.live.models import Attendance
from netweave.web.matching.domain.inputs import core_id

__all__ = ["Roster", "absent_ids", "attendance_statuses", "roster_of"]

Status = Attendance.Status


@dataclass(frozen=True)
class Roster:
    """The event's registrations, by core id (the lower-cased email)."""

    pk: dict[str, int]
    pid: dict[int, str]
    name: dict[str, str]
    mode: dict[str, str]


def roster_of(event: Event) -> Roster:
    """The event's registrations as a :class:`Roster` (one query)."""
    rows = Registration.objects.filter(event=event).values_list(
        "pk", "member__email", "member__name", "mode"
    )
    pk, pid, name, mode = {}, {}, {}, {}
    for reg_pk, email, member_name, reg_mode in rows:
        key = core_id(email)
        pk[key], pid[reg_pk], name[key], mode[key] = reg_pk, key, member_name, reg_mode
    return Roster(pk, pid, name, mode)


def attendance_statuses(event: Event) -> dict[int, str]:
    """registration pk -> attendance status (unknown when never ticked)."""
    rows = Attendance.objects.filter(registration__event=event).values_list(
        "registration_id", "status"
    )
    return dict(rows)


def absent_ids(event: Event) -> set[str]:
    """The core ids of the people marked absent (one query)."""
    rows = Attendance.objects.filter(registration__event=event, status=Status.ABSENT)
    return {core_id(e) for e in rows.values_list("registration__member__email", flat=True)}
