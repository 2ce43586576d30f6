"""Publishing to everyone's inbox, through the real pages: the organizer adds the video meeting
to the event, previews the schedule email, presses once; a participant's email link opens
their page with the join link."""

from __future__ import annotations

import re

from django.core import mail

from tests.web.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    UserFactory,
    published_example,
)

JITSI = "https://meet.jit.si/netweave-spring-forum-2031"


def _login(site, page, user) -> None:
    page.goto(site.base + "/orga/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/orga/$"))


def test_meeting_link_then_send_everyone_their_schedule(site):
    user = UserFactory()
    community = CommunityFactory(organizers=[user], name="Open Science Hosts")
    regs, version = published_example(EventFactory(community=community, title="Spring forum"))
    event = version.event
    page = site.context.new_page()
    _login(site, page, user)

    # the join link: plain http is refused, https is kept
    page.goto(f"{site.base}/orga/events/{event.pk}/edit/")
    page.fill("input[name=meeting_url]", "http://meet.jit.si/spring")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=must start with https://")
    page.fill("input[name=meeting_url]", JITSI)
    page.fill("input[name=meeting_passcode]", "spring31")
    site.visit(page, "orga-event-form-meeting")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(rf"/orga/events/{event.pk}/$"))

    # publish offers the sending page: preview, counts, one press
    page.goto(f"{site.base}/orga/events/{event.pk}/plan/v{version.number}/")
    page.click("a:has-text('Send everyone their schedule')")
    page.wait_for_selector("text=Preview: the email to")
    assert JITSI in page.inner_text("pre.mail-body")
    site.visit(page, "orga-plan-send")
    page.click(f"button:has-text('Send {len(regs)} emails')")
    page.wait_for_selector(f"text=Sending {len(regs)} emails")
    page.wait_for_selector("text=Everyone has their schedule")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.member.email for r in regs)

    # the outbox shows each as sent
    page.click("a:has-text('See them in the outbox')")
    page.wait_for_selector("text=Outbox")
    assert page.locator("td .badge.ok").count() == len(regs)
    site.visit(page, "orga-outbox-schedules")

    # a participant opens the link from their email: their page has the join link
    message = next(m for m in mail.outbox if regs[0].member.email in m.to)
    link = re.search(r"https?://\S+/p/[^/\s]+/", message.body).group(0)
    mine = site.context.new_page()
    mine.goto(link)
    mine.wait_for_selector("text=Joining the video meeting")
    assert mine.locator(f"a[href='{JITSI}']").count() == 1
    site.visit(mine, "portal-mine-join")
    assert not site.serious, site.serious
