"""Walk-ins: the welcome made for an event on now, their time zone, the console's words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.live.domain.checkin import add_walk_in
from netweave.web.live.domain.state import start_event, start_round
from netweave.web.mail.models import OutboxMessage
from tests.web.factories import EventFactory, published_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_event(community):
    event = EventFactory(community=community, timezone="Europe/Berlin")
    published_example(event)
    return event


def _walk_in(client, event, **data):
    url = reverse("orga:live_walk_in", kwargs={"event_pk": event.pk})
    return client.post(url, {"name": "Zed Walker", "email": "zed@x.org", **data}, follow=True)


def _welcome(mailoutbox) -> str:
    (message,) = [m for m in mailoutbox if m.to == ["zed@x.org"]]
    return message.subject + "\n" + message.body


def test_walk_in_during_a_round_is_told_to_wait_for_the_next(
    live_event, mailoutbox, django_capture_on_commit_callbacks
):
    start_round(live_event, 1, None)

    with django_capture_on_commit_callbacks(execute=True):
        add_walk_in(live_event, "Zed Walker", "zed@x.org", "Africa/Lagos")

    text = _welcome(mailoutbox)
    assert ("Round 1 is already under way" in text, "fits you into round 2" in text) == (
        True,
        True,
    )


def test_walk_in_welcome_is_not_the_link_request_email(
    live_event, mailoutbox, django_capture_on_commit_callbacks
):
    start_event(live_event, None)

    with django_capture_on_commit_callbacks(execute=True):
        add_walk_in(live_event, "Zed Walker", "zed@x.org")

    text = _welcome(mailoutbox)
    assert [s for s in ("You asked", "Didn't ask", "once the plan is published") if s in text] == []


def test_walk_in_welcome_before_the_first_round_says_it_starts_soon(
    live_event, mailoutbox, django_capture_on_commit_callbacks
):
    start_event(live_event, None)

    with django_capture_on_commit_callbacks(execute=True):
        add_walk_in(live_event, "Zed Walker", "zed@x.org")

    assert "The first round starts soon" in _welcome(mailoutbox)


def test_walk_in_welcome_links_their_live_page(
    live_event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = add_walk_in(live_event, "Zed Walker", "zed@x.org")

    assert f"/p/{registration.token}/live/" in _welcome(mailoutbox)


def test_walk_in_welcome_is_in_their_zone(
    live_event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_walk_in(live_event, "Zed Walker", "zed@x.org", "Africa/Lagos")

    assert "Your pages show times in Africa/Lagos" in _welcome(mailoutbox)


def test_walk_in_welcome_goes_to_a_member_who_turned_optional_emails_off(
    live_event, django_capture_on_commit_callbacks
):
    from netweave.web.followup.models import EmailPreference

    member = Member.objects.create(community=live_event.community, name="Zed", email="zed@x.org")
    EmailPreference.objects.create(member=member, optional_emails=False)

    with django_capture_on_commit_callbacks(execute=True):
        add_walk_in(live_event, "Zed Walker", "zed@x.org")

    assert OutboxMessage.objects.get(kind="walk_in").state == OutboxMessage.State.SENT


def test_walk_in_without_a_zone_gets_the_event_zone(live_event):
    add_walk_in(live_event, "Zed Walker", "zed@x.org")

    assert Member.objects.get(email="zed@x.org").timezone == "Europe/Berlin"


def test_walk_in_with_an_unknown_zone_gets_the_event_zone(live_event):
    add_walk_in(live_event, "Zed Walker", "zed@x.org", "Mars/Olympus")

    assert Member.objects.get(email="zed@x.org").timezone == "Europe/Berlin"


def test_walk_in_form_offers_zones_with_the_event_zone_chosen(orga_client, live_event):
    page = orga_client.get(reverse("orga:live", kwargs={"event_pk": live_event.pk}))

    assert '<option value="Europe/Berlin" selected>' in page.content.decode()


def test_walk_in_form_saves_the_chosen_zone(orga_client, live_event):
    _walk_in(orga_client, live_event, timezone="Africa/Lagos")

    assert Member.objects.get(email="zed@x.org").timezone == "Africa/Lagos"


def test_walk_in_form_refuses_a_zone_it_does_not_know(orga_client, live_event):
    response = _walk_in(orga_client, live_event, timezone="Mars/Olympus")

    assert (response.status_code, Member.objects.filter(email="zed@x.org").exists()) == (
        200,
        False,
    )


def test_walk_in_message_never_suggests_the_meetings_chat(orga_client, live_event):
    page = _walk_in(orga_client, live_event).content.decode()

    assert ("is checked in" in page, "chat" in page.split("Zed Walker is checked in")[1][:400]) == (
        True,
        False,
    )


def test_walk_in_message_for_somebody_registered_says_so(orga_client, live_event):
    known = Event.objects.get(pk=live_event.pk).registrations.select_related("member").first()

    page = _walk_in(orga_client, live_event, email=known.member.email).content.decode()

    assert f"{known.member.name} was already registered" in page


def test_walk_in_added_twice_stays_a_walk_in(live_event):
    add_walk_in(live_event, "Zed Walker", "zed@x.org")

    registration = add_walk_in(live_event, "Zed Walker", "ZED@x.org")

    assert registration.attendance.walk_in is True


def test_walk_in_added_twice_is_welcomed_once(
    orga_client, live_event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _walk_in(orga_client, live_event)
        page = _walk_in(orga_client, live_event).content.decode()

    assert (len(mailoutbox), "Zed Walker was already registered" in page) == (1, True)


def test_walk_in_welcome_sent_once_their_round_runs_names_room_and_partner(live_event, mailoutbox):
    from netweave.web.live.domain.checkin import set_attendance
    from netweave.web.live.domain.replan import replan_next_round
    from netweave.web.live.domain.welcome import send_walk_in_welcome

    regs = list(live_event.registrations.select_related("member").order_by("pk"))
    for reg in regs[:8]:
        set_attendance(reg, "present")
    set_attendance(regs[6], "absent")
    walk_in = add_walk_in(live_event, "Zed Walker", "zed@x.org")
    replan_next_round(live_event, 1)
    start_round(live_event, 1, None)

    send_walk_in_welcome(Registration.objects.get(pk=walk_in.pk))  # as the task loads it

    text = _welcome(mailoutbox)
    assert re.search(rf"Round 1 is on: go to Room \d+ and meet {regs[5].member.name}\.", text)
