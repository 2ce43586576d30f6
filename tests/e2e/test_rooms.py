"""Participants choose their room in Zoom: on a phone, each one's live page says in big type
which room to join this round, as the host's chat text does, and follows the host's clicks."""

from __future__ import annotations

import re

from tests.web.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    UserFactory,
    published_example,
)

PHONE = {"width": 390, "height": 844}


def _login(site, page, user) -> None:
    page.goto(site.base + "/orga/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/orga/$"))


def _room_shown(page, label: str) -> None:
    page.locator("p.room-now", has_text=f"Join {label}").wait_for(timeout=15_000)
    box = page.locator("p.room-now").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"]  # readable without scrolling sideways


def test_each_participant_sees_their_room_every_round_on_a_phone(site):
    user = UserFactory()
    event = EventFactory(community=CommunityFactory(organizers=[user]), rounds=2)
    regs, _ = published_example(event)
    # round 1: regs 3 and 4 in Room 2; round 2: regs 0 and 3 in Room 1
    # the doors are open and everyone live is checked in: the console's next step is round 1
    from netweave.web.live.domain import live_state, mark_present, start_event

    start_event(event, live_state(event).version)
    mark_present(event, [r.pk for r in regs if r.mode == "live"])
    host = site.context.new_page()
    _login(site, host, user)
    host.goto(f"{site.base}/orga/events/{event.pk}/live/")
    chat = host.locator("#chat-text").input_value()
    assert f"Room 02 - {regs[3].member.name} & {regs[4].member.name}" in chat
    assert "“Let participants choose room”" in host.inner_text("#next")

    phone = site.context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(f"{site.base}/p/{regs[3].token}/live/")
    host.locator("form[action$='/go/'] button[value=next_round]").click()
    host.wait_for_load_state()
    _room_shown(phone, "Room 02")
    site.visit(phone, "portal-live-choose-room-phone")

    chat = host.locator("#chat-text").input_value()
    assert f"Room 01 - {regs[0].member.name} & {regs[3].member.name}" in chat
    host.locator("form[action$='/go/'] button[value=next_round]").click()
    host.wait_for_load_state()
    _room_shown(phone, "Room 01")
    assert not site.serious, site.serious
