"""What one person may see of another: the one rule for partners' profiles and contact details.

Every participant page, email and download that shows another participant's profile builds
that person with :func:`partner_views` (or :func:`partner_view`), so the promise "an email
address only where both agreed" has one owner. Organizer pages do not go through it:
organizers may see their members' addresses.

Which consents count, and nothing else:

1. both ticked "share my email with the people I meet" for this event
   (``Registration.consent_share_email``);
2. each wished to stay in touch with the other after they met (the follow-up app's
   ``StayInTouch``). That app sits above this one, so it hands its answer in through
   :func:`register_mutual_consent` from its ``AppConfig.ready``, as the apps register
   panels and tabs; this module never imports it.

What a person writes themselves for someone (the contact answer of an async partner's form,
shared only when its author ticks "share this with ..."; a group message; an intro) is their
own message to that person, not a contact detail this rule hands out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from netweave.web.events.models import Registration

__all__ = [
    "MutualConsent",
    "PartnerView",
    "may_see_contact",
    "mutual_consents",
    "partner_view",
    "partner_views",
    "register_mutual_consent",
]

#: ``(viewer, candidates)`` -> the pks among ``candidates`` (registrations of the viewer's
#: event) with whom the viewer and they both agreed, by one kind of consent
MutualConsent = Callable[[Registration, Collection[int]], Collection[int]]
_sources: list[MutualConsent] = []


def register_mutual_consent(source: MutualConsent) -> MutualConsent:
    """Count ``source``'s two-sided consent in :func:`may_see_contact` (registered once)."""
    if source not in _sources:
        _sources.append(source)
    return source


@dataclass(frozen=True, slots=True)
class PartnerView:
    """Someone as another participant sees them: the profile they gave for the people they
    meet, and their email address only where :func:`may_see_contact` allows it."""

    pk: int
    name: str
    pronouns: str
    #: the community they manage
    manages: str
    organization: str
    location: str
    about: str
    interests: tuple[str, ...]
    is_async: bool
    #: "" unless both agreed (or the viewer is this person)
    email: str


def _both_ticked(viewer: Registration, person: Registration) -> bool:
    return viewer.consent_share_email and person.consent_share_email


def mutual_consents(viewer: Registration, people: Sequence[Registration]) -> frozenset[int]:
    """The pks among ``people`` with whom ``viewer`` agreed by a registered two-sided consent
    (consent 2 of this module); one query per registered consent, none when the up-front
    consent already settles everyone."""
    open_ = [
        p.pk
        for p in people
        if p.pk != viewer.pk and p.event_id == viewer.event_id and not _both_ticked(viewer, p)
    ]
    if not open_:
        return frozenset()
    return frozenset(pk for source in _sources for pk in source(viewer, open_))


def may_see_contact(
    viewer: Registration, person: Registration, mutual: Collection[int] = ()
) -> bool:
    """Whether ``viewer`` may see ``person``'s contact details: yes for themselves, otherwise
    only when both agreed, in the same event, by ticking "share my email with the people I
    meet" or by each wishing to stay in touch with the other (``mutual``, from
    :func:`mutual_consents`)."""
    if viewer.pk == person.pk:
        return True
    if viewer.event_id != person.event_id:
        return False
    return _both_ticked(viewer, person) or person.pk in mutual


def _view(person: Registration, viewer: Registration, shared: bool) -> PartnerView:
    member = person.member
    return PartnerView(
        pk=person.pk,
        name=member.name,
        pronouns=member.pronouns,
        manages=member.manages,
        organization=member.organization,
        location=member.location,
        about=member.about,
        interests=tuple(str(t) for t in member.interests or ()),
        # everyone takes part asynchronously in a fully async event (same event as the viewer)
        is_async=person.mode == Registration.Mode.ASYNC or viewer.event.fully_async,
        email=member.email if shared else "",
    )


def partner_views(viewer: Registration, people: Sequence[Registration]) -> tuple[PartnerView, ...]:
    """``people`` as ``viewer`` may see them, in the same order (members loaded with them:
    ``select_related("member")``)."""
    mutual = mutual_consents(viewer, people)
    return tuple(_view(p, viewer, may_see_contact(viewer, p, mutual)) for p in people)


def partner_view(viewer: Registration, person: Registration) -> PartnerView:
    """``person`` as ``viewer`` may see them."""
    return partner_views(viewer, [person])[0]
