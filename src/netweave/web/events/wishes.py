"""Private wishes: "would love to meet" and "no thanks", said by a participant about the
other registrants of an event, on their own page, while the organizers keep it open.

The one module that reads and writes :class:`~netweave.web.events.models.Wish` rows. A
"no thanks" is never shown to anyone but the person who said it, organizers included:
what leaves this module is a person's *own* wishes (:func:`own_wishes`), counts
(:func:`wish_counts`), and the planner's inputs (:func:`planner_wishes`), which the
matching app turns into requests and avoid lists without ever naming whose they are.

The list of who is coming can hold hundreds of people, so a participant reads it a page at
a time (:func:`coming_page`): searched by what the list shows of them (name and the
community they manage, nothing else), optionally narrowed to the people they marked, always
in the same order (by name), so that paging is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from netweave.web.common.errors import DomainError
from netweave.web.events.models import Event, Registration, Wish
from netweave.web.events.registering import is_locked, listed_registrants

__all__ = [
    "COMING_PAGE_SIZE",
    "QUERY_MAX_LENGTH",
    "ComingPage",
    "WishCounts",
    "WishesClosedError",
    "close_wishes",
    "coming",
    "coming_page",
    "coming_query",
    "own_wishes",
    "planner_wishes",
    "search_coming",
    "set_wish",
    "set_wishes",
    "wish_counts",
]

Kind = Wish.Kind


class WishesClosedError(DomainError):
    """The organizers have not opened "would love to meet" / "no thanks" for this event."""


def _core_id(email: str) -> str:
    return email.strip().lower()


def coming(registration: Registration) -> QuerySet[Registration]:
    """The other registrations of the event whose members agreed to be listed
    (:func:`~netweave.web.events.registering.listed_registrants`): whom ``registration``
    may say a wish about, by name. Staff hosts are not matched, so they are not listed."""
    event = registration.event
    return (
        Registration.objects.filter(
            event=event, member__in=listed_registrants(event), is_host=False
        )
        .exclude(pk=registration.pk)
        .select_related("member")
        # case-blind on every database (SQLite compares bytes: "bo" after "Cy")
        .order_by(Lower("member__name"), "pk")
    )


#: people per page of the list of who is coming
COMING_PAGE_SIZE = 50
#: a longer search is cut to this many characters: a name or a community fits, and a pasted
#: page of text should neither fail nor turn into dozens of database conditions
QUERY_MAX_LENGTH = 100


def coming_query(raw: str) -> str:
    """``raw`` as the list is searched for it: runs of spaces squeezed, cut to
    :data:`QUERY_MAX_LENGTH` characters."""
    return " ".join(raw.split())[:QUERY_MAX_LENGTH].rstrip()


def search_coming(
    registration: Registration, query: str = "", *, marked_only: bool = False
) -> QuerySet[Registration]:
    """:func:`coming`, narrowed to the people whose name or managed community contains every
    word of ``query`` (case-insensitive), and with ``marked_only`` to those ``registration``
    said a wish about; in the same order.

    Only what the list shows is searched: being listed shows a person's name and the
    community they manage, so a search by their location, email or interests would tell
    others what they never agreed to show (a match is an answer).
    """
    people = coming(registration)
    for word in query.split():
        people = people.filter(Q(member__name__icontains=word) | Q(member__manages__icontains=word))
    if marked_only:
        people = people.filter(
            pk__in=Wish.objects.filter(registration=registration).values("target")
        )
    return people


@dataclass(frozen=True)
class ComingPage:
    """One page of who is coming as ``registration`` reads it, each with their own choice."""

    #: the people on this page and this reader's choice about each (``""``: none)
    rows: list[tuple[Registration, str]]
    page: Page
    #: the search as applied (squeezed and cut)
    query: str
    #: the search given was longer than :data:`QUERY_MAX_LENGTH` and was cut
    cut: bool
    marked_only: bool
    #: how many people are on the list at all, and how many of them this reader marked
    everyone: int
    marked: int

    @property
    def matches(self) -> int:
        return self.page.paginator.count


def coming_page(
    registration: Registration,
    query: str = "",
    page: object = 1,
    *,
    marked_only: bool = False,
) -> ComingPage:
    """The ``page``-th :data:`COMING_PAGE_SIZE` people of :func:`search_coming`; a page that
    is not a number is the first, one past the end the last (never an error)."""
    applied = coming_query(query)
    people = search_coming(registration, applied, marked_only=marked_only)
    shown = Paginator(people, COMING_PAGE_SIZE).get_page(page)
    held = own_wishes(registration)
    everyone = coming(registration)
    return ComingPage(
        rows=[(r, held.get(r.pk, "")) for r in shown],
        page=shown,
        query=applied,
        cut=len(" ".join(query.split())) > QUERY_MAX_LENGTH,
        marked_only=marked_only,
        everyone=everyone.count(),
        marked=everyone.filter(pk__in=list(held)).count(),
    )


def own_wishes(registration: Registration) -> dict[int, str]:
    """Target registration pk -> ``"love"`` or ``"no"``: this person's own wishes only."""
    return dict(Wish.objects.filter(registration=registration).values_list("target_id", "kind"))


def set_wish(registration: Registration, target_pk: int, kind: str) -> None:
    """Record ``registration``'s wish about ``target_pk`` (``"love"``, ``"no"``, or ``""``
    to take it back).

    Raises :class:`WishesClosedError` when the event is not open for wishes, and
    :class:`DomainError` for somebody who is not on the list of who is coming.
    """
    set_wishes(registration, {target_pk: kind})


def set_wishes(registration: Registration, wanted: Mapping[int, str]) -> int:
    """Record several wishes at once (target pk -> ``"love"``, ``"no"`` or ``""``), all
    or none; returns how many changed. Raises as :func:`set_wish` does."""
    event = registration.event
    if not event.wishes_open or is_locked(event):
        raise WishesClosedError
    if any(kind not in {"", *Kind.values} for kind in wanted.values()):
        raise DomainError("Choose “would love to meet”, “no thanks” or neither.")
    listed = set(coming(registration).filter(pk__in=list(wanted)).values_list("pk", flat=True))
    if set(wanted) - listed:
        raise DomainError("This person is not on the list of who is coming.")
    held = own_wishes(registration)
    changed = {pk: kind for pk, kind in wanted.items() if held.get(pk, "") != kind}
    with transaction.atomic():
        gone = [pk for pk, kind in changed.items() if not kind]
        Wish.objects.filter(registration=registration, target_id__in=gone).delete()
        for pk, kind in changed.items():
            if kind:
                Wish.objects.update_or_create(
                    registration=registration, target_id=pk, defaults={"kind": kind}
                )
    return len(changed)


def close_wishes(event: Event) -> None:
    """No more wishes for ``event`` (a plan is being made from them)."""
    Event.objects.filter(pk=event.pk, wishes_open=True).update(wishes_open=False)
    event.wishes_open = False


@dataclass(frozen=True)
class WishCounts:
    """What organizers may know about the wishes: how many, never who about whom."""

    people: int
    love: int
    no_thanks: int


def wish_counts(event: Event) -> WishCounts:
    """How many participants said a wish, and how many of each kind (one query)."""
    rows = Wish.objects.filter(registration__event=event)
    by_kind = dict(rows.values_list("kind").annotate(n=Count("pk")).order_by())
    people = rows.values("registration_id").distinct().count()
    return WishCounts(people, by_kind.get(Kind.LOVE, 0), by_kind.get(Kind.NO, 0))


def planner_wishes(event: Event) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Core id -> the core ids they would love to meet, and -> those they said "no
    thanks" to: the planner's requests and avoid lists (one query). For the matching app's
    reading of the event only; never shown."""
    rows = Wish.objects.filter(registration__event=event, target__event=event).values_list(
        "registration__member__email", "target__member__email", "kind"
    )
    love: dict[str, list[str]] = defaultdict(list)
    no: dict[str, list[str]] = defaultdict(list)
    for asker, target, kind in rows.order_by("registration_id", "target_id"):
        (love if kind == Kind.LOVE else no)[_core_id(asker)].append(_core_id(target))
    return dict(love), dict(no)
