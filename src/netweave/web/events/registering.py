"""Registering: the public form, the owner's confirmation from their inbox, and the
participant's own changes.

Whoever types an address may not own it, so nothing here ever shows a personal link to the
browser for an address that has data: the link goes by email (:mod:`.invites`, sent by
:mod:`.tasks`). A registration whose event's plan is published is locked; which plans count
is the matching app's to say, through :func:`register_lock` (this app sits below it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from netweave.web.common import onetime
from netweave.web.common.errors import DomainError
from netweave.web.community.models import Community, Member
from netweave.web.events import tasks
from netweave.web.events.answers import (
    PROFILE_TEXT,
    PROFILE_TOPICS,
    RegistrationData,
    answers_json,
    normalized_email,
    request_data,
)
from netweave.web.events.models import Event, Registration, RegistrationRequest

__all__ = [
    "ConfirmationInvalidError",
    "RegistrationClosedError",
    "RegistrationLockedError",
    "confirm_registration",
    "interest_vocabulary",
    "is_locked",
    "listed_registrants",
    "parse_tags",
    "register_for_event",
    "register_lock",
    "registration_phase",
    "registration_request",
    "request_is_locked",
    "send_link_again",
    "update_own_registration",
]

_TAG_SPLIT = re.compile(r"[,;\n\r]+")
_NAME_SPLIT = re.compile(r"[,;\n\r]+")


class RegistrationClosedError(DomainError):
    """The event does not take registrations now."""


class RegistrationLockedError(DomainError):
    """The plan is published: the registration can no longer change."""


# --------------------------------------------------------------------------- locks

#: predicates "is this event's registration frozen?", added by the apps above (matching: a
#: published plan)
_locks: list[Callable[[Event], bool]] = []


def register_lock(predicate: Callable[[Event], bool]) -> Callable[[Event], bool]:
    """Add a reason for which an event's registrations may no longer change (idempotent)."""
    if predicate not in _locks:
        _locks.append(predicate)
    return predicate


def is_locked(event: Event) -> bool:
    """Whether registrations of ``event`` are frozen (for instance: its plan is published)."""
    return any(predicate(event) for predicate in _locks)


# --------------------------------------------------------------------------- form support


def parse_tags(text: str) -> tuple[str, ...]:
    """``"Onboarding, open  science; onboarding"`` -> ``("onboarding", "open science")``.

    Normalised as the core reads a table (lower case, single spaces, first mention wins),
    so tags typed here match tags imported from a spreadsheet.
    """
    tags = (" ".join(part.lower().split()) for part in _TAG_SPLIT.split(text))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def interest_vocabulary(community: Community, limit: int = 300) -> list[str]:
    """The community's interests, most used first: suggestions for the tag input."""
    counts: Counter[str] = Counter()
    for interests in Member.objects.filter(community=community).values_list("interests", flat=True):
        counts.update(str(tag) for tag in interests or ())
    return [tag for tag, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


def listed_registrants(event: Event) -> QuerySet[Member]:
    """The people registered for ``event`` who agreed to be listed (their own consent,
    :attr:`Member.listed`, off unless they tick it): whom a registrant may ask to meet.

    Only this event's registrations count: a member who is not coming, a request still
    waiting for its owner's confirmation, or anyone from another community never appears.
    """
    return Member.objects.filter(
        community=event.community_id, listed=True, registrations__event=event
    ).order_by("name", "pk")


def registration_phase(event: Event) -> str:
    """``"open"``, ``"soon"`` (a draft, or open with a start still ahead) or ``"closed"``."""
    if event.registration_is_open:
        return "open"
    if event.status == Event.Status.DRAFT:
        return "soon"
    opens = event.registration_opens
    if event.status == Event.Status.OPEN and opens and timezone.now() < opens:
        return "soon"
    return "closed"


# --------------------------------------------------------------------------- writes


def _set_profile(member: Member, data: RegistrationData, *, keep_existing: bool) -> None:
    """Copy the profile onto ``member``.

    From the public form (``keep_existing``) a blank answer keeps what we already knew, for
    instance from an organizer's import; from the participant's own edit page it clears.
    """
    for name in PROFILE_TEXT:
        value = getattr(data, name)
        if value or not keep_existing:
            setattr(member, name, value)
    for name in PROFILE_TOPICS:
        value = getattr(data, name)
        if value or not keep_existing:
            setattr(member, name, list(value))
    # time zone and consent are always the latest answer: they are choices, not facts
    member.timezone = data.timezone
    member.listed = data.listed


def _resolve_names(community: Community, text: str, exclude: Member) -> list[Member]:
    """Members of ``community`` named (by email or exact name, any case) in ``text``."""
    # a bound on the query's size: nobody lists fifty people to avoid
    wanted = list(dict.fromkeys(" ".join(p.lower().split()) for p in _NAME_SPLIT.split(text)))
    wanted = [w for w in wanted if w][:50]
    if not wanted:
        return []
    match = Q(email__in=wanted)
    for name in wanted:
        match |= Q(name__iexact=name)
    return list(Member.objects.filter(match, community=community).exclude(pk=exclude.pk))


def _set_registration(registration: Registration, data: RegistrationData) -> None:
    member, event = registration.member, registration.event
    requested = list(listed_registrants(event).filter(pk__in=data.requests).exclude(pk=member.pk))
    # everyone takes part asynchronously in a fully async event: there is no live session
    # to choose, and a stored "live" showed up on pages and in the live console
    registration.mode = Registration.Mode.ASYNC if event.fully_async else data.mode
    registration.available = list(data.available)
    registration.looking_for = data.looking_for
    # the names are kept as text too: organizers review requests next to imported ones
    registration.requests_text = "; ".join(m.name for m in requested)
    registration.avoid_text = data.avoid_text
    registration.consent_share_email = data.consent_share_email
    registration.save()
    registration.requests.set(requested)
    registration.avoid.set(_resolve_names(event.community, data.avoid_text, member))


def _save_registration(
    event: Event, data: RegistrationData, *, newcomer: bool
) -> tuple[Registration, bool] | None:
    """Write ``data`` as ``event``'s registration; returns it and whether it is new.

    ``newcomer``: only for an address nobody has here yet. None when the address turns out
    to be known (also when another request created it a moment ago: the insert then fails
    on the unique email), because then only its owner may change anything.
    """
    email = normalized_email(data.email)
    try:
        with transaction.atomic():
            member = Member.objects.filter(community=event.community, email=email).first()
            if member is not None and newcomer:
                return None
            member = member or Member(community=event.community, email=email)
            _set_profile(member, data, keep_existing=True)
            member.save()
            registration = Registration.objects.filter(event=event, member=member).first()
            if registration is not None and is_locked(event):
                raise RegistrationLockedError
            created = registration is None
            registration = registration or Registration(event=event, member=member)
            _set_registration(registration, data)
    except IntegrityError:
        if newcomer:
            return None
        # the owner confirmed twice at once and the other request won the race: now there
        # is a row to update
        return _save_registration(event, data, newcomer=False)
    return registration, created


def register_for_event(event: Event, data: RegistrationData) -> None:
    """The public form: register ``data`` for ``event``, or ask the address's owner first.

    Whoever typed the address may not own it. A brand-new address (nobody here has it) is
    registered at once and its personal link emailed to it, with a way to remove it; what
    only the owner may decide (sharing the address with partners, being listed for other
    members) waits for them to confirm it from that email. An address that is known in the
    community (a member, perhaps already registered) changes nothing: the answers wait as a
    :class:`RegistrationRequest` and its owner gets a link to confirm them
    (:func:`confirm_registration`); until then they are in no plan.

    Returns nothing on purpose: the caller must answer the same either way, so nobody can
    find out who is a member, or obtain someone's link, by typing their address.
    """
    if not event.registration_is_open:
        raise RegistrationClosedError
    unconsented = replace(data, consent_share_email=False, listed=False)
    saved = _save_registration(event, unconsented, newcomer=True)
    if saved is None:
        _ask_owner(event, data)
        return
    consents = _new_request(event, data) if unconsented != data else None
    _enqueue_registration_email(saved[0], updated=False, consents=consents)


# --------------------------------------------------------------------------- confirmations


class ConfirmationInvalidError(DomainError):
    """The confirmation link is unknown, already used or expired."""


def _new_request(event: Event, data: RegistrationData) -> RegistrationRequest:
    return RegistrationRequest.objects.create(
        event=event, email=normalized_email(data.email), answers=answers_json(data)
    )


def _ask_owner(event: Event, data: RegistrationData) -> RegistrationRequest:
    request = _new_request(event, data)
    # a task, like every email of a form; it makes the secret itself, so the secret is never
    # in the queue
    tasks.send_registration_request_task.enqueue(request.pk)
    return request


def registration_request(secret: str) -> RegistrationRequest:
    """The pending request ``secret`` confirms (for the page that shows it, which changes
    nothing: mail scanners open links too)."""
    request = onetime.pending(
        RegistrationRequest.objects.select_related("event__community"), secret
    )
    if request is None:
        raise ConfirmationInvalidError
    return request


def request_is_locked(request: RegistrationRequest) -> bool:
    """Whether confirming ``request`` would change a registration whose plan is published."""
    event = request.event
    registered = Registration.objects.filter(event=event, member__email=request.email)
    return registered.exists() and is_locked(event)


def confirm_registration(secret: str) -> Registration:
    """The owner confirmed from their inbox: apply the request as the form would have.

    Raises :class:`ConfirmationInvalidError` for an unknown, used or expired link, and
    :class:`RegistrationClosedError` or :class:`RegistrationLockedError` when the event no
    longer takes the answers (the link then stays unused).
    """
    with transaction.atomic():
        request = onetime.redeem(RegistrationRequest.objects.select_related("event"), secret)
        if request is None:
            raise ConfirmationInvalidError
        if not request.event.registration_is_open:
            raise RegistrationClosedError
        saved = _save_registration(request.event, request_data(request), newcomer=False)
    assert saved is not None  # only a newcomer's save gives way
    registration, created = saved
    _enqueue_registration_email(registration, updated=not created)
    return registration


def update_own_registration(registration: Registration, data: RegistrationData) -> Registration:
    """The participant's own changes from their page, until the plan is published.

    The email stays: it is the person's identity in the community (and where their link goes).
    """
    if is_locked(registration.event):
        raise RegistrationLockedError
    with transaction.atomic():
        member = registration.member
        _set_profile(member, data, keep_existing=False)
        member.save()
        _set_registration(registration, data)
    return registration


# --------------------------------------------------------------------------- emails, sent by tasks


def _enqueue_registration_email(
    registration: Registration, *, updated: bool, consents: RegistrationRequest | None = None
) -> None:
    # a task, so a slow mail server never holds up the page; ids only, as tasks should
    consents_pk = consents.pk if consents else None
    tasks.send_registration_email_task.enqueue(registration.pk, updated, consents_pk)


def send_link_again(event: Event, email: str) -> None:
    """Email the personal link to ``email`` if it is registered for ``event``.

    Returns nothing on purpose: the caller must answer the same whether or not the address
    is registered, so nobody can find out who takes part by trying addresses.
    """
    registration = Registration.objects.filter(
        event=event, member__email=normalized_email(email)
    ).first()
    if registration is not None:
        tasks.send_link_email_task.enqueue(registration.pk)
