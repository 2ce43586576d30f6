"""A fully asynchronous forum past the introductions, in a real browser: Ana registers on the
public form (no live option); after she answers Kofi's form the two write to each other,
Kofi (Melbourne) proposes a call at hours that suit Ana (Toronto) too, she picks one and both
get a calendar invite; Kofi gets his digest when the window closes, and a week later is asked
"did you meet?" and answers with one press. Four zones take part."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.intros.domain.digests import send_due_digests
from netweave.web.intros.domain.met_check import send_due_met_checks
from netweave.web.intros.models import CallProposal, Digest, FollowUp, Post
from netweave.web.intros.queries.deadlines import digest_due_at
from tests.web.factories import (
    EventFactory,
    IntroFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
)

PEOPLE = [
    ("Kofi Mensah", "Australia/Melbourne"),
    ("Ana Lima", "America/Toronto"),
    ("Haruto Sato", "Asia/Tokyo"),
    ("Jonas Berg", "Europe/Berlin"),
]


def _register_ana(site, event: Event) -> Registration:
    """Ana signs up on the public form, as any member would: a fully async event asks
    nothing about live or async, and her personal link comes by email."""
    page = site.context.new_page()
    page.goto(f"{site.base}/e/{event.community.slug}/{event.slug}/register/")
    assert page.locator("input[name=mode]").count() == 0
    name, tz = PEOPLE[1]
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", "ana@example.org")
    page.fill("input[name=manages]", "a community of practice")
    page.select_option("select[name=timezone]", tz)
    page.fill("input[name=interests]", "onboarding, mentoring")
    page.fill("textarea[name=about]", "Ana runs onboarding for a research software community.")
    page.check("input[name=consent_share_email]", force=True)
    page.click("button:has-text('Register')")
    page.wait_for_url(re.compile(r"/register/sent/$"))
    ana = event.registrations.get(member__email="ana@example.org")
    assert ana.mode == Registration.Mode.ASYNC
    assert f"/p/{ana.token}/" in mail.outbox[-1].body
    page.close()
    return ana


def _forum(site) -> list[Registration]:
    event = EventFactory(
        title="Async forum",
        fully_async=True,
        starts_at=timezone.now() + dt.timedelta(days=1),
        status=Event.Status.OPEN,
    )
    regs = [
        RegistrationFactory(
            event=event, mode=Registration.Mode.ASYNC, member__name=n, member__timezone=tz
        )
        for n, tz in PEOPLE
        if n != "Ana Lima"
    ]
    regs.insert(1, _register_ana(site, event))
    # the window opens: the organizer published the plan six hours ago
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=6), status=Event.Status.PUBLISHED
    )
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    for a, b in ((0, 1), (2, 3)):
        MeetingFactory(plan=plan, round=1, room=None, is_async=True, seats=[regs[a], regs[b]])
    for reg in regs:
        IntroFactory(registration=reg, text=f"Hello, I am {reg.member.name}.")
    return regs


def test_async_pair_talks_books_a_call_and_confirms_they_met(site):
    kofi, ana, _haruto, _jonas = _forum(site)
    page = site.context.new_page()

    # Ana answers Kofi's partner form: that opens their conversation
    page.goto(f"{site.base}/p/{ana.token}/partner/{kofi.pk}/")
    form = page.locator("form.answers-form")
    textareas = form.locator("textarea")
    for i in range(textareas.count()):
        textareas.nth(i).fill(f"Answer {i}: let us compare onboarding notes.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.click("a:has-text('Write to Kofi Mensah')")
    page.wait_for_selector("h1:has-text('You and Kofi Mensah')")
    page.fill("textarea[name=text]", "Hi Kofi! A call this week?")
    page.click("button:has-text('Send')")
    page.wait_for_selector("text=A call this week?")
    site.visit(page, "portal-talk")
    assert Post.objects.get().author == ana

    # Kofi finds the conversation on his page and proposes two hours that suit both
    mine = site.context.new_page()
    mine.goto(f"{site.base}/p/{kofi.token}/")
    mine.click("a:has-text('You and Ana Lima')")
    mine.wait_for_selector("text=A call this week?")
    boxes = mine.locator("input[name=slot][type=checkbox]")
    assert boxes.count() > 0
    boxes.nth(0).check()
    boxes.nth(1).check()
    mine.click("button:has-text('Propose these times')")
    mine.wait_for_selector("text=waiting for the others to pick one")
    site.visit(mine, "portal-talk-proposed")

    # Ana picks the first time; both get an invite with the call's hour in their own zone
    page.reload()
    page.locator("input[name=slot][type=radio]").first.check()
    page.click("button:has-text('Pick this time')")
    page.wait_for_selector("text=Your call:")
    proposal = CallProposal.objects.get()
    assert proposal.chosen is not None
    invites = [m for m in mail.outbox if m.attachments and m.attachments[0][0] == "call.ics"]
    assert sorted(m.to[0] for m in invites) == sorted([kofi.member.email, ana.member.email])
    site.visit(page, "portal-talk-call")

    # the window closes: Kofi's digest goes out in his morning, with Ana's answers
    kofi.refresh_from_db()
    closes = digest_due_at(kofi)
    assert send_due_digests(closes) >= 1
    digest = next(m for m in mail.outbox if kofi.member.email in m.to and "Answer 0" in m.body)
    assert "let us compare onboarding notes" in digest.body
    assert Digest.objects.get(registration=kofi).sent_at is not None

    # a week after his digest Kofi is asked whom he followed up with: one press for Ana
    assert send_due_met_checks(closes + dt.timedelta(days=6)) == 0
    assert send_due_met_checks(closes + dt.timedelta(days=8)) >= 1
    asked = next(m for m in mail.outbox if "Did you follow up" in m.subject)
    link = re.search(r"https?://\S+/p/[^/\s]+/met/#partner-\d+", asked.body).group(0)
    mine.goto(link)
    mine.click("button:has-text('Yes, I followed up')")
    mine.wait_for_selector("text=Followed up (undo)")
    site.visit(mine, "portal-met")
    assert FollowUp.objects.filter(owner=kofi, partner=ana).exists()
    assert not site.serious, site.serious
