"""The live page keeps what people are doing: a broadcast shows as a banner, and the intro video
a partner is watching and the answer they are typing survive the polls that bring it."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.factories import (
    PASSWORD,
    AttendanceFactory,
    CommunityFactory,
    EventFactory,
    UserFactory,
    mp4_bytes,
    published_example,
)

TYPED = "We could compare how we welcome newcomers"


def _round_one_with_an_intro():
    """The example plan published, everyone live checked in, the async person's intro video
    uploaded, round 1 running: live person 7 watches 8's intro. Set up before any page is
    open, so the server thread never reads while this writes."""
    from netweave.web.intros.domain.intros import save_intro_video
    from netweave.web.live.domain.state import live_state, start_event, start_round

    host = UserFactory()
    event = EventFactory(community=CommunityFactory(organizers=[host]))
    regs, _ = published_example(event)
    for reg in regs[:8]:
        AttendanceFactory(registration=reg)
    save_intro_video(regs[8], SimpleUploadedFile("me.mp4", mp4_bytes(20), "video/mp4"))
    start_event(event, None)
    start_round(event, 1, live_state(event).version)
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


def _broadcast(site, host, event, text: str) -> None:
    page = _console(site, host, event)
    page.fill("textarea[name=broadcast]", text)
    page.click("button:has-text('Save and show')")
    page.wait_for_load_state()
    assert "Saved" in page.inner_text("body")
    page.close()


def _polls(page) -> list[int]:
    """The statuses of the live page's polls from now on (appended as they come)."""
    seen: list[int] = []
    page.on("response", lambda r: "/live/poll/" in r.url and seen.append(r.status))
    return seen


def test_broadcast_shows_a_banner_and_keeps_the_video_and_the_typed_answer(site):
    host, event, regs = _round_one_with_an_intro()
    watcher = regs[7]
    live = site.context.new_page()
    live.goto(f"{site.base}/p/{watcher.token}/live/")
    live.wait_for_selector("#live-stage video")
    # mark the very elements the partner uses: a swapped region would bring new ones
    live.evaluate(
        """() => {
          const video = document.querySelector('#live-stage video');
          window.watched = video;
          video.currentTime = 7;  // 0:07 into the intro: a new element would be at 0:00
          window.answer = document.querySelector('#live-stage textarea');
        }"""
    )
    assert live.evaluate("() => window.watched.currentTime") == 7
    live.locator("#live-stage textarea").first.fill(TYPED)
    polls = _polls(live)

    _broadcast(site, host, event, "Two minutes left in this round")
    live.wait_for_selector("#live-banner .broadcast", timeout=15_000)
    after_banner = len(polls)
    # more than a poll's 3 s after the banner came: every poll since must have left it all
    live.wait_for_timeout(3_500)
    site.visit(live, "portal-live-broadcast")

    kept = live.evaluate(
        """() => ({
          video: window.watched === document.querySelector('#live-stage video')
                 && window.watched.isConnected,
          position: window.watched.currentTime,
          answer: window.answer === document.querySelector('#live-stage textarea'),
          typed: document.querySelector('#live-stage textarea').value,
        })"""
    )
    assert "Two minutes left in this round" in live.inner_text("#live-banner")
    assert len(polls) > after_banner  # it went on polling after the banner
    assert kept == {"video": True, "position": 7, "answer": True, "typed": TYPED}
    assert site.serious == {}


def test_next_round_replaces_whom_you_meet_and_the_personal_page_agrees(site):
    host, event, regs = _round_one_with_an_intro()
    viewer, round_2_partner = regs[3], regs[0].member.name
    live = site.context.new_page()
    live.goto(f"{site.base}/p/{viewer.token}/live/")
    assert regs[4].member.name in live.inner_text("#live-stage")

    console = _console(site, host, event)
    console.click("button[name=action][value=next_round]")
    console.wait_for_load_state()
    live.wait_for_function(
        "() => document.querySelector('#live-head').innerText.includes('Round 2')",
        timeout=15_000,
    )
    stage = live.inner_text("#live-stage")
    live.goto(f"{site.base}/p/{viewer.token}/")
    round_2 = live.inner_text("section[aria-labelledby=round-2]")

    assert (round_2_partner in stage, regs[4].member.name in stage) == (True, False)
    assert round_2_partner in round_2
