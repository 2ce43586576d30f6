"""The event day on a phone: the host's console and a participant's pages at 390 x 844.

Every page must fit the phone's width (``document.documentElement.scrollWidth <= 390``: wide
tables scroll in their own box, never the page), and is photographed into
``test-artifacts/screenshots/phone-*.png``.
"""

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
LONG_NAME = "Maximiliana Alexandrovna Konstantinopoulou-Featherstonehaugh"


def _fits(site, page, name: str, *, posted: bool = False) -> None:
    """Photograph ``page`` as phone-<name> and check that nothing makes it scroll sideways.

    A page that answers a form (``posted``) cannot be opened again in a second tab for the
    scan: it is scanned where it is, and ``site.visit`` then only photographs it.
    """
    if posted and (found := site.axe.check(page, f"phone-{name}")):
        site.serious[f"phone-{name}"] = found
    site.visit(page, f"phone-{name}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a 390px phone"


def _phone_page(site):
    page = site.context.new_page()
    page.set_viewport_size(PHONE)
    return page


def _event_with_people():
    user = UserFactory()
    event = EventFactory(community=CommunityFactory(organizers=[user]), title="Spring forum")
    regs, _ = published_example(event)
    member = regs[0].member
    member.name, member.email = LONG_NAME, "maximiliana.konstantinopoulou@example.org"
    member.save()
    return user, event, regs


def _login(site, page, user) -> None:
    page.goto(site.base + "/orga/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/orga/$"))


def test_console_fits_a_phone_at_every_step(site):
    user, event, _ = _event_with_people()
    page = _phone_page(site)
    _login(site, page, user)
    page.goto(f"{site.base}/orga/events/{event.pk}/live/")
    _fits(site, page, "console-closed")

    page.click(".next-step button:has-text('Open the event (check-in)')")
    page.locator("#check-in").wait_for()
    _fits(site, page, "console-check-in")

    page.click("summary:has-text('Paste Zoom')")
    page.fill("textarea[name=text]", f"{LONG_NAME} (she/her) - iPhone\nLiam O'Brien's iPad")
    page.click("button:has-text('Find these people')")
    page.locator("text=Check these people in?").wait_for()
    _fits(site, page, "check-in-review", posted=True)
    assert page.input_value("input[name=name]") == "Liam O'Brien"
    page.click("button:has-text('Mark the ticked people present')")
    page.locator("tr.attendance.present").first.wait_for()

    page.locator("form[action$='/go/'] button[value=next_round]").first.click()
    page.locator("text=Round 1 is running").wait_for()
    _fits(site, page, "console-round")

    page.click("summary:has-text('Skip ahead')")
    page.click("button:has-text('Skip to the small groups')")
    page.locator("text=Start the small groups now?").wait_for()
    _fits(site, page, "console-confirm-skip", posted=True)
    page.click("text=No, back to the console")
    page.locator("text=Round 1 is running").wait_for()

    page.click("summary:has-text('Skip ahead')")
    page.click("button:has-text('Skip to the small groups')")
    page.click("button:has-text('Yes, skip and start the small groups')")
    page.locator("text=The small groups are running").wait_for()
    _fits(site, page, "console-groups")
    page.click(".next-step button:has-text('End the event')")
    page.locator("text=The event has ended").first.wait_for()
    _fits(site, page, "console-ended")
    assert not site.serious, site.serious


def test_participant_pages_fit_a_phone(site):
    from netweave.web.live.domain.state import end_event, start_event, start_groups, start_round

    _, event, regs = _event_with_people()
    page = _phone_page(site)
    page.goto(f"{site.base}/e/{event.community.slug}/{event.slug}/register/")
    _fits(site, page, "participant-register")
    live = f"{site.base}/p/{regs[1].token}/live/"
    # the host's moves are made while no page polls (SQLite: no reads during the write)
    for move, waits_for, name in (
        (start_event, "The first round starts soon", "participant-live-waiting"),
        (lambda e, v: start_round(e, 1, v), "Round 1 of", "participant-live"),
        (start_groups, "Your group", "participant-live-groups"),
    ):
        page.goto("about:blank")
        move(event, None)
        page.goto(live)
        page.locator(f"text={waits_for}").wait_for()
        _fits(site, page, name)
        if name == "participant-live":
            assert LONG_NAME in page.inner_text("main")

    page.goto(f"{site.base}/p/{regs[0].token}/")
    _fits(site, page, "participant-page")
    page.goto("about:blank")
    end_event(event, None)
    page.goto(live)
    page.locator("text=thank you for coming").wait_for()
    _fits(site, page, "participant-live-ended")
    assert not site.serious, site.serious
