"""The curation board: generate a plan, review it by round and by person, pin, swap, forbid,
re-plan, compare versions and publish.

Every view checks the organizer's access (:func:`event_for`: 404 for anyone else), validates
its input with a form and calls one domain verb. Every action is a plain POST form; htmx only
swaps a pinned card in place and polls the progress bar.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from netweave.web.events.models import Event
from netweave.web.events.permissions import event_for
from netweave.web.matching import domain, queries
from netweave.web.matching.forms import ForbidForm, PinForm, PublishForm, SwapForm, person_choices
from netweave.web.matching.models import ForbiddenPair, Group, Meeting, PlanVersion

State = PlanVersion.State


def _version(event: Event, number: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.select_related("event"), event=event, number=number
    )


def _version_url(version: PlanVersion, **query: Any) -> str:
    url = reverse("orga:plan_version", args=[version.event_id, version.number])
    return f"{url}?{urlencode(query)}" if query else url


def _newest(event: Event) -> int:
    """The newest version number that counts as a change (failed runs changed nothing)."""
    found = PlanVersion.objects.filter(event=event).exclude(state=State.FAILED)
    return found.order_by("-number").values_list("number", flat=True).first() or 0


def _with_seen(form: forms.Form, seen: int) -> forms.Form:
    """``form`` carrying the newest version its page was made from, so that acting on a
    plan someone else has changed since is refused instead of silently winning."""
    form.fields["seen"] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=seen)
    return form


def _seen(request: HttpRequest, prefix: str, acted_on: int) -> int:
    """The posted ``seen`` number; a form without one counts as made from the version it
    acts on (so any newer version refuses it)."""
    value = request.POST.get(f"{prefix}-seen" if prefix else "seen", "")
    return int(value) if value.isdigit() else acted_on


def _forms(event: Event, version: PlanVersion | None, bound: dict[str, Any]) -> dict[str, Any]:
    """The board's forms, unbound unless the view passes a bound one back with its errors."""
    people = person_choices(event)
    rounds = version.round_numbers if version else []
    seen = _newest(event)
    return {
        "swap_form": bound.get("swap_form")
        or _with_seen(SwapForm(event=event, people=people, rounds=rounds, prefix="swap"), seen),
        "forbid_form": bound.get("forbid_form")
        or ForbidForm(event=event, people=people, prefix="forbid"),
        "publish_form": bound.get("publish_form")
        or _with_seen(PublishForm(prefix="publish"), seen),
        # for the forms written out in templates (re-plan, pins): name="seen"
        "seen": seen,
    }


def _tab(request: HttpRequest, version: PlanVersion) -> int | str:
    """The round (or "groups") shown: ``?round=`` when valid, else the first round."""
    wanted = request.GET.get("round", "")
    if wanted == "groups":
        return "groups"
    numbers = version.round_numbers
    if wanted.isdigit() and int(wanted) in numbers:
        return int(wanted)
    return numbers[0] if numbers else "groups"


def _shown_context(request: HttpRequest, event: Event, version: PlanVersion) -> dict[str, Any]:
    plan = domain.plan_from_version(version)
    context: dict[str, Any] = {
        "shown": version,
        "quality": queries.quality(version),
        "violations": domain.plan_violations(event, plan),
        "view": "person" if request.GET.get("view") == "person" else "round",
        "pinned_meetings": sum(m.pinned for r in plan.rounds for m in r.meetings),
        "pinned_groups": sum(g.pinned for g in plan.groups),
    }
    if context["view"] == "person":
        context["rows"] = queries.person_rows(version)
        context["numbers"] = version.round_numbers
        return context
    tab = _tab(request, version)
    context["tab"] = tab
    if tab == "groups":
        context["groups"] = queries.group_cards(version)
    else:
        context["cards"] = queries.round_cards(version, tab)
    return context


def _page(
    request: HttpRequest,
    event: Event,
    shown: PlanVersion | None,
    bound: dict[str, Any] | None = None,
    problems: list[str] | None = None,
) -> HttpResponse:
    domain.settle_stale(event)  # a planner that died shows as stopped, with when
    versions = queries.versions_of(event)
    latest = versions[0] if versions else None
    newer = latest is not None and (shown is None or latest.number > shown.number)
    context: dict[str, Any] = {
        "event": event,
        "versions": versions,
        "busy": latest if newer and latest.state in (State.QUEUED, State.RUNNING) else None,
        "failed": latest if newer and latest.state == State.FAILED else None,
        "published": next((v for v in versions if v.published_at), None),
        "registered": event.registrations.aggregate(n=Count("pk"))["n"],
        "forbidden": domain.forbidden_pairs(event),
        "problems": problems or [],
        **_forms(event, shown, bound or {}),
    }
    if shown is not None:
        context.update(_shown_context(request, event, shown))
    return render(request, "orga/plan.html", context)


def _refused(
    request: HttpRequest,
    event: Event,
    shown: PlanVersion | None,
    bound: dict[str, Any],
    problems: list[str] | None = None,
) -> HttpResponse:
    """The board again with the form that failed, its errors, and a note at the top (the
    form itself is further down the page)."""
    messages.error(request, "That did not work: see “Adjust the plan” below for why.")
    return _page(request, event, shown, bound, problems)


def _latest_ready(event: Event) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(event=event, state=State.READY)
        .select_related("event")
        .order_by("-number")
        .first()
    )


@login_required
@require_GET
def board(request: HttpRequest, event_pk: int) -> HttpResponse:
    """The newest finished version (with any newer run's progress or failure above it)."""
    event = event_for(request.user, event_pk)
    return _page(request, event, _latest_ready(event))


@login_required
@require_GET
def version(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    shown = _version(event, number)
    return _page(request, event, shown if shown.state == State.READY else _latest_ready(event))


@login_required
@require_GET
def progress(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    """The progress box alone, polled by htmx; once planning ends, the whole page reloads."""
    event = event_for(request.user, event_pk)
    domain.settle_stale(event)
    shown = _version(event, number)
    if request.htmx and shown.state in (State.READY, State.FAILED):
        return HttpResponseClientRefresh()
    return render(request, "orga/plan_progress.html", {"event": event, "latest": shown})


@login_required
@require_POST
def generate(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    try:
        made = domain.request_plan(event, request.user)
    except domain.PlanError as exc:
        messages.error(request, exc.message)
    else:
        _report(request, made, "Planning started.")
    return redirect("orga:plan", event_pk=event.pk)


def _report(request: HttpRequest, made: PlanVersion, started: str) -> None:
    # With the inline task backend the plan is already made when we get here.
    made.refresh_from_db()
    if made.state == State.READY:
        messages.success(request, f"Version {made.number} is ready: review it below.")
    elif made.state == State.FAILED:
        messages.error(request, f"Version {made.number} could not be made: {made.error}")
    else:
        messages.info(request, f"{started} This page shows the progress.")


@login_required
@require_POST
def replan(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    try:
        made = domain.replan(_version(event, number), request.user, seen=_seen(request, "", number))
    except domain.PlanError as exc:
        messages.error(request, exc.message)
    else:
        _report(request, made, "Re-planning started; pinned meetings and groups stay.")
    return redirect("orga:plan", event_pk=event.pk)


@login_required
@require_POST
def swap(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    current = _version(event, number)
    form = SwapForm(
        request.POST,
        event=event,
        people=person_choices(event),
        rounds=current.round_numbers,
        prefix="swap",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = domain.swap_people(
                current,
                data["round"],
                data["a"],
                data["b"],
                request.user,
                seen=_seen(request, "swap", number),
            )
        except domain.PlanError as exc:
            form.add_error(None, exc.message)
            return _refused(request, event, current, {"swap_form": form}, exc.problems)
        messages.success(
            request,
            f"Version {made.number}: {made.note}. Both meetings are pinned, so a re-plan keeps "
            "them.",
        )
        return redirect(_version_url(made, round=data["round"]))
    return _refused(request, event, current, {"swap_form": form})


@login_required
@require_POST
def publish(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    current = _version(event, number)
    form = PublishForm(request.POST, prefix="publish")
    if form.is_valid():
        try:
            domain.publish_plan(current, seen=_seen(request, "publish", number))
        except domain.PlanError as exc:
            form.add_error(None, exc.message)
            return _refused(request, event, current, {"publish_form": form}, exc.problems)
        messages.success(
            request,
            f"Version {current.number} is published: participants now see whom they meet. "
            "Send everyone their schedule by email from the Publish card, and print the "
            "run sheet below for the day.",
        )
        return redirect(_version_url(current))
    return _refused(request, event, current, {"publish_form": form})


def _posted_from(request: HttpRequest, event: Event) -> PlanVersion | None:
    """The finished version whose page the form was posted from (its number is a hidden
    field), else the newest finished one."""
    number = request.POST.get("version", "")
    ready = PlanVersion.objects.filter(event=event, state=State.READY).select_related("event")
    found = ready.filter(number=int(number)).first() if number.isdigit() else None
    return found or _latest_ready(event)


def _back(request: HttpRequest, event: Event) -> str:
    shown = _posted_from(request, event)
    return _version_url(shown) if shown else reverse("orga:plan", args=[event.pk])


@login_required
@require_POST
def forbid(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    form = ForbidForm(request.POST, event=event, people=person_choices(event), prefix="forbid")
    if form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        domain.forbid_pair(event, a, b)
        messages.success(
            request,
            f"{a.member.name} and {b.member.name} will not be paired in new plans. If this "
            "version pairs them, it says so under “Checks”: re-plan to apply the rule.",
        )
        return redirect(_back(request, event))
    return _refused(request, event, _posted_from(request, event), {"forbid_form": form})


@login_required
@require_POST
def unforbid(request: HttpRequest, event_pk: int, pair_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    pair = get_object_or_404(
        ForbiddenPair.objects.select_related("a__member", "b__member"), pk=pair_pk, event=event
    )
    domain.unforbid_pair(pair)
    messages.success(request, f"{pair.a.member.name} and {pair.b.member.name} may be paired again.")
    return redirect(_back(request, event))


def _conflict(request: HttpRequest, event: Event, exc: domain.PlanError) -> HttpResponse:
    """Back to the board, which shows the newer version (htmx: reload the whole page, as
    the card alone would hide what changed)."""
    messages.error(request, exc.message)
    if request.htmx:
        return HttpResponseClientRedirect(reverse("orga:plan", args=[event.pk]))
    return redirect("orga:plan", event_pk=event.pk)


def _pinned(request: HttpRequest) -> bool:
    form = PinForm(request.POST)
    return bool(form.is_valid() and form.cleaned_data["pinned"])


@login_required
@require_POST
def pin_meeting(request: HttpRequest, event_pk: int, meeting_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    meeting = get_object_or_404(
        Meeting.objects.select_related("plan"), pk=meeting_pk, plan__event=event
    )
    try:
        domain.pin_meeting(meeting, _pinned(request), seen=_seen(request, "", meeting.plan.number))
    except domain.PlanConflictError as exc:
        return _conflict(request, event, exc)
    if request.htmx:
        card = queries.meeting_card(meeting)
        return render(
            request, "orga/plan_card.html", {"event": event, "shown": meeting.plan, "card": card}
        )
    return redirect(_version_url(meeting.plan, round=meeting.round) + f"#meeting-{meeting.pk}")


@login_required
@require_POST
def pin_group(request: HttpRequest, event_pk: int, group_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    group = get_object_or_404(Group.objects.select_related("plan"), pk=group_pk, plan__event=event)
    try:
        domain.pin_group(group, _pinned(request), seen=_seen(request, "", group.plan.number))
    except domain.PlanConflictError as exc:
        return _conflict(request, event, exc)
    if request.htmx:
        card = queries.group_card(group)
        return render(
            request,
            "orga/plan_group_card.html",
            {"event": event, "shown": group.plan, "group": card},
        )
    return redirect(_version_url(group.plan, round="groups") + f"#group-{group.pk}")


@login_required
@require_GET
def diff(request: HttpRequest, event_pk: int, number: int) -> HttpResponse:
    """What changed from the previous version (its parent, else the one numbered before)."""
    event = event_for(request.user, event_pk)
    new = _version(event, number)
    ready = PlanVersion.objects.filter(event=event, state=State.READY).select_related("event")
    wanted = request.GET.get("against", "")
    if wanted.isdigit():
        old = get_object_or_404(ready, number=int(wanted))
    elif new.parent_id and ready.filter(pk=new.parent_id).exists():
        old = ready.get(pk=new.parent_id)
    else:
        old = ready.filter(number__lt=number).order_by("-number").first()
    context = {
        "event": event,
        "new": new,
        "old": old,
        "others": PlanVersion.objects.filter(event=event, state=State.READY)
        .exclude(pk=new.pk)
        .order_by("-number")
        .only("number", "note"),
        "diff": queries.diff_plans(old, new) if old and new.state == State.READY else None,
    }
    return render(request, "orga/plan_diff.html", context)
