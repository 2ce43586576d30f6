"""One event from set-up to follow-up, through the real pages in a real browser.

Each test reads as a story; they share nothing but the fixtures, so each builds what it needs
through the pages themselves (``_opened_event`` and ``_registered`` are steps of the story).
"""

from __future__ import annotations

import re

from django.core import mail

from tests.web.factories import PASSWORD, CommunityFactory, UserFactory

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
    page.wait_for_url(re.compile(r"/p/[^/]+/welcome/$"))


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
    site.visit(page, "portal-registered")
    assert event.registrations.count() == len(PEOPLE)
    assert event.registrations.filter(mode="async").count() == 1
    assert len(mail.outbox) == len(PEOPLE)
    page.goto(f"{site.base}/orga/events/{event.pk}/registrations/")
    for name, *_ in PEOPLE:
        assert name in page.content()
    site.visit(page, "orga-registrations")
    assert not site.serious, site.serious
