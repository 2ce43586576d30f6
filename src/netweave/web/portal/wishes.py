"""The "who is coming" panel of a participant's page: "would love to meet" or "no thanks"
about the people who agreed to be listed, while the organizers keep it open.

The verbs are :mod:`netweave.web.events.wishes`; a "no thanks" is shown to its author only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from netweave.web.common.errors import DomainError
from netweave.web.common.panels import Panel
from netweave.web.events import registering, wishes
from netweave.web.events.links import registration_for_token
from netweave.web.events.models import Registration, Wish

__all__ = ["save", "wishes_panel"]

#: the choices each person on the list gets, in the panel's order
CHOICES = (
    ("", "No preference"),
    (Wish.Kind.LOVE, "Would love to meet"),
    (Wish.Kind.NO, "No thanks"),
)


def _field(pk: int) -> str:
    return f"wish-{pk}"


def wishes_panel(request: HttpRequest, registration: Registration) -> Panel | None:
    """The list of who is coming with this person's own choices; only while it is open."""
    event = registration.event
    if not event.wishes_open or registering.is_locked(event):
        return None
    held = wishes.own_wishes(registration)
    rows: list[dict[str, Any]] = [
        {"field": _field(r.pk), "member": r.member, "kind": held.get(r.pk, "")}
        for r in wishes.coming(registration)
    ]
    context = {"registration": registration, "rows": rows, "choices": CHOICES}
    # before the schedule: there is none yet while this is open
    return Panel("portal/_wishes.html", context, order=20)


@never_cache
@require_POST
def save(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_token(token)
    wanted = {}
    for r in wishes.coming(registration):
        value = request.POST.get(_field(r.pk))
        if value is not None:
            wanted[r.pk] = value
    try:
        changed = wishes.set_wishes(registration, wanted)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if changed:
            messages.success(request, "Saved. Only you see your choices.")
        else:
            messages.info(request, "Nothing changed.")
    return redirect("portal:mine", token=token)
