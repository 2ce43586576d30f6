"""What happened (held meetings from the plan), the summary page and sending summaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event
from netweave.web.followup.domain.sending import send_summary
from netweave.web.followup.domain.summaries import send_summaries
from netweave.web.followup.errors import FollowupError
from netweave.web.followup.models import Delivery
from netweave.web.followup.queries.held import event_is_over, meetings_held, record_plan_as_held
from netweave.web.followup.queries.summary import summary_for
from netweave.web.live.models import HeldMeeting
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.domain import publish_plan, save_plan
from tests.web.factories import (
    EventFactory,
    HeldMeetingFactory,
    RegistrationFactory,
    example_plan,
    example_registrations,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    """A finished event whose published plan is the factories' example (8 live, 1 async)."""
    event = EventFactory(rounds=2, status=Event.Status.PLANNED)
    regs = example_registrations(event)
    publish_plan(save_plan(event, example_plan(regs), note="x"))
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DONE)
    event.refresh_from_db()
    return event, regs


def test_meetings_held_copies_published_plan_once_over(planned):
    event, _ = planned
    held = meetings_held(event)
    assert (held.filter(round__gt=0).count(), held.filter(round=0).count()) == (9, 2)


def test_meetings_held_keeps_seat_order_and_async(planned):
    event, regs = planned
    first = meetings_held(event).filter(round=1, is_async=True).get()
    assert list(first.seats.values_list("registration_id", flat=True)) == [regs[7].pk, regs[8].pk]


def test_meetings_held_group_includes_remote_member(planned):
    event, regs = planned
    group = meetings_held(event).filter(round=0, room="Group 1").get()
    assert regs[8].pk in set(group.seats.values_list("registration_id", flat=True))


def test_record_plan_as_held_twice_copies_once(planned):
    event, _ = planned
    record_plan_as_held(event)
    assert (record_plan_as_held(event), HeldMeeting.objects.count()) == (0, 11)


def test_meetings_held_prefers_the_live_record(planned):
    event, regs = planned
    HeldMeetingFactory(event=event, seats=regs[:2], source=HeldMeeting.Source.REPLAN)
    assert meetings_held(event).count() == 1


def test_meetings_held_before_the_event_copies_nothing():
    event = EventFactory(status=Event.Status.PUBLISHED)
    assert (meetings_held(event).count(), HeldMeeting.objects.count()) == (0, 0)


def test_event_is_over_after_its_end_when_published():
    start = timezone.now() - dt.timedelta(hours=3)
    assert event_is_over(EventFactory(status=Event.Status.PUBLISHED, starts_at=start))


def test_event_is_over_not_while_live():
    start = timezone.now() - dt.timedelta(hours=3)
    assert not event_is_over(EventFactory(status=Event.Status.LIVE, starts_at=start))


def test_summary_lists_rounds_and_group(planned):
    _event, regs = planned
    summary = summary_for(regs[0])
    rounds = [(t.round, {p.pk for p in t.people}) for t in summary.conversations]
    assert rounds == [(1, {regs[1].pk, regs[2].pk}), (2, {regs[3].pk})]


def test_summary_group_lists_its_members(planned):
    _event, regs = planned
    group = summary_for(regs[0]).group
    assert {p.pk for p in group.people} == {r.pk for r in (*regs[1:4], regs[8])}


def test_summary_page_shows_partner_profile(client, planned):
    _, regs = planned
    page = client.get(reverse("portal:summary", args=[regs[0].token])).content.decode()
    assert regs[3].member.name in page


def test_summary_page_unknown_token_404(client):
    assert client.get(reverse("portal:summary", args=["nope"])).status_code == 404


def test_summary_page_before_event_says_later(client):
    registration = RegistrationFactory(event=EventFactory(status=Event.Status.PUBLISHED))
    page = client.get(reverse("portal:summary", args=[registration.token])).content.decode()
    assert "once the event is over" in page


def test_mine_page_links_to_summary_after_event(client, planned):
    _, regs = planned
    page = client.get(reverse("portal:mine", args=[regs[0].token])).content.decode()
    assert reverse("portal:summary", args=[regs[0].token]) in page


def test_send_summary_emails_partners_and_feedback_links(mailoutbox, planned):
    _, regs = planned
    send_summary(regs[0])
    meeting = HeldMeeting.objects.filter(round=2, seats__registration=regs[0]).get()
    body = mailoutbox[0].body
    assert regs[3].member.name in body
    assert reverse("portal:feedback_meeting", args=[regs[0].token, meeting.pk]) in body


def test_send_summary_twice_sends_once(mailoutbox, planned):
    _, regs = planned
    send_summary(regs[0])
    assert (send_summary(regs[0]), len(mailoutbox)) == (None, 1)


def test_send_summaries_reaches_everyone_who_met_someone(mailoutbox, planned, run):
    event, _regs = planned
    RegistrationFactory(event=event)  # registered, met nobody
    with run(execute=True):
        result = send_summaries(event)
    assert (result.queued, len(mailoutbox)) == (9, 9)


def test_send_summaries_again_sends_nothing_new(mailoutbox, planned, run):
    event, _ = planned
    with run(execute=True):
        send_summaries(event)
    with run(execute=True):
        again = send_summaries(event)
    assert (again.queued, again.already_sent, len(mailoutbox)) == (0, 9, 9)


def test_send_summaries_refused_before_the_event_is_over():
    with pytest.raises(FollowupError):
        send_summaries(EventFactory(status=Event.Status.PUBLISHED))


def test_send_summary_failure_lets_a_later_run_retry(planned, settings, mailoutbox):
    _, regs = planned
    settings.EMAIL_BACKEND = "tests.web.followup.test_followup_summary.BrokenBackend"
    send_summary(regs[0])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_summary(regs[0])
    assert (Delivery.objects.count(), len(mailoutbox)) == (1, 1)


def test_send_summaries_button_needs_post(orga_client, community):
    event = EventFactory(community=community, status=Event.Status.DONE)
    url = reverse("orga:insight_send_summaries", args=[event.pk])
    assert orga_client.get(url).status_code == 405


def test_send_summaries_button_for_outsider_404(outsider_client):
    event = EventFactory(status=Event.Status.DONE)
    url = reverse("orga:insight_send_summaries", args=[event.pk])
    assert outsider_client.post(url).status_code == 404


def test_send_summaries_button_sends(orga_client, community, mailoutbox, run):
    event = EventFactory(community=community, status=Event.Status.DONE)
    a, b = RegistrationFactory.create_batch(2, event=event)
    HeldMeetingFactory(event=event, seats=[a, b])
    with run(execute=True):
        orga_client.post(reverse("orga:insight_send_summaries", args=[event.pk]))
    assert OutboxMessage.objects.filter(kind="summary").count() == 2


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


class BrokenBackend:
    """An email backend whose server is down."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("mail server down")
