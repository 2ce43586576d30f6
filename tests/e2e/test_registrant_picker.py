"""The public form's "people you'd like to meet": this event's listed registrants, found by
typing a name or a community, in a real browser."""

from __future__ import annotations

import re

from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory


def test_registrant_picker_search_then_request(site):
    from netweave.web.events.models import Registration

    event = EventFactory()
    RegistrationFactory(
        event=event,
        member__name="Kofi Mensah",
        member__manages="Accra meetups",
        member__listed=True,
    )
    RegistrationFactory(
        event=event, member__name="Mei Chen", member__manages="open science", member__listed=True
    )
    RegistrationFactory(event=event, member__name="Private Pat", member__listed=False)
    MemberFactory(community=event.community, name="Not Coming", listed=True)

    page = site.context.new_page()
    page.goto(f"{site.base}/e/{event.community.slug}/{event.slug}/register/")
    picker = page.locator("#registrant-picker")
    assert "Private Pat" not in picker.inner_text()
    assert "Not Coming" not in picker.inner_text()

    page.fill("#registrant-search", "accra")
    assert picker.get_by_label("Kofi Mensah (Accra meetups)").is_visible()
    assert picker.get_by_label("Mei Chen (open science)").is_hidden()
    site.visit(page, "portal-register-picker")
    picker.get_by_label("Kofi Mensah (Accra meetups)").check()
    page.fill("#registrant-search", "nobody here")
    assert page.locator("#registrant-none").is_visible()
    assert picker.get_by_label("Kofi Mensah (Accra meetups)").is_visible()  # ticked: kept

    page.fill("input[name=name]", "Zoe Quinn")
    page.fill("input[name=email]", "zoe@example.org")
    page.click("button:has-text('Register')")
    page.wait_for_url(re.compile(r"/register/sent/$"))

    zoe = Registration.objects.get(event=event, member__email="zoe@example.org")
    assert [m.name for m in zoe.requests.all()] == ["Kofi Mensah"]
    assert not site.serious, site.serious
