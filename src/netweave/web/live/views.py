"""The live console (organizers) and the live page (participants).

Views validate input with a form and call one verb of :mod:`netweave.web.live.domain`, or read
what a page shows from :mod:`netweave.web.live.queries`.
Every console action is a plain POST form that works without JavaScript; htmx only swaps
a checked-in row in place, and polls the participant's page for changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from netweave.web.common.timezones import zone
from netweave.web.events.links import registration_for_token
from netweave.web.events.meeting import join_info
from netweave.web.events.models import Event, Registration
from netweave.web.events.permissions import event_for, registration_for
from netweave.web.live.domain.checkin import (
    add_walk_in,
    is_registered,
    mark_present,
    set_attendance,
)
from netweave.web.live.domain.errors import LiveError, StaleStateError
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.rounds import require_published
from netweave.web.live.domain.state import (
    end_event,
    live_state,
    next_round,
    rounds_skipped,
    start_event,
    start_groups,
    start_round,
)
from netweave.web.live.domain.state import set_messages as save_messages
from netweave.web.live.forms import (
    AttendanceForm,
    ConfirmForm,
    MessagesForm,
    PasteForm,
    TransitionForm,
    WalkInForm,
)
from netweave.web.live.models import Attendance, LiveState
from netweave.web.live.queries.checkin import read_attendee_list
from netweave.web.live.queries.console import console as console_of
from netweave.web.live.queries.exports import groups_zoom_csv, round_zoom_csv
from netweave.web.live.queries.page import REGIONS, live_page, region_keys
from netweave.web.live.queries.poll import poll_version

CSV = "text/csv; charset=utf-8"
#: the async partner's video and form, built by the async app; optional here
INTRO_TEMPLATE = "intros/_partner_inline.html"
#: htmx stops polling on this status (and still shows the answer): the event has ended
STOP_POLLING = 286

Phase = LiveState.Phase
Status = Attendance.Status


# --------------------------------------------------------------------------- console


def _console_url(event: Event, anchor: str = "") -> str:
    url = reverse("orga:live", kwargs={"event_pk": event.pk})
    return f"{url}#{anchor}" if anchor else url


def _console_page(request: HttpRequest, event: Event, **forms: Any) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    show = request.GET.get("show", "")
    data = console_of(event, query, show)
    state = data.state
    context = {
        "event": event,
        "live": data,
        "state": state,
        "zone": zone(event.timezone),
        "query": query,
        "show": show,
        "paste_form": forms.get("paste_form") or PasteForm(),
        "walk_in_form": forms.get("walk_in_form") or WalkInForm(event=event),
        "messages_form": forms.get("messages_form")
        or MessagesForm(
            initial={"broadcast": state.broadcast, "accessibility_note": state.accessibility_note}
        ),
        "statuses": Status.choices,
        "now": timezone.now(),
    }
    return render(request, "live/console.html", context)


@login_required
@require_GET
def console(request: HttpRequest, event_pk: int) -> HttpResponse:
    """The host's console: the run of show, the next round, check-in; a fully async event
    has none (no session to host), so its organizers are sent to the Async tab."""
    event = event_for(request.user, event_pk)
    if event.fully_async:
        messages.info(request, "This event is fully asynchronous: there is no live session.")
        return redirect("orga:intros", event_pk=event.pk)
    return _console_page(request, event)


@login_required
@require_POST
def attendance(request: HttpRequest, event_pk: int, registration_pk: int) -> HttpResponse:
    """Tick one person present, absent or not checked in; htmx swaps just their row."""
    event = event_for(request.user, event_pk)
    registration = registration_for(request.user, event, registration_pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        set_attendance(registration, form.cleaned_data["status"])
    if request.htmx:
        registration = Registration.objects.select_related("member", "attendance").get(
            pk=registration.pk
        )
        context = {"event": event, "registration": registration, "statuses": Status.choices}
        return render(request, "live/_person_row.html", context)
    if not form.is_valid():
        messages.error(request, "Choose present, absent or not checked in.")
    return redirect(_console_url(event, f"person-{registration.pk}"))


@login_required
@require_POST
def paste(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Read a pasted participant list and show whom it names, for review."""
    event = event_for(request.user, event_pk)
    form = PasteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Paste a participant list (names or emails) first.")
        return _console_page(request, event, paste_form=form)
    review = read_attendee_list(event, form.cleaned_data["text"])
    return render(request, "live/review.html", {"event": event, "review": review})


@login_required
@require_POST
def confirm(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Mark the people ticked on the review page present."""
    event = event_for(request.user, event_pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        count = mark_present(event, form.cleaned_data["registrations"])
        messages.success(request, f"{count} marked present.")
    else:
        messages.error(request, "Nothing was marked: tick people from the list.")
    return redirect(_console_url(event, "check-in"))


@login_required
@require_POST
def walk_in(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Register and check in somebody who came without registering; they get a welcome."""
    event = event_for(request.user, event_pk)
    form = WalkInForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, "The walk-in was not added: see the form below.")
        return _console_page(request, event, walk_in_form=form)
    data = form.cleaned_data
    known = is_registered(event, data["email"])
    try:
        registration = add_walk_in(event, data["name"], data["email"], data["timezone"])
    except LiveError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _walk_in_added(registration, known))
    return redirect(_console_url(event, "check-in"))


def _walk_in_added(registration: Registration, known: bool) -> str:
    # the link is theirs alone: never suggest the meeting's chat, which everyone reads
    member = registration.member
    if known:
        return f"{member.name} was already registered: now checked in."
    return (
        f"{member.name} is checked in. Their welcome email, with their live page, is on its "
        f"way to {member.email}; if it does not arrive, they can ask for their link again on "
        "the event's page. Re-plan the next round to give them a partner."
    )


def _transition(event: Event, data: dict[str, Any]) -> LiveState:
    action, version = data["action"], data["version"]
    if action == "start_event":
        return start_event(event, version)
    if action == "start_round":
        return start_round(event, data["round"], version)
    if action == "start_groups":
        return start_groups(event, version)
    if action == "end_event":
        return end_event(event, version)
    return next_round(event, version)


def _moved_to(state: LiveState) -> str:
    if state.phase == Phase.ROUND:
        return f"Round {state.round} has started: the countdown runs on everyone's page."
    if state.phase == Phase.GROUPS:
        return "The small groups have started."
    if state.phase == Phase.ENDED:
        return "The event has ended. Thank you for hosting!"
    return "The event is open: check people in, then start the first round."


def _skips(event: Event, data: dict[str, Any]) -> list[int]:
    """The rounds this transition would pass over (starting a later round, or the groups,
    early); empty for every other move."""
    action = data["action"]
    if action not in ("start_round", "start_groups"):
        return []
    try:
        version = require_published(event)
    except LiveError:
        return []  # the verb says why
    number = data["round"] if action == "start_round" else None
    return rounds_skipped(event, version, live_state(event), number)


@login_required
@require_POST
def go(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Every move of the live state: open, start a round, next, groups, end. Starting a
    later round (or the groups) early first asks the host to confirm, here on the server."""
    event = event_for(request.user, event_pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That button's page was out of date; here is the event now.")
        return redirect(_console_url(event))
    data = form.cleaned_data
    skipped = _skips(event, data)
    if skipped and not data["confirm"]:
        return render(request, "live/confirm_skip.html", _skip_context(event, data, skipped))
    try:
        state = _transition(event, data)
    except StaleStateError as exc:
        messages.warning(request, exc.message)
    except LiveError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _moved_to(state))
    return redirect(_console_url(event))


def _skip_context(event: Event, data: dict[str, Any], skipped: list[int]) -> dict[str, Any]:
    target = f"round {data['round']}" if data["action"] == "start_round" else "the small groups"
    return {
        "event": event,
        "action": data["action"],
        "round": data["round"],
        "version": data["version"],
        "target": target,
        "skipped": skipped,
        "state": live_state(event),
    }


@login_required
@require_POST
def replan(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    """Re-plan round ``number`` for the people checked in."""
    event = event_for(request.user, event_pk)
    try:
        made = replan_next_round(event, number, request.user)
    except LiveError as exc:
        messages.error(request, f"Nothing changed: {exc.message}")
    else:
        changes = made.changes
        messages.success(
            request,
            f"Round {number} is re-planned for {made.present} people: {changes['kept']} "
            f"meeting(s) kept, {len(changes['new'])} new. Everyone's live page shows their "
            "room; see “In Zoom” below before starting the round.",
        )
    return redirect(_console_url(event, "next"))


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CSV)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def round_zoom(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    """Zoom's breakout-room CSV for one round as it stands now (re-planned or planned)."""
    event = event_for(request.user, event_pk)
    try:
        content = round_zoom_csv(event, number)
    except (LiveError, ValueError) as exc:
        raise Http404(str(exc)) from exc
    return _csv_response(content, f"{slugify(event.slug) or 'event'}-round-{number}.csv")


@login_required
@require_GET
def groups_zoom(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Zoom's CSV for the small groups, for the people there."""
    event = event_for(request.user, event_pk)
    try:
        content = groups_zoom_csv(event)
    except LiveError as exc:
        raise Http404(exc.message) from exc
    return _csv_response(content, f"{slugify(event.slug) or 'event'}-groups.csv")


@login_required
@require_POST
def set_messages(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    form = MessagesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The messages were not saved: see the form below.")
        return _console_page(request, event, messages_form=form)
    save_messages(event, form.cleaned_data["broadcast"], form.cleaned_data["accessibility_note"])
    messages.success(request, "Saved: participants' pages show it within seconds.")
    return redirect(_console_url(event, "messages"))


# --------------------------------------------------------------------------- participants


def _registration(token: str) -> Registration:
    # the one lookup every app shares: it also refuses revoked and expired links
    return registration_for_token(token)


def _intro_template() -> str:
    """The async app's inline partner template, or "" while it does not exist (the two apps
    are built side by side; the page says where to watch the intro instead)."""
    try:
        select_template([INTRO_TEMPLATE])
    except TemplateDoesNotExist:
        return ""
    return INTRO_TEMPLATE


def _live_context(registration: Registration) -> dict[str, Any]:
    member = registration.member
    live = live_page(registration)
    return {
        "registration": registration,
        "event": registration.event,
        "member": member,
        "zone": zone(member.timezone),
        "live": live,
        "keys": region_keys(live, registration.event),
        "now": live.now,
        "intro_template": _intro_template(),
    }


@never_cache
@require_GET
def page(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's live page: whom they meet now and why, the clock, and how to join
    the video meeting (outside the part that polling replaces, so it never flickers)."""
    registration = _registration(token)
    context = {**_live_context(registration), "join": join_info(registration)}
    return render(request, "live/page.html", context)


@never_cache
@require_GET
def poll(request: HttpRequest, token: str) -> HttpResponse:
    """What changed on the live page since version ``?v=``: 204 when nothing did, which
    htmx takes as "nothing to swap" (one query for the common case, none from the cache);
    else the regions whose key (``?banner=``, ``?head=``, ``?stage=``) changed, each as an
    out-of-band swap, and a new poller. A broadcast so replaces the banner alone, never
    the stage where a video plays or an answer is being typed."""
    version = poll_version(token)
    if version is None:
        raise Http404("No such page.")
    seen = request.GET.get("v", "")
    if seen.isdigit() and int(seen) == version:
        return HttpResponse(status=204)
    context = _live_context(_registration(token))
    keys = context["keys"]
    context["changed"] = [name for name in REGIONS if request.GET.get(name) != keys[name]]
    ended = context["live"].state.phase == Phase.ENDED
    return render(request, "live/_poll.html", context, status=STOP_POLLING if ended else 200)
