"""Participant pages: no passwords, an unguessable link per registration.

Views only validate and delegate to the verbs of :mod:`netweave.web.events` (registering,
invites) and the schedule query of matching. A token that matches
no registration is a 404 like any unknown page: it tells a guesser nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from netweave.web.common import timezones
from netweave.web.common.panels import panels_for
from netweave.web.common.security import ip_and_page, posted_email, rate_limit
from netweave.web.events import answers, invites, registering, timeline
from netweave.web.events.links import registration_for_token
from netweave.web.events.meeting import join_info
from netweave.web.events.models import Event, Registration, RegistrationRequest
from netweave.web.matching.queries import schedule
from netweave.web.portal.forms import LinkForm, ProfileForm, RegistrationForm

LOCKED = (
    "The plan for this event is published, so your answers can no longer change here. "
    "Write to the organizers if something important changed."
)


def _event(community_slug: str, event_slug: str) -> Event:
    return get_object_or_404(
        Event.objects.select_related("community"), community__slug=community_slug, slug=event_slug
    )


def _registration(token: str) -> Registration:
    # one lookup for every app, which also refuses revoked and expired links
    return registration_for_token(token)


def _personal_link(request: HttpRequest, registration: Registration) -> str:
    return request.build_absolute_uri(reverse("portal:mine", args=[registration.token]))


def _form_page(
    request: HttpRequest, template: str, form: ProfileForm, **extra: object
) -> HttpResponse:
    event = form.event
    context = {
        "event": event,
        "form": form,
        "zone": timezones.zone(form.selected_zone()),
        "zone_name": form.selected_zone(),
        "night": form.night_notice(),
        "vocabulary": registering.interest_vocabulary(event.community),
        **extra,
    }
    return render(request, template, context)


def _closed(request: HttpRequest, event: Event) -> HttpResponse:
    context = {
        "event": event,
        "phase": registering.registration_phase(event),
        "zone": timezones.zone(event.timezone),
    }
    return render(request, "portal/closed.html", context)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


# it sends mail: per address too, so nobody's inbox can be flooded from many machines
@rate_limit((ip_and_page, "register"), (posted_email, "register_email"))
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, community_slug: str, event_slug: str) -> HttpResponse:
    event = _event(community_slug, event_slug)
    if not event.registration_is_open:
        return _closed(request, event)
    form = RegistrationForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            registering.register_for_event(
                event, form.registration_data(form.cleaned_data["email"])
            )
        except registering.RegistrationClosedError:
            return _closed(request, event)
        # one answer for every address, known or not: the link, or the request to confirm,
        # went to that inbox (see registering.register_for_event)
        if night := form.night_notice():
            messages.warning(request, night)
        return redirect("portal:register_sent", community_slug, event_slug)
    return _form_page(request, "portal/register.html", form)


@require_GET
def sent(request: HttpRequest, community_slug: str, event_slug: str, form: str) -> HttpResponse:
    """ "Check your inbox": the only answer of the public forms that take an address.

    Whoever typed the address may not own it, so what happens next is only in that inbox.
    """
    context = {"event": _event(community_slug, event_slug), "form": form}
    return render(request, "portal/sent.html", context)


def _confirm_page(
    request: HttpRequest, pending: RegistrationRequest, **extra: object
) -> HttpResponse:
    context = {
        "event": pending.event,
        "pending": pending,
        "changes": answers.pending_changes(pending),
        "zone": timezones.zone(pending.event.timezone),
        **extra,
    }
    return render(request, "portal/confirm.html", context)


def _confirm_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/confirm_invalid.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, secret: str) -> HttpResponse:
    """The owner's link from the confirmation email: GET shows what would change, only a
    POST applies it (mail scanners open links, and must not confirm anything)."""
    try:
        pending = registering.registration_request(secret)
    except registering.ConfirmationInvalidError:
        return _confirm_invalid(request)
    if request.method == "GET":
        locked = LOCKED if registering.request_is_locked(pending) else ""
        return _confirm_page(request, pending, locked=locked)
    event = pending.event
    try:
        registration = registering.confirm_registration(secret)
    except registering.ConfirmationInvalidError:
        return _confirm_invalid(request)
    except registering.RegistrationClosedError:
        return _closed(request, event)
    except registering.RegistrationLockedError:
        return _confirm_page(request, pending, locked=LOCKED)
    context = {"event": event, "member": registration.member}
    return render(request, "portal/confirmed.html", context)


@never_cache
@require_GET
def mine(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    member = registration.member
    context = {
        "registration": registration,
        "event": registration.event,
        "member": member,
        "zone": timezones.zone(member.timezone),
        "schedule": schedule.schedule_for(registration),
        "requests": registration.requests.order_by("name"),
        "night": timeline.night_notice(registration.event, member.timezone, registration.mode),
        "ends_at": timeline.event_ends_at(registration.event),
        "link": _personal_link(request, registration),
        "join": join_info(registration),
    }
    context["panels_before"], context["panels_after"] = panels_for(request, registration)
    return render(request, "portal/mine.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if schedule.plan_is_published(registration.event):
        messages.info(request, LOCKED)
        return redirect("portal:mine", token=token)
    form = ProfileForm(
        request.POST or None,
        event=registration.event,
        member=registration.member,
        initial=ProfileForm.initial_for(registration),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registering.update_own_registration(
                registration, form.registration_data(registration.member.email)
            )
        except registering.RegistrationLockedError:
            messages.info(request, LOCKED)
        else:
            messages.success(request, "Saved. Your answers are up to date.")
            if night := form.night_notice():
                messages.warning(request, night)
        return redirect("portal:mine", token=token)
    return _form_page(request, "portal/edit.html", form, registration=registration)


@never_cache
@require_GET
def ics(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    response = HttpResponse(
        invites.registration_ics(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return response


# it sends mail: per address too, so nobody's inbox can be flooded from many machines
@rate_limit((ip_and_page, "resend"), (posted_email, "resend_email"))
@require_http_methods(["GET", "POST"])
def resend(request: HttpRequest, community_slug: str, event_slug: str) -> HttpResponse:
    event = _event(community_slug, event_slug)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registering.send_link_again(event, form.cleaned_data["email"])
        return redirect("portal:resend_sent", community_slug, event_slug)
    return render(request, "portal/resend.html", {"event": event, "form": form})
