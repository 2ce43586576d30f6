"""Delete my data: a single-use link to the member's inbox, a confirmation there, then the
member and everything personal, atomically."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.web.community.models import Member
from netweave.web.events.models import Registration, RegistrationRequest
from netweave.web.intros.models import Answers
from netweave.web.intros.storage import intro_storage
from netweave.web.live.models import HeldMeeting, HeldSeat, Replan
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import PlanVersion
from netweave.web.privacy.domain import erase_member
from netweave.web.privacy.models import PrivacyConfirmation
from tests.web.factories import (
    PRIVACY_LINK,
    AnswersFactory,
    HeldMeetingFactory,
    IntroFactory,
    RegistrationFactory,
    emailed_path,
    mp4_bytes,
    published_example,
)

pytestmark = pytest.mark.django_db


def _delete_url(registration: Registration) -> str:
    return reverse("portal:privacy_delete", args=[registration.token])


def _emailed_link(client, registration: Registration) -> str:
    """Ask on the personal page; the link arrives in the member's inbox."""
    client.post(_delete_url(registration))
    return emailed_path(mail.outbox, PRIVACY_LINK, to=registration.member.email)


def test_delete_page_offers_to_email_the_link(client):
    registration = RegistrationFactory()
    response = client.get(_delete_url(registration))
    assert b"Email me the deletion link" in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_delete_with_the_personal_link_alone_keeps_member(client, mailoutbox):
    """A forwarded link cannot erase the person: the old one-step form deletes nothing now."""
    registration = RegistrationFactory()
    client.post(_delete_url(registration), {"confirm": "yes"})
    assert Member.objects.filter(pk=registration.member_id).exists()
    (sent,) = mailoutbox
    assert sent.to == [registration.member.email]


def test_delete_link_page_asks_for_confirmation(client):
    registration = RegistrationFactory()
    response = client.get(_emailed_link(client, registration))
    assert b'name="confirm"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_delete_link_without_the_tick_keeps_member_and_link(client):
    registration = RegistrationFactory()
    link = _emailed_link(client, registration)
    client.post(link, {})
    assert Member.objects.filter(pk=registration.member_id).exists()
    assert client.get(link).status_code == 200


def test_delete_confirmed_removes_member_and_registrations(client):
    registration = RegistrationFactory()
    RegistrationFactory(member=registration.member, event__community=registration.event.community)
    response = client.post(_emailed_link(client, registration), {"confirm": "yes"})
    assert response.status_code == 200
    assert not Member.objects.filter(pk=registration.member_id).exists()
    assert not Registration.objects.filter(member_id=registration.member_id).exists()


def test_delete_link_expired_keeps_member(client):
    registration = RegistrationFactory()
    link = _emailed_link(client, registration)
    PrivacyConfirmation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(link, {"confirm": "yes"})
    assert response.status_code == 404
    assert Member.objects.filter(pk=registration.member_id).exists()


def test_download_link_does_not_delete(client):
    registration = RegistrationFactory()
    client.post(reverse("portal:privacy_download", args=[registration.token]))
    link = emailed_path(mail.outbox, PRIVACY_LINK)
    client.post(link, {"confirm": "yes"})
    assert Member.objects.filter(pk=registration.member_id).exists()


def test_delete_unknown_token_is_404(client):
    response = client.post(_delete_url(Registration(token="nope")), {"confirm": "yes"})
    assert response.status_code == 404


def test_delete_requires_csrf_token(client):
    registration = RegistrationFactory()
    link = _emailed_link(client, registration)
    response = Client(enforce_csrf_checks=True).post(link, {"confirm": "yes"})
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


def test_erase_member_removes_answers_waiting_for_their_confirmation():
    registration = RegistrationFactory()
    event, email = registration.event, registration.member.email
    RegistrationRequest.objects.create(event=event, email=email, answers={"name": "x"})
    RegistrationRequest.objects.create(event=event, email="other@example.org", answers={})
    erase_member(registration.member)
    assert list(RegistrationRequest.objects.values_list("email", flat=True)) == [
        "other@example.org"
    ]
