"""Check-in: ticking people present or absent, a pasted list confirmed, walk-ins."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from netweave.web.common.timezones import zone
from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.live import tasks
from netweave.web.live.domain.errors import LiveError
from netweave.web.live.models import Attendance
from netweave.web.matching.domain.inputs import core_id

__all__ = ["add_walk_in", "is_registered", "mark_present", "set_attendance"]

Status = Attendance.Status


def set_attendance(registration: Registration, status: str) -> Attendance:
    """Tick one person present or absent (or back to not checked in)."""
    if status not in Status.values:
        raise LiveError(f"Unknown attendance status {status!r}.")
    attendance, _ = Attendance.objects.update_or_create(
        registration=registration, defaults={"status": status}
    )
    return attendance


def mark_present(event: Event, registration_pks: Iterable[int]) -> int:
    """Mark these registrations of ``event`` present (others' pks are ignored); how many."""
    pks = list(
        Registration.objects.filter(event=event, pk__in=list(registration_pks)).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        Attendance.objects.filter(registration_id__in=pks).update(
            status=Status.PRESENT, changed=timezone.now()
        )
        have = set(
            Attendance.objects.filter(registration_id__in=pks).values_list(
                "registration_id", flat=True
            )
        )
        Attendance.objects.bulk_create(
            Attendance(registration_id=pk, status=Status.PRESENT) for pk in pks if pk not in have
        )
    return len(pks)


def is_registered(event: Event, email: str) -> bool:
    """Whether somebody with ``email`` (any case) is registered for ``event`` already."""
    return Registration.objects.filter(event=event, member__email=core_id(email)).exists()


def add_walk_in(event: Event, name: str, email: str, timezone_name: str = "") -> Registration:
    """Somebody who came without registering: a member of the community (found by email,
    or new, in ``timezone_name``, else the event's zone), a live registration, and their
    attendance, present, all at once. Somebody already registered is simply marked present;
    a member keeps the profile (and time zone) they have.

    A new walk-in is emailed a welcome made for the event on now (after the commit, as a
    task): what to do now, their live page and their personal page.
    """
    email = core_id(email)
    name = " ".join(name.split())
    if not email or not name:
        raise LiveError("A walk-in needs a name and an email.")
    # an unknown zone would read as UTC everywhere: the event's zone is the better guess
    tz = timezone_name if timezone_name and zone(timezone_name).key == timezone_name else ""
    with transaction.atomic():
        member, _ = Member.objects.get_or_create(
            community=event.community,
            email=email,
            defaults={"name": name, "timezone": tz or event.timezone},
        )
        registration, created = Registration.objects.get_or_create(
            event=event, member=member, defaults={"mode": Registration.Mode.LIVE}
        )
        # added twice, a walk-in stays a walk-in
        Attendance.objects.update_or_create(
            registration=registration,
            defaults={"status": Status.PRESENT},
            create_defaults={"status": Status.PRESENT, "walk_in": created},
        )
        if created:
            transaction.on_commit(partial(_send_welcome, registration.pk))
    return registration


def _send_welcome(registration_pk: int) -> None:
    tasks.send_walk_in_welcome_task.enqueue(registration_pk)
