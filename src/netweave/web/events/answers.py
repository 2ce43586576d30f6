"""What a participant sends through the forms, as data: :class:`RegistrationData`, its
JSON form in a :class:`~netweave.web.events.models.RegistrationRequest` waiting for the
owner's confirmation, and what confirming it would change (shown before anything does).

The verbs that write these answers are in :mod:`netweave.web.events.registering`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from netweave.web.community.models import Community, Member
from netweave.web.events.models import Registration, RegistrationRequest

__all__ = [
    "KEPT_WHEN_BLANK",
    "PROFILE_TEXT",
    "PROFILE_TOPICS",
    "Change",
    "RegistrationData",
    "answers_json",
    "normalized_email",
    "pending_changes",
    "request_data",
]

#: profile answers kept as plain text on the member
PROFILE_TEXT = (
    "name",
    "pronouns",
    "organization",
    "manages",
    "community_kind",
    "location",
    "about",
)
#: answers that, left blank on the public form, keep what we knew (an organizer's import)
KEPT_WHEN_BLANK = frozenset({*PROFILE_TEXT, "interests", "offers", "seeks"})
#: profile answers kept as lists of topics on the member
PROFILE_TOPICS = ("interests", "offers", "seeks")


def normalized_email(email: str) -> str:
    """An address as the community stores it: one inbox, one spelling."""
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class RegistrationData:
    """What a participant tells us about themselves, validated by a form."""

    name: str
    email: str
    pronouns: str = ""
    organization: str = ""
    manages: str = ""
    community_kind: str = ""
    location: str = ""
    timezone: str = "UTC"
    interests: tuple[str, ...] = ()
    #: topics they can help with, and topics they look for help with (the core's columns)
    offers: tuple[str, ...] = ()
    seeks: tuple[str, ...] = ()
    about: str = ""
    looking_for: str = ""
    #: the rounds (from 1) they can attend; empty: every round
    available: tuple[int, ...] = ()
    #: primary keys of listed members of the event's community
    requests: tuple[int, ...] = ()
    avoid_text: str = ""
    mode: str = Registration.Mode.LIVE
    consent_share_email: bool = False
    listed: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """One answer a pending request would change: what we hold now and what was sent."""

    label: str
    before: str
    after: str


#: the answers a confirmation page lists, in the form's order
_LABELS = {
    "name": "Name",
    "pronouns": "Pronouns",
    "organization": "Organization",
    "manages": "The community you manage",
    "community_kind": "Kind of community",
    "location": "Where you are",
    "timezone": "Time zone",
    "interests": "Topics",
    "offers": "What you can help with",
    "seeks": "What you are looking for help with",
    "about": "About you",
    "looking_for": "Who you would like to meet",
    "requests": "People you'd like to meet",
    "avoid_text": "People you'd rather not meet",
    "mode": "How you take part",
    "available": "Rounds you can attend",
    "consent_share_email": "Share my email with the people I meet",
    "listed": "List me so other members can ask to meet me",
}


def answers_json(data: RegistrationData) -> dict[str, Any]:
    """``data`` as :attr:`RegistrationRequest.answers` keeps it (the email has its column)."""
    answers = {f.name: getattr(data, f.name) for f in fields(RegistrationData)}
    answers.pop("email")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}


def request_data(request: RegistrationRequest) -> RegistrationData:
    """The answers ``request`` holds, as the form gave them (unknown keys are ignored)."""
    names = {f.name for f in fields(RegistrationData)} - {"email"}
    answers = {k: v for k, v in (request.answers or {}).items() if k in names}
    answers.setdefault("name", "")
    for key in (*PROFILE_TOPICS, "requests", "available"):
        answers[key] = tuple(answers.get(key) or ())
    return RegistrationData(email=request.email, **answers)


def _shown(key: str, value: object, community: Community) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "mode":
        return Registration.Mode(value).label if value in Registration.Mode.values else str(value)
    if key == "available":
        return ", ".join(map(str, value)) if value else "all rounds"
    if key == "requests":
        names = Member.objects.filter(community=community, pk__in=value or ()).order_by("name")
        return ", ".join(names.values_list("name", flat=True))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value or "")


def _held_answers(member: Member | None, registration: Registration | None) -> dict[str, object]:
    if member is None:
        return {}
    held: dict[str, object] = {f: getattr(member, f) for f in (*PROFILE_TEXT, "timezone")}
    held |= {key: list(getattr(member, key) or ()) for key in PROFILE_TOPICS}
    held["listed"] = member.listed
    if registration is not None:
        held |= {
            "looking_for": registration.looking_for,
            "requests": list(registration.requests.values_list("pk", flat=True)),
            "avoid_text": registration.avoid_text,
            "mode": registration.mode,
            "available": list(registration.available or ()),
            "consent_share_email": registration.consent_share_email,
        }
    return held


def pending_changes(request: RegistrationRequest) -> list[Change]:
    """What confirming ``request`` would change, answer by answer (unchanged ones left out).

    A blank answer keeps what we know, as when the form is applied.
    """
    event = request.event
    member = Member.objects.filter(community=event.community, email=request.email).first()
    registration = Registration.objects.filter(event=event, member=member).first()
    held = _held_answers(member, registration)
    sent = answers_json(request_data(request))
    changes = []
    for key, label in _LABELS.items():
        value = sent.get(key)
        if not value and key in KEPT_WHEN_BLANK:
            continue
        before = _shown(key, held.get(key, ""), event.community) if held else ""
        after = _shown(key, value, event.community)
        if before != after:
            changes.append(Change(label, before, after))
    return changes
