"""Delete my data: a confirmation, then the member and everything personal, atomically."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from netweave.web.community.models import Member
from netweave.web.events.models import Registration
from netweave.web.intros.models import Answers
from netweave.web.intros.storage import intro_storage
from netweave.web.live.models import HeldMeeting, HeldSeat, Replan
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import PlanVersion
from netweave.web.privacy.domain import erase_member
from tests.web.factories import (
    AnswersFactory,
    HeldMeetingFactory,
    IntroFactory,
    RegistrationFactory,
    mp4_bytes,
    published_example,
)

pytestmark = pytest.mark.django_db


def _delete_url(registration: Registration) -> str:
    return reverse("portal:privacy_delete", args=[registration.token])


def test_delete_page_asks_for_confirmation(client):
    registration = RegistrationFactory()
    response = client.get(_delete_url(registration))
    assert b'name="confirm"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_delete_without_confirmation_keeps_member(client):
    registration = RegistrationFactory()
    client.post(_delete_url(registration), {})
    assert Member.objects.filter(pk=registration.member_id).exists()


def test_delete_confirmed_removes_member_and_registrations(client):
    registration = RegistrationFactory()
    RegistrationFactory(member=registration.member, event__community=registration.event.community)
    response = client.post(_delete_url(registration), {"confirm": "yes"})
    assert response.status_code == 200
    assert not Member.objects.filter(pk=registration.member_id).exists()
    assert not Registration.objects.filter(member_id=registration.member_id).exists()


def test_delete_unknown_token_is_404(client):
    response = client.post(_delete_url(Registration(token="nope")), {"confirm": "yes"})
    assert response.status_code == 404


def test_delete_requires_csrf_token():
    registration = RegistrationFactory()
    response = Client(enforce_csrf_checks=True).post(_delete_url(registration), {"confirm": "yes"})
    assert response.status_code == 403
    assert Member.objects.filter(pk=registration.member_id).exists()


def test_erase_member_removes_outbox_messages_to_them_only(client):
    registration = RegistrationFactory()
    community = registration.event.community
    OutboxMessage.objects.create(community=community, to=registration.member.email, subject="s")
    OutboxMessage.objects.create(community=community, to="other@example.org", subject="s")
    erase_member(registration.member)
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["other@example.org"]


def test_erase_member_keeps_held_meeting_for_the_other_person():
    held = HeldMeetingFactory()
    me, other = RegistrationFactory.create_batch(2, event=held.event)
    held.seats.create(registration=me, position=0)
    held.seats.create(registration=other, position=1)
    erase_member(me.member)
    assert HeldMeeting.objects.filter(pk=held.pk).exists()
    assert list(HeldSeat.objects.values_list("registration", flat=True)) == [other.pk]


def test_erase_member_removes_answers_written_and_received():
    answers = AnswersFactory()
    AnswersFactory(author=answers.subject, subject__event=answers.subject.event)
    erase_member(answers.subject.member)
    assert not Answers.objects.exists()


def test_erase_member_removes_them_from_plan_snapshots():
    regs, version = published_example()
    erase_member(regs[5].member)
    version = PlanVersion.objects.get(pk=version.pk)
    assert regs[5].member.email not in str(
        (version.participants, version.unmatched, version.metrics)
    )


def test_erase_member_deletes_intro_files_after_commit(django_capture_on_commit_callbacks):
    name = intro_storage().save("intros/test-erase.mp4", ContentFile(mp4_bytes()))
    intro = IntroFactory(video_name=name)
    with django_capture_on_commit_callbacks(execute=True):
        erase_member(intro.registration.member)
    assert not intro_storage().exists(name)


def test_erase_member_keeps_intro_files_until_commit(django_capture_on_commit_callbacks):
    name = intro_storage().save("intros/test-keep.mp4", ContentFile(mp4_bytes()))
    intro = IntroFactory(video_name=name)
    with django_capture_on_commit_callbacks(execute=False):
        erase_member(intro.registration.member)
        assert intro_storage().exists(name)
    intro_storage().delete(name)


def test_erase_member_takes_name_out_of_replan_notes():
    registration = RegistrationFactory(member__name="Ana Pereira")
    changes = {"kept": 1, "alone": [["Ana Pereira", "no partner left"]], "new": [["Kofi"]]}
    replan = Replan.objects.create(event=registration.event, round=1, changes=changes)
    erase_member(registration.member)
    replan.refresh_from_db()
    assert replan.changes["alone"] == [["(deleted)", "no partner left"]]
