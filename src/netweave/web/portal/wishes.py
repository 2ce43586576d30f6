"""The "who is coming" panel of a participant's page: "would love to meet" or "no thanks"
about the people who agreed to be listed, while the organizers keep it open.

The verbs are :mod:`netweave.web.events.wishes`; a "no thanks" is shown to its author only.
A long list is searched and paged through the page's query (``q``, ``show=mine``, ``page``),
which the save form carries back, so that saving returns to the same rows.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
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


#: the panel's heading, which every link back to the list points at
ANCHOR = "wishes-panel"
#: a page number worth keeping in a link (longer is no page anyone reached by "Next")
_PAGE = re.compile(r"[1-9][0-9]{0,5}")


def _field(pk: int) -> str:
    return f"wish-{pk}"


def _place(data: QueryDict) -> dict[str, str]:
    """Where the reader is in the list (search, filter, page), from the page's query or the
    save form: only values understood, cleaned; never anything else of what was sent."""
    place = {}
    if query := wishes.coming_query(data.get("q", "")):
        place["q"] = query
    if data.get("show") == "mine":
        place["show"] = "mine"
    if _PAGE.fullmatch(page := data.get("page", "")) and page != "1":
        place["page"] = page
    return place


def _query_string(**place: str) -> str:
    return urlencode({k: v for k, v in place.items() if v})


def wishes_panel(request: HttpRequest, registration: Registration) -> Panel | None:
    """The list of who is coming with this person's own choices, a page at a time; only
    while it is open."""
    event = registration.event
    if not event.wishes_open or registering.is_locked(event):
        return None
    shown = wishes.coming_page(
        registration,
        request.GET.get("q", ""),
        request.GET.get("page"),
        marked_only=request.GET.get("show") == "mine",
    )
    rows: list[dict[str, Any]] = [
        {"field": _field(r.pk), "member": r.member, "kind": kind} for r, kind in shown.rows
    ]
    show = "mine" if shown.marked_only else ""
    context = {
        "registration": registration,
        "rows": rows,
        "choices": CHOICES,
        "coming": shown,
        "filtered": bool(shown.query or shown.marked_only),
        "show": show,
        # the pages' links keep the search and the filter; the filter's links keep the search
        "query_string": _query_string(q=shown.query, show=show),
        "everyone_link": _query_string(q=shown.query),
        "marked_link": _query_string(q=shown.query, show="mine"),
        "anchor": ANCHOR,
        "query_max": wishes.QUERY_MAX_LENGTH,
    }
    # before the schedule: there is none yet while this is open
    return Panel("portal/_wishes.html", context, order=20)


@never_cache
@require_POST
def save(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_token(token)
    # only the fields posted (the rows of one page): a choice on another page is untouched
    wanted = {}
    for pk in wishes.coming(registration).values_list("pk", flat=True):
        value = request.POST.get(_field(pk))
        if value is not None:
            wanted[pk] = value
    try:
        changed = wishes.set_wishes(registration, wanted)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if changed:
            messages.success(request, "Saved. Only you see your choices.")
        else:
            messages.info(request, "Nothing changed.")
    # back to the same rows, from cleaned values only: never a URL that was sent
    place = _query_string(**_place(request.POST))
    return redirect(
        reverse("portal:mine", args=[token]) + (f"?{place}" if place else "") + f"#{ANCHOR}"
    )
