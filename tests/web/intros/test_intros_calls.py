"""A call across time zones: the hours everyone is awake, a proposal of up to three, a
pick, and a calendar invite for everyone with the call's link."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.intros.domain.calls import CallError, choose_call, propose_call
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.models import CallProposal
from netweave.web.intros.queries.calls import group_thread, offered_slots, pair_thread
from netweave.web.matching.models import Group
from tests.web.factories import (
    EventFactory,
    IntroSettingsFactory,
    talking_pair,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)


@pytest.fixture
def pair():
    """Kofi (Melbourne) and Ana (Toronto) met and Ana answered; Ben (Tokyo) joins their
    group. The event has a video link."""
    event = EventFactory(
        starts_at=dt.datetime(2026, 11, 26, 16, tzinfo=dt.UTC),
        status=Event.Status.PUBLISHED,
        meeting_url="https://zoom.example.org/j/1",
    )
    return talking_pair(event, "America/Toronto", "Asia/Tokyo")


def test_offered_hours_are_inside_both_waking_days(pair):
    slots = offered_slots(pair_thread(pair.kofi, pair.ana), MONDAY)
    assert slots
    for slot in slots:
        melbourne = slot.astimezone(dt.timezone(dt.timedelta(hours=11)))
        toronto = slot.astimezone(dt.timezone(dt.timedelta(hours=-5)))
        assert 8 <= melbourne.hour <= 20
        assert 8 <= toronto.hour <= 20


def test_offered_hours_follow_the_event_settings(pair):
    IntroSettingsFactory(
        event=pair.event, call_day_starts=dt.time(10), call_day_ends=dt.time(20), call_days_ahead=1
    )
    slots = offered_slots(pair_thread(pair.kofi, pair.ana), MONDAY)
    # 10:00-20:00 in both: Toronto until 01:00 UTC, Melbourne from 23:00 UTC; a day of
    # slots from an hour after Monday 00:00 UTC holds Monday's overlap, 23:00-01:00
    assert [(s.day, s.hour) for s in slots] == [(7, 23), (8, 0)]


def test_a_group_of_three_zones_may_share_no_hour(pair):
    pair.ana.member.timezone = "Pacific/Honolulu"
    pair.ana.member.save()
    pair.ben.member.timezone = "Asia/Tokyo"
    pair.ben.member.save()
    pair.kofi.member.timezone = "Europe/Berlin"
    pair.kofi.member.save()
    assert offered_slots(group_thread(Group.objects.get()), MONDAY) == []


def test_propose_then_pick_sends_everyone_an_invite(pair, django_capture_on_commit_callbacks):
    thread = pair_thread(pair.kofi, pair.ana)
    slots = offered_slots(thread, MONDAY)[:3]
    proposal = propose_call(pair.kofi, thread, slots, "https://meet.example.org/kofi", MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        choose_call(pair.ana, thread, proposal.pk, slots[1], MONDAY)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [pair.kofi.member.email, pair.ana.member.email]
    )
    for message in mail.outbox:
        name, content, kind = message.attachments[0]
        assert name == "call.ics"
        entry = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
        assert entry.decoded("dtstart") == slots[1]
        assert str(entry.get("location")) == "https://meet.example.org/kofi"
        assert kind == "text/calendar"


@pytest.mark.parametrize(
    ("fully_async", "link"), [(False, "https://zoom.example.org/j/1"), (True, "")]
)
def test_without_a_link_of_their_own_the_event_video_link_by_the_join_rule(
    pair, django_capture_on_commit_callbacks, fully_async, link
):
    Event.objects.filter(pk=pair.event.pk).update(fully_async=fully_async)
    kofi = Registration.objects.select_related("event", "member").get(pk=pair.kofi.pk)
    ana = Registration.objects.select_related("event", "member").get(pk=pair.ana.pk)
    thread = pair_thread(kofi, ana)
    slot = offered_slots(thread, MONDAY)[0]
    proposal = propose_call(kofi, thread, [slot], "", MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        choose_call(ana, thread, proposal.pk, slot, MONDAY)
    entry = icalendar.Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert str(entry.get("location", "")) == link


def test_the_invite_shows_the_time_in_each_readers_zone(pair, django_capture_on_commit_callbacks):
    thread = pair_thread(pair.kofi, pair.ana)
    slot = offered_slots(thread, MONDAY)[0]
    proposal = propose_call(pair.kofi, thread, [slot], "", MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        choose_call(pair.ana, thread, proposal.pk, slot, MONDAY)
    by_to = {m.to[0]: m.body for m in mail.outbox}
    melbourne = slot.astimezone(dt.timezone(dt.timedelta(hours=11)))
    toronto = slot.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert melbourne.strftime("%H:%M") in by_to[pair.kofi.member.email]
    assert toronto.strftime("%H:%M") in by_to[pair.ana.member.email]


def test_propose_refuses_more_than_three_and_hours_not_offered(pair):
    thread = pair_thread(pair.kofi, pair.ana)
    slots = offered_slots(thread, MONDAY)
    with pytest.raises(CallError, match="one to 3"):
        propose_call(pair.kofi, thread, slots[:4], "", MONDAY)
    with pytest.raises(CallError, match="no longer on offer"):
        propose_call(pair.kofi, thread, [MONDAY + dt.timedelta(hours=15)], "", MONDAY)


def test_propose_refuses_a_link_that_is_not_https(pair):
    thread = pair_thread(pair.kofi, pair.ana)
    slot = offered_slots(thread, MONDAY)[0]
    with pytest.raises(CallError, match="https"):
        propose_call(pair.kofi, thread, [slot], "javascript:alert(1)", MONDAY)


def test_the_proposer_does_not_pick_and_nobody_picks_twice(pair):
    thread = pair_thread(pair.kofi, pair.ana)
    slot = offered_slots(thread, MONDAY)[0]
    proposal = propose_call(pair.kofi, thread, [slot], "", MONDAY)
    with pytest.raises(CallError, match="Someone else"):
        choose_call(pair.kofi, thread, proposal.pk, slot, MONDAY)
    choose_call(pair.ana, thread, proposal.pk, slot, MONDAY)
    with pytest.raises(CallError, match="picked already"):
        choose_call(pair.ana, thread, proposal.pk, slot, MONDAY)


def test_an_outsider_cannot_propose_on_a_pair(pair):
    thread = pair_thread(pair.kofi, pair.ana)
    with pytest.raises(NotPartnerError):
        propose_call(pair.ben, thread, offered_slots(thread, MONDAY)[:1], "", MONDAY)


def test_proposing_again_replaces_the_open_proposal(pair):
    thread = pair_thread(pair.kofi, pair.ana)
    slots = offered_slots(thread, MONDAY)
    propose_call(pair.kofi, thread, slots[:1], "", MONDAY)
    propose_call(pair.ana, thread, slots[1:2], "", MONDAY)
    assert CallProposal.objects.get().proposer == pair.ana


# --------------------------------------------------------------------------- the pages


def test_talk_page_propose_and_pick(client, pair, django_capture_on_commit_callbacks):
    thread = pair_thread(pair.kofi, pair.ana)
    slots = offered_slots(thread, timezone.now())[:2]
    url = reverse("portal:intro_talk_call", args=[pair.kofi.token, pair.ana.pk])
    client.post(url, {"action": "propose", "slot": [s.isoformat() for s in slots]})
    proposal = CallProposal.objects.get()
    page = client.get(reverse("portal:intro_talk", args=[pair.ana.token, pair.kofi.pk]))
    assert "Pick this time" in page.content.decode()
    pick = reverse("portal:intro_talk_call", args=[pair.ana.token, pair.kofi.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pick, {"action": "pick", "proposal": proposal.pk, "slot": slots[0].isoformat()})
    proposal.refresh_from_db()
    assert proposal.chosen == slots[0]
    assert len(mail.outbox) == 2


def test_group_page_offers_the_groups_hours_and_takes_a_proposal(client, pair):
    thread = group_thread(Group.objects.get())
    slot = offered_slots(thread, timezone.now())[0]
    page = client.get(reverse("portal:intro_group", args=[pair.ben.token])).content.decode()
    assert "A call at an hour that suits everyone" in page
    client.post(
        reverse("portal:intro_group_call", args=[pair.ben.token]),
        {"action": "propose", "slot": [slot.isoformat()]},
    )
    assert CallProposal.objects.get().group is not None


def test_call_post_with_a_broken_time_is_404(client, pair):
    url = reverse("portal:intro_talk_call", args=[pair.kofi.token, pair.ana.pk])
    assert client.post(url, {"action": "propose", "slot": ["soon"]}).status_code == 404
