"""A whole event day in one run, as a host runs it in one Zoom meeting where participants choose
their breakout room: check-in from a pasted Zoom list (one registered person absent, a name
with a curly apostrophe and pronouns) and a walk-in, four rounds, a re-plan after someone
leaves, a broadcast while a partner's intro video plays, the small groups and the end.

The host's console and the participants' pages are driven in the browser; the event itself is
built with factories and the real planning verbs. What the pages say is read from the pages:
the rooms and pairs of each round from the console's text for Zoom's chat, which every
participant's live page and personal page must agree with, at every step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.factories import (
    PASSWORD,
    PERSONAL_LINK,
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    UserFactory,
    emailed_path,
    mp4_bytes,
)

#: the registered people, all live but the last (async, with an intro video)
LIVE = [
    "Ana Pereira",
    "Kofi Mensah",
    "Mei Tanaka",
    "Lucas Silva",
    "Priya Nair",
    "Liam O'Brien",
    "Amara Okafor",
    "Sofia Rossi",
    "Diego Lopez",
    "Jonas Berg",
]
ASYNC = "Noah Walker"
ABSENT = "Jonas Berg"  # registered, never in the meeting
WALK_IN = ("Hana Kim", "hana.kim@example.org", "Africa/Lagos")
#: Zoom's participant list as it is pasted: pronouns, devices, a curly apostrophe, the host
ZOOM_LIST = """Ana Pereira (Host, me)
Kofi Mensah (he/him)
Mei Tanaka's iPhone
Lucas Silva
Priya Nair
Liam O\u2019Brien (she/her)
Amara Okafor
Sofia Rossi
Diego Lopez - iPad
"""
SLOW = 20_000  # ms: two cores shared by several test runs


@dataclass(frozen=True)
class Seat:
    """Where one person is in a round, as the host's chat text says."""

    room: str | None  # "Room 03"; None for an async meeting (watched on the page)
    others: tuple[str, ...]


def _seats(chat: str, number: int) -> dict[str, Seat]:
    """Each person's seat in round ``number`` from the console's text for Zoom's chat."""
    seats: dict[str, Seat] = {}
    for line in chat.splitlines():
        if m := re.fullmatch(rf"Round {number}: (Room \d+) - (.+)", line):
            room, who = m.groups()
            people = [who.removesuffix(" with the host")]
            if not who.endswith(" with the host"):
                people = re.split(r", | & ", who)
            for name in people:
                seats[name] = Seat(room, tuple(p for p in people if p != name))
        elif m := re.fullmatch(rf"Round {number}: (.+) - watch (.+)'s intro on your page.*", line):
            watcher, watched = m.groups()
            seats[watcher] = Seat(None, (watched,))
            seats[watched] = Seat(None, (watcher,))
    return seats


def _event_day():
    """The organizer, an event of 4 rounds where participants choose their room, its
    registrations by name, and its plan published. Made before any page is open."""
    from netweave.web.events.models import RoomMode
    from netweave.web.intros.domain.intros import save_intro_video
    from netweave.web.matching.domain import publish_plan, request_plan

    host = UserFactory()
    event = EventFactory(
        community=CommunityFactory(organizers=[host]),
        title="Community forum",
        rounds=4,
        room_mode=RoomMode.ZOOM_CHOOSE,
        meeting_url="https://zoom.us/j/81234567890",
        meeting_id="812 3456 7890",
    )
    regs = {
        name: RegistrationFactory(
            event=event,
            member__name=name,
            member__email=name.lower().replace(" ", ".").replace("'", "") + "@example.org",
        )
        for name in LIVE
    }
    noah = RegistrationFactory(event=event, member__name=ASYNC, mode="async")
    # the async person recorded an intro before the plan: live people may be sent to it
    save_intro_video(noah, SimpleUploadedFile("noah.mp4", mp4_bytes(30), "video/mp4"))
    regs[ASYNC] = noah
    version = request_plan(event, None)
    version.refresh_from_db()
    publish_plan(version)
    return host, event, regs


def _console(site, host, event):
    page = site.context.new_page()
    page.goto(site.base + "/orga/login/")
    page.fill("input[name=username]", host.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/orga/$"))
    page.goto(f"{site.base}/orga/events/{event.pk}/live/")
    return page


def _click_and_load(page, locator) -> None:
    """Click a button of a plain form and wait for the page the server answers with."""
    with page.expect_navigation(timeout=SLOW):
        locator.click()
    page.wait_for_load_state()


def _checked_in(site, console) -> None:
    """The host opens check-in, pastes Zoom's list, marks the one registered person who is
    not in it absent, and adds a walk-in who is welcomed by email."""
    _click_and_load(console, console.locator(".next-step button", has_text="Open the event"))
    console.locator("#check-in").wait_for()
    site.visit(console, "event-day-check-in")

    console.click("summary:has-text('Paste Zoom')")
    console.fill("textarea[name=text]", ZOOM_LIST)
    _click_and_load(console, console.locator("button", has_text="Find these people"))
    found = console.locator("ul.review").first.inner_text()
    for name in LIVE:
        assert (name in found) == (name != ABSENT), (name, found)
    # the curly apostrophe and "(she/her)" still find Liam O'Brien, who is no walk-in
    assert "Liam O’Brien (she/her)" in found
    names = console.locator("input[name=name]")
    assert "Brien" not in " ".join(names.nth(i).input_value() for i in range(names.count()))
    _visit_posted(site, console, "event-day-check-in-review")
    _click_and_load(console, console.locator("button", has_text="Mark the ticked people present"))
    assert console.locator("tr.attendance.present").count() == len(LIVE) - 1

    console.get_by_role("button", name=f"Absent: {ABSENT}", exact=True).click()
    console.locator(f"tr.attendance.absent:has-text('{ABSENT}')").wait_for()

    name, email, zone = WALK_IN
    sent = len(mail.outbox)
    console.click("#walk-in summary")
    form = console.locator("#walk-in form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    form.locator("select[name=timezone]").select_option(zone)
    _click_and_load(console, form.locator("button", has_text="Add and check in"))
    console.locator(f"tr.attendance.present:has-text('{name}')").wait_for()
    welcome = [m for m in mail.outbox[sent:] if email in m.to]
    assert len(welcome) == 1, [m.subject for m in mail.outbox[sent:]]
    body = welcome[0].body
    assert "Didn't ask for this" not in body
    assert "once the plan is published" not in body
    assert "The first round starts soon" in body
    assert "/live/" in body
    assert f"Your pages show times in {zone}" in body
    site.visit(console, "event-day-walk-in")


def _visit_posted(site, page, name: str) -> None:
    """``site.visit`` for a page that answers a form: scanned where it is (a second tab
    cannot open it again), then photographed."""
    if found := site.axe.check(page, name):
        site.serious[name] = found
    site.visit(page, name)


def _round_ready(console, number: int) -> dict[str, Seat]:
    """Round ``number`` as it will run: re-planned first when the console's single next
    action says so (someone absent is placed, someone present is not); its seats."""
    step = console.locator(".next-step button.big")
    if step.inner_text().startswith("Re-plan"):
        _click_and_load(console, step)
        console.locator("#next", has_text="Re-planned at").wait_for()
    assert console.locator(".next-step button.big").inner_text() == f"Start round {number}"
    assert not console.locator("#next .message.warning").count()
    return _seats(console.locator("#chat-text").input_value(), number)


def _pair_to_break(console, followed: list[str]) -> tuple[str, str]:
    """Two people who are to meet as a pair in round 2 (as it stands during round 1), both
    here and neither followed yet: the first is to leave, the second to be re-paired."""
    for name, seat in _seats(console.locator("#chat-text").input_value(), 2).items():
        people = {name, *seat.others}
        if seat.room and len(people) == 2 and not people & {ABSENT, ASYNC, *followed}:
            return name, seat.others[0]
    raise AssertionError("round 2 has no pair of two people here")


def _start(console, label: str, heading: str) -> None:
    _click_and_load(console, console.locator(".next-step button.big", has_text=label))
    console.locator("#now", has_text=heading).wait_for(timeout=SLOW)


class People:
    """A live page open for each person followed, and a tab for their personal page."""

    def __init__(self, site, tokens: dict[str, str]) -> None:
        self.site = site
        self.tokens = tokens
        self.live: dict[str, object] = {}
        self.mine = site.context.new_page()

    def live_page(self, name: str):
        if name not in self.live:
            page = self.site.context.new_page()
            page.goto(f"{self.site.base}/p/{self.tokens[name]}/live/")
            self.live[name] = page
        return self.live[name]

    def personal(self, name: str) -> str:
        self.mine.goto(f"{self.site.base}/p/{self.tokens[name]}/")
        return self.mine.inner_text("main")

    def round_agrees(self, name: str, number: int, seat: Seat, gone: str = "") -> None:
        """``name``'s live page and personal page both show ``seat`` for round ``number``:
        the room to choose in big type, whom they meet, and never ``gone``."""
        live = self.live_page(name)
        live.locator("#live-head", has_text=f"Round {number}").wait_for(timeout=SLOW)
        if seat.room:
            live.locator("p.room-now", has_text=f"Join {seat.room}").wait_for(timeout=SLOW)
        stage = live.inner_text("#live-stage")
        self.mine.goto(f"{self.site.base}/p/{self.tokens[name]}/")
        slot = self.mine.inner_text(f"section[aria-labelledby=round-{number}]")
        for text in (stage, slot):
            for other in seat.others:
                assert other in text, (name, number, other, text)
            if gone:
                assert gone not in text, (name, number, gone, text)
        if seat.room:
            assert seat.room in slot, (name, slot)
        else:
            assert "intro" in stage
            assert "intro" in slot

    def group_agrees(self, name: str) -> set[str]:
        """``name``'s group on the live page is the group on their personal page."""
        live = self.live_page(name)
        live.locator("#live-stage .group").wait_for(timeout=SLOW)
        stage = live.inner_text("#live-stage .group")
        self.mine.goto(f"{self.site.base}/p/{self.tokens[name]}/")
        group = self.mine.inner_text("section[aria-labelledby=group]")
        members = {n for n in [*LIVE, ASYNC, WALK_IN[0]] if n in stage and n != name}
        assert members, stage
        assert members == {n for n in [*LIVE, ASYNC, WALK_IN[0]] if n in group and n != name}
        return members


def _watch_while_broadcast(site, console, people: People, watcher: str, watched: str) -> None:
    """``watcher`` plays ``watched``'s intro; the host broadcasts; the video plays on."""
    live = people.live_page(watcher)
    live.locator("#live-stage video").wait_for(timeout=SLOW)
    assert f"Watch {watched}'s intro" in live.inner_text("#live-stage")
    live.evaluate(
        """() => {
          const video = document.querySelector('#live-stage video');
          window.watched = video;
          video.currentTime = 9;  // a new element would be back at 0:00
        }"""
    )
    console.fill("textarea[name=broadcast]", "Five minutes left in this round")
    _click_and_load(console, console.locator("button", has_text="Save and show"))
    live.locator("#live-banner .broadcast", has_text="Five minutes left").wait_for(timeout=SLOW)
    live.wait_for_timeout(3_500)  # longer than a poll: the polls since left the video alone
    kept = live.evaluate(
        """() => ({
          same: window.watched === document.querySelector('#live-stage video')
                && window.watched.isConnected,
          position: window.watched.currentTime,
        })"""
    )
    assert kept == {"same": True, "position": 9}
    site.visit(live, "event-day-broadcast-video")


def _as_it_happened(
    site, people: People, held: dict[int, dict[str, Seat]], followed: list[str], left: str
) -> None:
    """After the end, the personal pages show what really happened: the rounds held with the
    people who were there; nothing after round 1 for who left, nothing for who never came."""
    for name in followed:
        live = people.live_page(name)
        live.locator("text=thank you for coming").wait_for(timeout=SLOW)
        mine = people.personal(name)
        assert "As the event really went" in mine, mine
        for number, seats in held.items():
            slot = people.mine.inner_text(f"section[aria-labelledby=round-{number}]")
            for other in seats[name].others:
                assert other in slot, (name, number, other, slot)
        assert left not in people.mine.inner_text("section[aria-labelledby=round-2]")
    site.visit(people.mine, "event-day-personal-after")
    # who left after round 1 met nobody after it; who never came met nobody at all
    people.personal(left)
    round_1 = people.mine.inner_text("section[aria-labelledby=round-1]")
    assert all(other in round_1 for other in held[1][left].others), round_1
    for name, rounds in ((left, range(2, 5)), (ABSENT, range(1, 5))):
        people.personal(name)
        for number in rounds:
            slot = people.mine.inner_text(f"section[aria-labelledby=round-{number}]")
            assert "No meeting for you in this round" in slot, (name, number, slot)
    site.visit(people.mine, "event-day-personal-absent-after")


def test_a_whole_event_day_with_participants_choosing_their_room(site):
    host, event, regs = _event_day()
    tokens = {name: reg.token for name, reg in regs.items()}
    console = _console(site, host, event)
    site.visit(console, "event-day-console")
    _checked_in(site, console)
    walk_in = WALK_IN[0]
    tokens[walk_in] = emailed_path(mail.outbox, PERSONAL_LINK, to=WALK_IN[1]).split("/")[2]
    people = People(site, tokens)
    followed = ["Liam O'Brien", walk_in]
    for name in followed:
        # before round 1: the live page says to wait in the main room, the personal page
        # has no round held yet
        live = people.live_page(name)
        live.locator("#live-stage", has_text="The first round starts soon").wait_for()
        assert "As the event really went" not in people.personal(name)
    watched_once = False
    left = left_partner = ""  # who leaves during round 1, and whom they were to meet next
    held: dict[int, dict[str, Seat]] = {}

    for number in range(1, 5):
        seats = _round_ready(console, number)
        assert ABSENT not in seats
        # everyone checked in has a seat, in a room or with the async person's intro
        assert {walk_in, *LIVE} - {ABSENT, left} <= set(seats), seats
        gone = ""
        if number == 2:
            gone = left
            # whoever was to meet the one who left meets someone else: the live page and
            # the personal page both say so
            assert gone not in {o for s in seats.values() for o in s.others}
            followed.append(left_partner)
        _start(console, f"Start round {number}", f"Round {number} is running")
        held[number] = seats
        for name in followed:
            people.round_agrees(name, number, seats[name], gone)
        site.visit(people.live_page(followed[0]), f"event-day-live-round-{number}")
        watchers = [n for n, s in seats.items() if s.room is None and n != ASYNC]
        if watchers and not watched_once:
            people.round_agrees(watchers[0], number, seats[watchers[0]])
            _watch_while_broadcast(site, console, people, watchers[0], ASYNC)
            watched_once = True
        if number == 1:
            # someone leaves the meeting during round 1: round 2 is re-planned without them
            left, left_partner = _pair_to_break(console, followed)
            console.get_by_role("button", name=f"Absent: {left}", exact=True).click()
            console.locator(f"tr.attendance.absent:has-text('{left}')").wait_for()
            console.reload()
            assert console.locator(".next-step button.big").inner_text().startswith("Re-plan")
    assert watched_once, "no round had a live person watching the async person's intro"

    _start(console, "Start the small groups", "The small groups are running")
    for name in followed[:2]:
        assert not people.group_agrees(name) & {ABSENT, left}
    site.visit(people.live_page(followed[0]), "event-day-live-groups")
    _start(console, "End the event", "The event has ended")
    site.visit(console, "event-day-console-ended")

    _as_it_happened(site, people, held, followed, left)
    assert not site.serious, site.serious
