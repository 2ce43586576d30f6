""" "Did you meet?": one email some days after the digest, one press per partner, and the
follow-up figures counting only connections someone confirmed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.followup.queries.insight import event_insight
from netweave.web.intros.domain.met_check import answer_met_check, send_due_met_checks
from netweave.web.intros.models import Digest, FollowUp, Reminder
from netweave.web.mail.due import send_due
from tests.web.factories import (
    EventFactory,
    HeldMeetingFactory,
    IntroSettingsFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
    StayInTouchFactory,
    emailed_path,
)

pytestmark = pytest.mark.django_db

DIGEST_SENT = dt.datetime(2026, 11, 27, 22, tzinfo=dt.UTC)


@pytest.fixture
def met():
    """Kofi (async) met Ana and Ben; his digest went out on 27 November."""
    event = EventFactory(
        starts_at=dt.datetime(2026, 11, 26, 16, tzinfo=dt.UTC), status=Event.Status.PUBLISHED
    )
    kofi = RegistrationFactory(
        event=event,
        mode=Registration.Mode.ASYNC,
        member__timezone="Australia/Melbourne",
        member__name="Kofi",
    )
    ana = RegistrationFactory(event=event, member__name="Ana")
    ben = RegistrationFactory(event=event, member__name="Ben")
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, round=1, room=None, is_async=True, seats=[ana, kofi])
    MeetingFactory(plan=plan, round=2, room=None, is_async=True, seats=[ben, kofi])
    Digest.objects.create(registration=kofi, due_at=DIGEST_SENT, sent_at=DIGEST_SENT)
    return SimpleNamespace(event=event, kofi=kofi, ana=ana, ben=ben)


def test_asked_a_week_after_the_digest_not_before(met):
    assert send_due_met_checks(DIGEST_SENT + dt.timedelta(days=6)) == 0
    assert send_due_met_checks(DIGEST_SENT + dt.timedelta(days=7)) == 1
    [email] = mail.outbox
    assert email.to == [met.kofi.member.email]
    assert "Ana" in email.body
    assert "Ben" in email.body
    assert f"/p/{met.kofi.token}/met/#partner-{met.ana.pk}" in email.body


def test_asked_once(met):
    send_due(DIGEST_SENT + dt.timedelta(days=7))
    assert send_due(DIGEST_SENT + dt.timedelta(days=8))["intros-met"] == 0
    assert len(mail.outbox) == 1


def test_the_delay_is_configurable_and_zero_never_asks(met):
    IntroSettingsFactory(event=met.event, met_check_days=0)
    assert send_due_met_checks(DIGEST_SENT + dt.timedelta(days=30)) == 0


def test_one_press_per_partner_through_the_emailed_link(client, met):
    send_due_met_checks(DIGEST_SENT + dt.timedelta(days=7))
    page = emailed_path(mail.outbox, r"/p/[^/\s]+/met/")
    assert "Did you follow up" in client.get(page).content.decode()
    client.post(page, {"partner": met.ana.pk, "done": "1"})
    assert FollowUp.objects.filter(owner=met.kofi, partner=met.ana).exists()
    row = Reminder.objects.get(registration=met.kofi, kind=Reminder.Kind.MET)
    assert row.answered_at is not None


def test_none_of_them_is_an_answer_too(client, met):
    send_due_met_checks(DIGEST_SENT + dt.timedelta(days=7))
    client.post(reverse("portal:intro_met", args=[met.kofi.token]), {"none": "1"})
    assert not FollowUp.objects.exists()
    assert Reminder.objects.get(kind=Reminder.Kind.MET).answered_at is not None


def test_met_page_refuses_someone_not_met(client, met):
    stranger = RegistrationFactory(event=met.event)
    url = reverse("portal:intro_met", args=[met.kofi.token])
    assert client.post(url, {"partner": stranger.pk, "done": "1"}).status_code == 404


def test_insight_counts_a_connection_once_whoever_confirmed_it(met):
    answer_met_check(met.kofi, met.ana)
    answer_met_check(met.ana, met.kofi)  # both sides: still one connection
    insight = event_insight(met.event)
    assert insight.connections == 1
    assert insight.follow_ups == 1


def test_insight_counts_a_mutual_stay_in_touch_as_a_connection_with_the_ticks(met):
    # round 2 as planned: recording it leaves round 1 to the plan
    held = HeldMeetingFactory(event=met.event, round=2, is_async=True, seats=[met.ben, met.kofi])
    StayInTouchFactory(meeting=held, from_registration=met.ben, to_registration=met.kofi)
    StayInTouchFactory(meeting=held, from_registration=met.kofi, to_registration=met.ben)
    answer_met_check(met.kofi, met.ana)
    assert event_insight(met.event).connections == 2


def test_insight_says_how_many_were_asked_and_answered(met, client, orga_client, community):
    Event.objects.filter(pk=met.event.pk).update(community=community)
    send_due_met_checks(DIGEST_SENT + dt.timedelta(days=7))
    stats = event_insight(met.event).digests
    assert (stats.asked, stats.answered) == (1, 0)
    client.post(reverse("portal:intro_met", args=[met.kofi.token]), {"none": "1"})
    stats = event_insight(met.event).digests
    assert (stats.asked, stats.answered) == (1, 1)
    page = orga_client.get(reverse("orga:insight", args=[met.event.pk])).content.decode()
    assert "1 of 1 people asked answered" in page


def test_unconfirmed_pairings_are_no_connections(met):
    assert event_insight(met.event).connections == 0
