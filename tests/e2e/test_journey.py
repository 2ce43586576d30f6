"""One event from set-up to follow-up, through the real pages in a real browser.

Each test reads as a story; they share nothing but the fixtures, so each builds what it needs
through the pages themselves (``_opened_event`` and ``_registered`` are steps of the story).
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core import mail

from tests.web.factories import PASSWORD, CommunityFactory, UserFactory, mp4_bytes

PEOPLE = [
    # name, time zone, interests, mode
    ("Ana Pereira", "Europe/Lisbon", "onboarding, mentoring", "live"),
    ("Kofi Mensah", "Africa/Accra", "mentoring, events", "live"),
    ("Mei Tanaka", "Asia/Tokyo", "open science, data", "live"),
    ("Lucas Silva", "America/Sao_Paulo", "volunteers, events", "live"),
    ("Priya Nair", "Asia/Kolkata", "data, diversity", "live"),
    ("Jonas Berg", "Europe/Oslo", "onboarding, code review", "live"),
    ("Amara Okafor", "Africa/Lagos", "diversity, mentoring", "live"),
    ("Sofia Rossi", "Europe/Rome", "events, newsletters", "live"),
    ("Diego Lopez", "America/Mexico_City", "open science, volunteers", "live"),
    ("Hana Kim", "Asia/Seoul", "code review, data", "live"),
    ("Noah Walker", "Australia/Sydney", "newsletters, onboarding", "async"),
    ("Ella Brown", "Australia/Sydney", "mentoring, open science", None),
]


def _slug(name: str) -> str:
    return name.lower().replace(" ", ".")


def _login(site, page, user) -> None:
    page.goto(site.base + "/orga/login/")
    site.visit(page, "orga-login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/orga/$"))


def _opened_event(site, page):
    """The organizer signs in, creates an event at 14:00 UTC and opens its registration."""
    from netweave.web.events.models import Event

    user = UserFactory()
    community = CommunityFactory(organizers=[user], name="Open Science Hosts")
    _login(site, page, user)
    site.visit(page, "orga-dashboard")
    page.click("text=New event")
    page.fill("input[name=title]", "Spring forum")
    page.select_option("select[name=timezone]", "UTC")
    page.fill("input[name=starts_at]", "2031-03-20T14:00")
    page.fill("input[name=rounds]", "3")
    page.fill("input[name=minutes_per_round]", "8")
    page.fill("input[name=group_min]", "4")
    page.fill("input[name=group_max]", "6")
    page.fill("input[name=group_minutes]", "20")
    site.visit(page, "orga-event-form")
    page.click("button:has-text('Create event')")
    page.wait_for_url(re.compile(r"/orga/events/\d+/$"))
    event = Event.objects.get(community=community)
    page.click("button:has-text('Open registration')")
    page.wait_for_load_state()
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    site.visit(page, "orga-event")
    return event


def _register(site, page, event, name, tz, interests, mode, *, shoot=False) -> None:
    page.goto(f"{site.base}/e/{event.community.slug}/{event.slug}/register/")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", f"{_slug(name)}@example.org")
    page.fill("input[name=organization]", f"{name.split()[1]} Lab")
    page.fill("input[name=manages]", "a community of practice")
    page.select_option("select[name=timezone]", tz)
    page.fill("input[name=interests]", interests)
    page.fill("textarea[name=about]", f"{name} runs a community about {interests}.")
    page.fill("textarea[name=looking_for]", f"Someone who knows about {interests.split(',')[0]}.")
    if mode:
        page.check(f"input[name=mode][value={mode}]", force=True)
    page.check("input[name=consent_share_email]", force=True)
    if shoot:
        site.visit(page, "portal-register")
    page.click("button:has-text('Register')")
    # the same answer for every address: the personal link only ever goes by email
    page.wait_for_url(re.compile(r"/register/sent/$"))
    assert "Check your inbox" in page.inner_text("h1")


def _registered(site, page, event) -> None:
    """A dozen people register through the public form."""
    for i, (name, tz, interests, mode) in enumerate(PEOPLE):
        _register(site, page, event, name, tz, interests, mode, shoot=i == 0)


def test_registration_warns_sydney_of_the_night_and_counts_a_dozen(site):
    page = site.context.new_page()
    event = _opened_event(site, page)

    # someone in Sydney, live by default, is told that 14:00 UTC is night there
    visitor = site.context.new_page()
    visitor.goto(f"{site.base}/e/{event.community.slug}/{event.slug}/register/")
    notice = visitor.locator("#night-notice")
    assert notice.is_hidden()
    visitor.select_option("select[name=timezone]", "Australia/Sydney")
    assert notice.is_visible()
    assert "night" in notice.inner_text()
    site.visit(visitor, "portal-register-night")
    visitor.check("input[name=mode][value=async]")
    assert notice.is_hidden()

    _registered(site, page, event)
    site.visit(page, "portal-check-your-inbox")
    assert event.registrations.count() == len(PEOPLE)
    assert event.registrations.filter(mode="async").count() == 1
    assert len(mail.outbox) == len(PEOPLE)

    # Ana's address is known now: sending the form again changes nothing until she confirms
    # from the email, which shows her the changes first
    name, tz, interests, _ = PEOPLE[0]
    _register(site, page, event, name, tz, interests, "async")
    assert event.registrations.get(member__name=name).mode == "live"
    confirm = mail.outbox[-1]
    assert confirm.to == [f"{_slug(name)}@example.org"]
    page.goto(re.search(r"https?://\S+/confirm/[^/\s]+/", confirm.body).group(0))
    assert "Asynchronous" in page.inner_text("table")
    site.visit(page, "portal-confirm")
    page.click("button:has-text('Yes, these are my answers')")
    page.wait_for_selector("text=Your answers for")
    assert event.registrations.get(member__name=name).mode == "async"
    page.goto(f"{site.base}/orga/events/{event.pk}/registrations/")
    for name, *_ in PEOPLE:
        assert name in page.content()
    site.visit(page, "orga-registrations")
    assert not site.serious, site.serious


def _valid_swap(plan, pinned):
    """A round and two live people whose swap meets nobody twice: (round, a, b, a's partner)."""
    pairs = {}
    met = set()
    for m in plan.meetings.filter(is_async=False).exclude(pk=pinned.pk):
        people = list(m.seats.order_by("position").values_list("registration", flat=True))
        if len(people) == 2:
            pairs.setdefault(m.round, []).append(people)
    for m in plan.meetings.all():
        people = list(m.members.values_list("pk", flat=True))
        met |= {frozenset((p, q)) for p in people for q in people if p != q}
    for rnd, rooms in sorted(pairs.items()):
        for i, (a, x) in enumerate(rooms):
            for b, y in rooms[i + 1 :]:
                if frozenset((b, x)) not in met and frozenset((a, y)) not in met:
                    reg = plan.event.registrations.get
                    return rnd, reg(pk=a), reg(pk=b), x
    raise AssertionError("no swap possible in this plan")


def _plan_published(site, page, event):
    """The organizer generates a plan, pins a meeting, swaps two people, publishes, exports."""
    from netweave.web.matching.models import Meeting, PlanVersion

    page.goto(f"{site.base}/orga/events/{event.pk}/plan/")
    page.click("button:has-text('Generate plan')")
    page.wait_for_selector("text=Swap two people")
    first = PlanVersion.objects.get(event=event, number=1)
    assert first.state == PlanVersion.State.READY, first.error
    site.visit(page, "orga-plan-board")

    meeting = Meeting.objects.filter(plan=first, round=1, is_async=False).order_by("room").first()
    card = page.locator(f"#meeting-{meeting.pk}")
    card.locator("button:has-text('Pin')").click()
    card = page.locator(f"#meeting-{meeting.pk}")
    card.locator("button:has-text('Unpin')").wait_for()
    meeting.refresh_from_db()
    assert meeting.pinned

    rnd, a, b, x = _valid_swap(first, pinned=meeting)
    swap = page.locator("form[action$='/swap/']")
    swap.locator("select[name=swap-round]").select_option(str(rnd))
    swap.locator("select[name=swap-a]").select_option(str(a.pk))
    swap.locator("select[name=swap-b]").select_option(str(b.pk))
    swap.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plan/v2/"))
    second = PlanVersion.objects.get(event=event, number=2)
    together = [
        set(m.members.values_list("pk", flat=True)) for m in second.meetings.filter(round=rnd)
    ]
    assert {b.pk, x} in together  # b took a's place beside a's partner
    assert Meeting.objects.get(plan=second, round=1, room=meeting.room).pinned

    publish = page.locator("form[action$='/publish/']")
    publish.locator("input[name=publish-confirm]").check(force=True)
    publish.locator("button[type=submit]").click()
    page.wait_for_selector("text=Published")
    second.refresh_from_db()
    assert second.published_at is not None
    site.visit(page, "orga-plan-published")

    with page.expect_download() as download:
        page.click("a:has-text('Rooms for Zoom')")
    data = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zoom:
        names = zoom.namelist()
        assert len([n for n in names if "round" in n.lower()]) == event.rounds, names
        text = "\n".join(zoom.read(n).decode("utf-8-sig") for n in names)
    assert "ana.pereira@example.org" in text
    assert "noah.walker@example.org" not in text.split("group")[0]  # async: no live room
    return second


def test_event_from_registration_to_published_plan(site):
    page = site.context.new_page()
    event = _opened_event(site, page)
    _registered(site, page, event)
    page.goto(f"{site.base}/orga/events/{event.pk}/")
    page.click("button:has-text('Close registration')")
    page.wait_for_load_state()
    plan = _plan_published(site, page, event)

    # a participant opens the link from their email and sees a partner and why
    message = next(m for m in mail.outbox if "ana.pereira@example.org" in m.to)
    link = re.search(r"https?://\S+/p/[^/\s]+/", message.body).group(0)
    mine = site.context.new_page()
    mine.goto(link)
    site.visit(mine, "portal-mine")
    body = mine.inner_text("body")
    assert "Round 1" in body
    assert any(name in body for name, *_ in PEOPLE[1:])

    _intro_answered(site, event, plan)
    _run_live_with_an_absence(site, event)
    _summaries_sent(site, event)
    assert not site.serious, site.serious


def _intro_answered(site, event, plan) -> None:
    """The async participant uploads a video and a text intro; a live partner answers."""
    from netweave.web.intros.models import Answers, Intro

    noah = event.registrations.get(mode="async")
    page = site.context.new_page()
    page.goto(f"{site.base}/p/{noah.token}/intro/")
    site.visit(page, "portal-intro")
    page.set_input_files(
        "#id_video", files=[{"name": "me.mp4", "mimeType": "video/mp4", "buffer": mp4_bytes(20)}]
    )
    page.locator("#upload-form button[type=submit]").click()
    # The page uploads with a progress bar (XHR), then follows the server's redirect. Wait for
    # that page in the browser, not by polling the database: a read while the server thread is
    # still writing hits SQLite's shared-cache table lock ("database table is locked").
    page.wait_for_selector("text=Your video is saved", timeout=20_000)
    intro = Intro.objects.get(registration=noah)
    assert intro.video_name, "the upload stored no video"
    assert intro.video_type == "video/mp4"
    assert intro.video_seconds == pytest.approx(20)
    page.goto(f"{site.base}/p/{noah.token}/intro/")
    page.fill("textarea[name=text]", "Hi, I am Noah: I run a newsletter for community managers.")
    page.locator("form:has(textarea[name=text]) button[type=submit]").click()
    page.wait_for_load_state()
    intro.refresh_from_db()
    assert "newsletter" in intro.text
    site.visit(page, "portal-intro-done")

    meeting = plan.meetings.filter(is_async=True, members=noah).order_by("round").first()
    partner = meeting.members.exclude(pk=noah.pk).get()
    page.goto(f"{site.base}/p/{partner.token}/partner/{noah.pk}/")
    site.visit(page, "portal-partner-form")
    assert "Noah Walker" in page.inner_text("body")
    form = page.locator("form.answers-form")
    if form.locator("fieldset[disabled]").count():
        pytest.skip("partner form closed until the round starts: " + page.inner_text(".message"))
    textareas = form.locator("textarea")
    for i in range(textareas.count()):
        textareas.nth(i).fill(f"Answer {i} for Noah: let us talk about newsletters.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    answers = Answers.objects.get(subject=noah, author=partner)
    assert "newsletters" in str(answers.answers)


def _run_live_with_an_absence(site, event) -> None:
    """The host checks people in (Jonas is absent), starts round 1 and moves to round 2."""
    from netweave.web.live.models import Attendance, LiveState

    page = site.context.new_page()
    page.goto(f"{site.base}/orga/events/{event.pk}/live/")
    page.click("button:has-text('Open the event (check-in)')")
    page.wait_for_load_state()
    for name, _tz, _interests, mode in PEOPLE:
        if mode == "async":
            continue
        label = "Absent" if name == "Jonas Berg" else "Present"
        page.get_by_role("button", name=f"{label}: {name}", exact=True).click()
        page.locator(f"tr.attendance.{label.lower()}:has-text('{name}')").wait_for()
    assert Attendance.objects.filter(status="absent").count() == 1
    site.visit(page, "orga-live-check-in")

    page.locator("form[action$='/go/'] button[value=next_round]").click()
    page.wait_for_load_state()
    state = LiveState.objects.get(event=event)
    assert (state.phase, state.round) == ("round", 1)
    site.visit(page, "orga-live-round-1")

    ana = event.registrations.get(member__name="Ana Pereira")
    live = site.context.new_page()
    live.goto(f"{site.base}/p/{ana.token}/live/")
    assert "Round 1" in live.inner_text("body")
    site.visit(live, "portal-live")

    page.reload()
    replan = page.locator("form[action*='/replan/'] button")
    if replan.count():
        replan.first.click()
        page.wait_for_load_state()
    page.locator("form[action$='/go/'] button[value=next_round]").click()
    page.wait_for_load_state()
    state.refresh_from_db()
    assert (state.phase, state.round) == ("round", 2)
    jonas = event.registrations.get(member__name="Jonas Berg")
    live.wait_for_function("() => document.body.innerText.includes('Round 2')", timeout=15_000)
    assert "Jonas Berg" not in live.inner_text("main")
    assert jonas.pk


def _summaries_sent(site, event) -> None:
    """The host ends the event; the organizer sends everyone their who-you-met summary."""
    page = site.context.new_page()
    page.goto(f"{site.base}/orga/events/{event.pk}/live/")
    page.on("dialog", lambda dialog: dialog.accept())
    closed = page.locator("details:has(button[value=end_event]):not([open]) > summary")
    if closed.count():
        closed.click()
    page.click("button:has-text('End the event now')")
    page.wait_for_load_state()
    page.goto(f"{site.base}/orga/events/{event.pk}/insight/")
    site.visit(page, "orga-insight")
    before = len(mail.outbox)
    page.click("button:has-text('Send summaries')")
    page.wait_for_load_state()
    summaries = mail.outbox[before:]
    assert len(summaries) >= len(PEOPLE) - 1, [m.subject for m in summaries]
    ana = next(m for m in summaries if "ana.pereira@example.org" in m.to)
    assert "/summary/" in ana.body
    mine = site.context.new_page()
    mine.goto(re.search(r"https?://\S+/summary/", ana.body).group(0))
    site.visit(mine, "portal-summary")
    assert "Ana" in mine.inner_text("body")


def test_live_check_in_buttons_have_no_serious_axe_violation(site):
    from netweave.web.matching.domain import publish_plan, request_plan
    from tests.web.factories import EventFactory, RegistrationFactory

    user = UserFactory()
    event = EventFactory(community=CommunityFactory(organizers=[user]), rounds=2)
    for _ in range(6):
        RegistrationFactory(event=event)
    version = request_plan(event, None)
    version.refresh_from_db()
    publish_plan(version)
    page = site.context.new_page()
    _login(site, page, user)
    page.goto(f"{site.base}/orga/events/{event.pk}/live/")
    page.click("button:has-text('Open the event (check-in)')")
    page.wait_for_load_state()
    page.locator("button[aria-label^='Present:']").first.click()
    page.locator("tr.attendance.present").wait_for()
    found = site.axe.check(page, "orga-live-check-in")
    assert not found, found
