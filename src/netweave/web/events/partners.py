"""What one person may see of another: the one rule for partners' profiles and contact details.

Every participant page, email and download that shows another participant's profile builds
that person with :func:`partner_views` (or :func:`partner_view`), so the promise "an email
address only where both agreed" has one owner. Organizer pages do not go through it:
organizers may see their members' addresses.

One consent model: a person's email is shown to someone they met only when **each said yes to
the other**, however each said it:

- "share my email with the people I meet" when registering (``Registration.consent_share_email``)
  is a yes to everyone they meet at that event;
- a yes to one person, given later: "I'd like to stay in touch" after meeting (the follow-up
  app's ``StayInTouch``) or "share my contact details with ..." on an async partner's form
  (the intros app's ``Answers.share_contact``).

The apps holding the per-person yeses sit above this one, so each hands them in through
:func:`register_contact_wish` from its ``AppConfig.ready``, as the apps register panels and
tabs; this module never imports them. A one-sided yes changes nothing anyone can see, so
nobody learns that somebody said yes and the other did not. :data:`CONSENT_SENTENCE` is the
one sentence every page that asks for a yes shows.

What a person writes themselves for someone (an intro, a group message, the answers of a
partner form) is their own message to that person; the contact answer of a partner form is a
contact detail, shown under this rule like the email.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from netweave.web.events.models import Registration

__all__ = [
    "CONSENT_SENTENCE",
    "ContactWish",
    "PartnerView",
    "contact_wishes",
    "may_see_contact",
    "mutual_consents",
    "partner_view",
    "partner_views",
    "register_contact_wish",
]

#: the one explanation, shown wherever a yes is asked (registration, partner form, summary)
CONSENT_SENTENCE = (
    "Your email is shown to someone you met only when you both said yes to each other: here, "
    "when registering (a yes to everyone you meet), on a partner's form, or by choosing "
    "\u201cstay in touch\u201d afterwards; nobody is told about a yes that is not returned."
)

#: ``(froms, tos)`` -> the ``(from pk, to pk)`` pairs among them where ``from`` said yes to
#: ``to`` in one person-to-person way (one query)
ContactWish = Callable[[Collection[int], Collection[int]], Collection[tuple[int, int]]]
_sources: list[ContactWish] = []


def register_contact_wish(source: ContactWish) -> ContactWish:
    """Count ``source``'s per-person yeses in :func:`may_see_contact` (registered once)."""
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


def _says_yes(a: Registration, b: Registration, wishes: Collection[tuple[int, int]]) -> bool:
    return a.consent_share_email or (a.pk, b.pk) in wishes


def contact_wishes(
    viewer: Registration, people: Sequence[Registration]
) -> frozenset[tuple[int, int]]:
    """The per-person yeses between ``viewer`` and ``people``, both ways, as ``(from, to)``
    pairs; one query per registered source, none when the up-front ticks settle everyone."""
    open_ = [
        p.pk
        for p in people
        if p.pk != viewer.pk
        and p.event_id == viewer.event_id
        and not (viewer.consent_share_email and p.consent_share_email)
    ]
    if not open_:
        return frozenset()
    everyone = [viewer.pk, *open_]
    return frozenset(
        (a, b)
        for source in _sources
        for a, b in source(everyone, everyone)
        if viewer.pk in (a, b) and a != b
    )


def mutual_consents(viewer: Registration, people: Sequence[Registration]) -> frozenset[int]:
    """The pks among ``people`` whose contact details ``viewer`` may see and who may see
    ``viewer``'s: each said yes to the other (see the module)."""
    wishes = contact_wishes(viewer, people)
    return frozenset(p.pk for p in people if p.pk != viewer.pk and _mutual(viewer, p, wishes))


def _mutual(a: Registration, b: Registration, wishes: Collection[tuple[int, int]]) -> bool:
    return a.event_id == b.event_id and _says_yes(a, b, wishes) and _says_yes(b, a, wishes)


def may_see_contact(
    viewer: Registration, person: Registration, mutual: Collection[int] | None = None
) -> bool:
    """Whether ``viewer`` may see ``person``'s contact details: yes for themselves, otherwise
    only when each said yes to the other, in the same event (see the module). ``mutual``,
    from :func:`mutual_consents`, spares the queries when deciding for many people."""
    if viewer.pk == person.pk:
        return True
    if viewer.event_id != person.event_id:
        return False
    if mutual is None:
        mutual = mutual_consents(viewer, [person])
    return person.pk in mutual


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
