"""Every participant page and email, crawled: an address only where both people agreed.

Three events of one community, one in three people not agreeing to share their email: a
live one in its first round, a fully async one (intros, answers, digests sent, groups with
messages) and a finished one (held meetings, stay-in-touch wishes, summaries sent). Then
every participant route the URL resolver knows (all but the organizers' and the admin's,
so a new page is crawled without touching this file) is fetched for every registration,
with every partner, meeting and media id of its event, and every email sent is read.

It fails both ways: on any address of another person shown where the two did not both
agree (as this test seeded it, independently of the code's rule), and on a page or email
that should show an agreed address and does not.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from netweave.web.common.onetime import arm
from netweave.web.events.invites import send_registration_email
from netweave.web.events.models import Event, Registration, RegistrationRequest
from netweave.web.followup.domain.summaries import send_summaries
from netweave.web.followup.queries.held import event_is_over, meetings_held
from netweave.web.intros.domain.digests import send_digest
from netweave.web.intros.models import Digest, Post
from netweave.web.intros.queries.meetings import meetings_of_event
from netweave.web.live.domain.state import live_state, next_round, start_event
from netweave.web.live.models import HeldMeeting, HeldSeat
from netweave.web.mail.domain import preferences_token
from netweave.web.mail.due import send_due
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.storage import save_plan
from netweave.web.matching.models import GroupSeat, Seat
from netweave.web.matching.queries.schedule import published_plan
from netweave.web.privacy.models import PrivacyConfirmation
from tests.web.factories import (
    AnswersFactory,
    CommunityFactory,
    EventFactory,
    GroupFactory,
    IntroFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
    StayInTouchFactory,
    example_plan,
)

pytestmark = pytest.mark.django_db

#: organizers may see their members' addresses: their pages are not crawled here
NOT_PARTICIPANT_PAGES = {"orga", "admin"}
#: routes whose every answer is 405 to a GET are written once and skipped after
GET_REFUSED = 405


def _agrees(k: int) -> bool:
    """One in three people did not agree to share their email."""
    return k % 3 != 2


@dataclass
class World:
    """The seeded events, and who agreed with whom (the oracle, kept apart from the code)."""

    registrations: list[Registration] = field(default_factory=list)
    #: ``(from, to)``: ``from`` said yes to ``to`` alone (stay in touch, a partner form's tick)
    yes: set[tuple[int, int]] = field(default_factory=set)

    def says_yes(self, a: Registration, b: Registration) -> bool:
        """The one consent model: the tick when registering is a yes to everyone met."""
        return a.consent_share_email or (a.pk, b.pk) in self.yes

    def agreed(self, viewer: Registration, other: Registration) -> bool:
        if viewer.pk == other.pk:
            return True
        if viewer.event_id != other.event_id:
            return False
        return self.says_yes(viewer, other) and self.says_yes(other, viewer)

    def owner_of(self, address: str) -> Registration:
        (found,) = [r for r in self.registrations if r.member.email == address]
        return found


def _people(world: World, event: Event, count: int, tag: str, **fields) -> list[Registration]:
    start = len(world.registrations)
    regs = [
        RegistrationFactory(
            event=event,
            consent_share_email=_agrees(k),
            member__name=f"{tag.title()} Person {k}",
            member__email=f"{tag}{k}@contact.test",
            **fields,
        )
        for k in range(start, start + count)
    ]
    world.registrations += regs
    return regs


def _live_event(world: World, community) -> None:
    """The factories' example plan (8 live, 1 async), published, in its first round."""
    event = EventFactory(community=community, rounds=2, status=Event.Status.PLANNED)
    regs = _people(world, event, 8, "live")
    regs += _people(world, event, 1, "liveasync", mode=Registration.Mode.ASYNC)
    publish_plan(save_plan(event, example_plan(regs), note="Generated"))
    start_event(event, live_state(event).version)
    next_round(event, live_state(event).version)


def _async_event(world: World, community, run) -> None:
    """Six people, fully async, two rounds and two groups, over: intros, answers with a
    shared contact answer (a phone number), group messages, every digest and summary sent."""
    event = EventFactory(
        community=community,
        fully_async=True,
        rounds=2,
        # over: the last answer window (three days, to a morning in each zone) has closed
        starts_at=timezone.now() - dt.timedelta(days=5),
        status=Event.Status.PUBLISHED,
    )
    regs = _people(world, event, 6, "async", mode=Registration.Mode.ASYNC)
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    for number, pairs in ((1, [(0, 1), (2, 3), (4, 5)]), (2, [(0, 2), (1, 4), (3, 5)])):
        for a, b in pairs:
            MeetingFactory(
                plan=plan, round=number, room=None, is_async=True, seats=[regs[a], regs[b]]
            )
    for members in (regs[:3], regs[3:]):
        group = GroupFactory(plan=plan, seats=members)
        Post.objects.create(group=group, author=members[0], text="Hello, group!")
    partners = meetings_of_event(event)
    by_pk = {r.pk: r for r in regs}
    for k, reg in enumerate(regs):
        IntroFactory(registration=reg)
        for other_pk in partners[reg.pk]:
            # a phone number, and the tick that is a yes to this partner: person 2, who did
            # not agree when registering, says yes here; person 5 says yes to nobody
            share = k != 5
            AnswersFactory(
                subject=by_pk[other_pk],
                author=reg,
                contact="+44 20 7946 0000",
                share_contact=share,
            )
            if share:
                world.yes.add((reg.pk, other_pk))
    # a pair's thread (open: they answered each other)
    Post.objects.create(pair_low=regs[0], pair_high=regs[1], author=regs[0], text="Hello!")
    meetings_held(event)
    for reg in regs:
        send_digest(Registration.objects.get(pk=reg.pk))
    with run():
        send_summaries(event)


def _finished_event(world: World, community, run) -> None:
    """The example plan, held and done, with stay-in-touch wishes and summaries sent."""
    event = EventFactory(community=community, rounds=2, status=Event.Status.PLANNED)
    regs = _people(world, event, 8, "done")
    regs += _people(world, event, 1, "doneasync", mode=Registration.Mode.ASYNC)
    publish_plan(save_plan(event, example_plan(regs), note="Generated"))
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DONE)
    event.refresh_from_db()
    meetings_held(event)
    trio = HeldMeeting.objects.get(event=event, round=1, seats__registration=regs[0])
    # 1 and 2 exchanged wishes (2 did not tick "share"); 0 wished it of 2 alone
    for a, b in ((1, 2), (2, 1), (0, 2)):
        StayInTouchFactory(meeting=trio, from_registration=regs[a], to_registration=regs[b])
    world.yes |= {(regs[a].pk, regs[b].pk) for a, b in ((1, 2), (2, 1), (0, 2))}
    with run():
        send_summaries(event)


@pytest.fixture
def world(django_capture_on_commit_callbacks, settings, tmp_path) -> World:
    settings.STORAGES = {
        **settings.STORAGES,
        "intros": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    world = World()
    community = CommunityFactory()
    run = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731
    _live_event(world, community)
    _async_event(world, community, run)
    _finished_event(world, community, run)
    with django_capture_on_commit_callbacks(execute=True):
        for reg in world.registrations:
            send_registration_email(reg, updated=False)
    send_due(timezone.now())
    world.registrations = list(
        Registration.objects.select_related("member", "event").order_by("pk")
    )
    return world


# --------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    name: str
    #: Django's route syntax, from the site root: "p/<str:token>/live/"
    pattern: str

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.pattern)

    def url(self, values: dict[str, object]) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), self.pattern)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in NOT_PARTICIPANT_PAGES:
                continue
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}:{entry.name}", prefix + str(entry.pattern))


def participant_routes() -> list[Route]:
    return list(_walk(get_resolver()))


def _emailed_secret(route: Route, viewer: Registration, same_event: list[int]) -> str:
    """A working confirmation link of the viewer's own: answers naming everyone of their
    event (the page shows the requested people), or a data download."""
    if route.pattern.startswith("confirm/"):
        answers = {"name": viewer.member.name, "requests": same_event}
        row = RegistrationRequest.objects.create(
            event=viewer.event, email=viewer.member.email, answers=answers
        )
    else:
        row = PrivacyConfirmation.objects.create(member=viewer.member, action="download")
    secret = arm(row, dt.timedelta(hours=1))
    assert secret is not None
    return secret


def _fillings(route: Route, viewer: Registration, world: World) -> Iterator[dict[str, object]]:
    """Every way to fill ``route``'s parameters for ``viewer``: every id of their event."""
    event = viewer.event
    same_event = [r.pk for r in world.registrations if r.event_id == event.pk]
    held = list(HeldMeeting.objects.filter(event=event).values_list("pk", flat=True))
    choices: dict[str, list[object]] = {
        "community_slug": [event.community.slug],
        "event_slug": [event.slug],
        "partner_pk": same_event,
        "owner_pk": same_event,
        "meeting_pk": held,
        "post_pk": list(Post.objects.filter(author__event=event).values_list("pk", flat=True)),
        "which": ["video", "captions"],
    }
    if "token" in route.params:
        if route.pattern.startswith("p/"):
            choices["token"] = [viewer.token]
        elif route.pattern.startswith("email/"):
            choices["token"] = [preferences_token(viewer.member)]
    if "secret" in route.params:
        choices["secret"] = [_emailed_secret(route, viewer, same_event)]
    unknown = [p for p in route.params if p not in choices]
    assert not unknown, f"teach the crawl how to fill {unknown} of {route.pattern}"
    for values in itertools.product(*(choices[p] for p in route.params)):
        yield dict(zip(route.params, values, strict=True))


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


@dataclass
class Seen:
    """What one viewer was shown: page (or email) name -> text."""

    texts: dict[str, list[str]] = field(default_factory=dict)

    def add(self, where: str, text: str) -> None:
        self.texts.setdefault(where, []).append(text)


def crawl(client, world: World) -> dict[int, Seen]:
    """GET every participant route for every registration; each page at most once."""
    seen: dict[int, Seen] = {r.pk: Seen() for r in world.registrations}
    refused: set[str] = set()
    pages: dict[str, str] = {}
    for route in participant_routes():
        for viewer in world.registrations:
            for values in _fillings(route, viewer, world):
                if route.name in refused:
                    break
                url = route.url(values)
                if url not in pages:
                    response = client.get(url)
                    assert response.status_code < 500, f"{url}: {response.status_code}"
                    if response.status_code == GET_REFUSED:
                        refused.add(route.name)
                        break
                    pages[url] = _body(response)
                seen[viewer.pk].add(route.name, pages[url])
    return seen


def _emails(world: World) -> dict[int, Seen]:
    seen: dict[int, Seen] = {r.pk: Seen() for r in world.registrations}
    for message in mail.outbox:
        (to,) = message.to
        assert message.cc == message.bcc == [], message.subject
        parts = [message.subject, message.body, str(message.extra_headers), str(message.reply_to)]
        parts += [str(content) for content, _ in getattr(message, "alternatives", [])]
        parts += [str(a[1]) for a in message.attachments]
        seen[world.owner_of(to).pk].add(f"email:{message.subject}", "\n".join(parts))
    for record in OutboxMessage.objects.all():
        seen[world.owner_of(record.to).pk].add("outbox", record.subject + record.body)
    return seen


# --------------------------------------------------------------------------- expectations


def _co_seated(seats, viewer: Registration, key: str) -> set[int]:
    mine = {getattr(s, key) for s in seats if s.registration_id == viewer.pk}
    return {s.registration_id for s in seats if getattr(s, key) in mine} - {viewer.pk}


def _planned_partners(viewer: Registration) -> set[int]:
    plan = published_plan(viewer.event)
    if plan is None:
        return set()
    meetings = _co_seated(Seat.objects.filter(meeting__plan=plan), viewer, "meeting_id")
    return meetings | _group_mates(viewer)


def _group_mates(viewer: Registration) -> set[int]:
    plan = published_plan(viewer.event)
    seats = GroupSeat.objects.filter(group__plan=plan) if plan else GroupSeat.objects.none()
    return _co_seated(seats, viewer, "group_id")


def _live_partners(viewer: Registration) -> set[int]:
    """The people the live page shows as a card with their profile now: not the async
    partner a live participant watches (the intro card carries no address)."""
    state = live_state(viewer.event)
    seats = HeldSeat.objects.filter(meeting__event=viewer.event, meeting__round=state.round)
    if viewer.mode != Registration.Mode.ASYNC:
        seats = seats.filter(meeting__is_async=False)
    return _co_seated(seats, viewer, "meeting_id") if state.phase == "round" else set()


def _met(viewer: Registration) -> set[int]:
    if not event_is_over(viewer.event):
        return set()
    return _co_seated(HeldSeat.objects.filter(meeting__event=viewer.event), viewer, "meeting_id")


def _digest_partners(viewer: Registration) -> set[int]:
    if not Digest.objects.filter(registration=viewer, sent_at__isnull=False).exists():
        return set()
    return set(meetings_of_event(viewer.event).get(viewer.pk, []))


#: the pages (and emails, by subject start) that show the people in them with their profile
SHOWS_PROFILES = {
    "portal:mine": _planned_partners,
    "portal:live": _live_partners,
    "portal:live_poll": _live_partners,
    "portal:intro_group": _group_mates,
    "portal:intro_digest": _digest_partners,
    "portal:summary": _met,
    "email:What your partners": _digest_partners,
    "email:Whom you met": _met,
}


def _where(name: str, texts: dict[str, list[str]]) -> list[str]:
    return [t for key, found in texts.items() if key.startswith(name) for t in found]


# --------------------------------------------------------------------------- the tests


def _leaks(world: World, shown: dict[int, Seen]) -> list[str]:
    leaks = []
    for viewer in world.registrations:
        for where, texts in shown[viewer.pk].texts.items():
            for other in world.registrations:
                if any(other.member.email in t for t in texts) and not world.agreed(viewer, other):
                    leaks.append(f"{viewer.member.email} sees {other.member.email} at {where}")
    return leaks


def _missing(world: World, shown: dict[int, Seen]) -> list[str]:
    by_pk = {r.pk: r for r in world.registrations}
    missing = []
    for viewer in world.registrations:
        for name, expected in SHOWS_PROFILES.items():
            texts = _where(name, shown[viewer.pk].texts)
            for other in (by_pk[pk] for pk in expected(viewer)):
                if world.agreed(viewer, other) and not any(other.member.email in t for t in texts):
                    missing.append(f"{viewer.member.email} misses {other.member.email} at {name}")
    return missing


def test_crawl_seeds_one_in_three_not_agreeing(world):
    agreed = [r.consent_share_email for r in world.registrations]
    assert (agreed.count(False), len(agreed)) == (8, 24)


def test_crawl_profile_pages_have_pairs_to_show_and_to_hide(world):
    # both checks of the crawl have work on every kind of page: a pair who agreed, and one not
    by_pk = {r.pk: r for r in world.registrations}
    for name, expected in SHOWS_PROFILES.items():
        pairs = {world.agreed(v, by_pk[pk]) for v in world.registrations for pk in expected(v)}
        assert pairs == {True, False}, name


def test_crawl_every_participant_page_and_email_shows_addresses_only_where_both_agreed(
    client, world
):
    shown = crawl(client, world)
    for pk, emails in _emails(world).items():
        shown[pk].texts.update(emails.texts)
    names = {r.name for r in participant_routes()}
    assert {n for n in SHOWS_PROFILES if n.startswith("portal:")} <= names
    unseen = [n for n in SHOWS_PROFILES if not any(_where(n, s.texts) for s in shown.values())]
    assert unseen == []
    assert {"leaks": _leaks(world, shown), "missing": _missing(world, shown)} == {
        "leaks": [],
        "missing": [],
    }
