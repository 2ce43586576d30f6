"""Retention: personal data of events that ended long ago goes; counts stay."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.core.files.base import ContentFile
from django.utils import timezone

from netweave.cli import main
from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration, RegistrationRequest
from netweave.web.intros.models import Answers
from netweave.web.intros.storage import intro_storage
from netweave.web.live.models import HeldMeeting
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import PlanVersion
from netweave.web.privacy.domain import event_ends_at, purge_expired, retention_days
from netweave.web.privacy.models import PrivacyConfirmation, PurgeRecord
from tests.web.factories import (
    AnswersFactory,
    EventFactory,
    HeldMeetingFactory,
    IntroFactory,
    RegistrationFactory,
    mp4_bytes,
    published_example,
)

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _old_event(days: int = 800) -> Event:
    return EventFactory(starts_at=_days_ago(days), status=Event.Status.DONE)


def test_retention_days_defaults_to_two_years(monkeypatch):
    monkeypatch.delenv("NETWEAVE_RETENTION_DAYS", raising=False)
    assert retention_days() == 730


def test_retention_days_read_from_environment(monkeypatch):
    monkeypatch.setenv("NETWEAVE_RETENTION_DAYS", "30")
    assert retention_days() == 30


def test_event_ends_after_rounds_and_groups():
    event = EventFactory(rounds=3, minutes_per_round=10, group_minutes=20, groups_enabled=True)
    assert event_ends_at(event) - event.starts_at == dt.timedelta(minutes=50)


def test_purge_removes_registrations_of_old_event():
    registration = RegistrationFactory(event=_old_event())
    purge_expired()
    assert not Registration.objects.filter(pk=registration.pk).exists()


def test_purge_keeps_registrations_of_recent_event():
    registration = RegistrationFactory(event=_old_event(days=100))
    purge_expired()
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_purge_dry_run_changes_nothing():
    registration = RegistrationFactory(event=_old_event())
    report = purge_expired(dry_run=True)
    assert Registration.objects.filter(pk=registration.pk).exists()
    assert (
        report.events[f"{registration.event.community.slug}/{registration.event.slug}"][
            "registrations"
        ]
        == 1
    )


def test_purge_keeps_counts_in_a_record():
    event = _old_event()
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, mode=Registration.Mode.ASYNC)
    purge_expired()
    counts = PurgeRecord.objects.get(event=event).counts
    assert (counts["registrations"], counts["live"], counts["async"]) == (3, 2, 1)


def test_purge_keeps_event_and_held_meetings():
    event = _old_event()
    HeldMeetingFactory(event=event, seats=RegistrationFactory.create_batch(2, event=event))
    purge_expired()
    assert HeldMeeting.objects.filter(event=event).count() == 1


def test_purge_removes_answers_and_intro_files(django_capture_on_commit_callbacks):
    event = _old_event()
    name = intro_storage().save("intros/purge-test.mp4", ContentFile(mp4_bytes()))
    intro = IntroFactory(registration__event=event, video_name=name)
    AnswersFactory(subject=intro.registration)
    with django_capture_on_commit_callbacks(execute=True):
        purge_expired()
    assert not Answers.objects.exists()
    assert not intro_storage().exists(name)


def test_purge_scrubs_plan_snapshots():
    regs, version = published_example(_old_event())
    purge_expired()
    version = PlanVersion.objects.get(pk=version.pk)
    assert regs[0].member.email not in str(
        (version.participants, version.unmatched, version.metrics)
    )


def test_purge_keeps_members_of_the_community():
    registration = RegistrationFactory(event=_old_event())
    purge_expired()
    assert Member.objects.filter(pk=registration.member_id).exists()


def test_purge_blanks_old_outbox_messages():
    message = OutboxMessage.objects.create(
        to="ana@example.org", subject="Hi Ana", body="b", kind="link"
    )
    OutboxMessage.objects.filter(pk=message.pk).update(created=_days_ago(800))
    purge_expired()
    message.refresh_from_db()
    assert (message.to, message.subject, message.body, message.kind) == ("", "", "", "link")


def test_purge_removes_old_emailed_confirmations_only():
    event = EventFactory()
    old = RegistrationRequest.objects.create(event=event, email="old@example.org", answers={})
    RegistrationRequest.objects.create(event=event, email="new@example.org", answers={})
    member = RegistrationFactory(event=event).member
    PrivacyConfirmation.objects.create(member=member, action="delete")
    RegistrationRequest.objects.filter(pk=old.pk).update(created=_days_ago(800))
    PrivacyConfirmation.objects.update(created=_days_ago(800))

    dry = purge_expired(dry_run=True).confirmations
    report = purge_expired()

    assert (dry, report.confirmations) == (2, 2)
    assert list(RegistrationRequest.objects.values_list("email", flat=True)) == ["new@example.org"]
    assert not PrivacyConfirmation.objects.exists()


def test_purge_removes_answers_waiting_for_an_old_event():
    event = _old_event()
    RegistrationRequest.objects.create(event=event, email="ana@example.org", answers={"a": 1})
    purge_expired()
    assert not RegistrationRequest.objects.exists()


def test_purge_twice_is_harmless():
    RegistrationFactory(event=_old_event())
    purge_expired()
    assert purge_expired().events == {}


def test_purge_command_prints_what_it_did():
    registration = RegistrationFactory(event=_old_event())
    result = CliRunner().invoke(main, ["purge"])
    assert result.exit_code == 0, result.output
    assert f"Removed the personal data of {registration.event.community.slug}/" in result.output


def test_purge_command_dry_run_says_would():
    RegistrationFactory(event=_old_event())
    result = CliRunner().invoke(main, ["purge", "--dry-run", "--days", "365"])
    assert "Would remove the personal data" in result.output
    assert Registration.objects.exists()


def test_purge_task_runs_the_purge():
    from netweave.web.privacy.tasks import purge_task

    RegistrationFactory(event=_old_event())
    result = purge_task.enqueue()
    assert (result.return_value["events"], Registration.objects.exists()) == (1, False)
