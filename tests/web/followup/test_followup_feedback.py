"""Feedback links: per meeting, only for its members, one answer each (a second one edits)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.followup.domain.feedback import (
    MeetingAnswer,
    give_event_feedback,
    give_meeting_feedback,
)
from netweave.web.followup.errors import FollowupError
from netweave.web.followup.models import EventFeedback, MeetingFeedback, StayInTouch
from tests.web.factories import EventFactory, HeldMeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def met():
    """Ana and Bo met in round 1 of a finished event; Cy was there too, elsewhere."""
    event = EventFactory(status=Event.Status.DONE)
    ana, bo, cy = RegistrationFactory.create_batch(3, event=event)
    meeting = HeldMeetingFactory(event=event, seats=[ana, bo])
    HeldMeetingFactory(event=event, room="Room 2", seats=[cy])
    return ana, bo, cy, meeting


def _url(registration, meeting) -> str:
    return reverse("portal:feedback_meeting", args=[registration.token, meeting.pk])


def test_meeting_feedback_form_saves_answer(client, met):
    ana, bo, _, meeting = met
    client.post(_url(ana, meeting), {"valuable": "5", "stay_in_touch": [str(bo.pk)]})
    answer = MeetingFeedback.objects.get(registration=ana)
    assert (answer.valuable, StayInTouch.objects.filter(from_registration=ana).count()) == (5, 1)


def test_meeting_feedback_link_404_for_someone_not_in_the_meeting(client, met):
    _, _, cy, meeting = met
    assert client.get(_url(cy, meeting)).status_code == 404


def test_meeting_feedback_post_404_for_someone_not_in_the_meeting(client, met):
    _, _, cy, meeting = met
    client.post(_url(cy, meeting), {"valuable": "1"})
    assert not MeetingFeedback.objects.exists()


def test_meeting_feedback_link_404_for_meeting_of_another_event(client, met):
    ana = met[0]
    elsewhere = HeldMeetingFactory(seats=[RegistrationFactory()])
    assert client.get(_url(ana, elsewhere)).status_code == 404


def test_meeting_feedback_unknown_token_404(client, met):
    meeting = met[3]
    url = reverse("portal:feedback_meeting", args=["nope", meeting.pk])
    assert client.get(url).status_code == 404


def test_meeting_feedback_second_answer_edits_the_first(met):
    ana, _bo, _, meeting = met
    give_meeting_feedback(ana, meeting, MeetingAnswer(2))
    give_meeting_feedback(ana, meeting, MeetingAnswer(5, "great"))
    assert list(MeetingFeedback.objects.values_list("valuable", "note")) == [(5, "great")]


def test_meeting_feedback_second_answer_withdraws_wish(met):
    ana, bo, _, meeting = met
    give_meeting_feedback(ana, meeting, MeetingAnswer(4, stay_in_touch=frozenset({bo.pk})))
    give_meeting_feedback(ana, meeting, MeetingAnswer(4))
    assert not StayInTouch.objects.exists()


def test_meeting_feedback_refuses_wish_for_someone_not_in_meeting(met):
    ana, _, cy, meeting = met
    with pytest.raises(FollowupError):
        give_meeting_feedback(ana, meeting, MeetingAnswer(4, stay_in_touch=frozenset({cy.pk})))


def test_meeting_feedback_refused_write_leaves_nothing(met):
    ana, _, cy, meeting = met
    with pytest.raises(FollowupError):
        give_meeting_feedback(ana, meeting, MeetingAnswer(4, stay_in_touch=frozenset({cy.pk})))
    assert not MeetingFeedback.objects.exists()


def test_meeting_feedback_form_rejects_rating_out_of_range(client, met):
    ana, _, _, meeting = met
    response = client.post(_url(ana, meeting), {"valuable": "9"})
    assert (response.status_code, MeetingFeedback.objects.count()) == (200, 0)


def test_meeting_feedback_form_rejects_stranger_choice(client, met):
    ana, _, cy, meeting = met
    client.post(_url(ana, meeting), {"valuable": "4", "stay_in_touch": [str(cy.pk)]})
    assert not StayInTouch.objects.exists()


def test_meeting_feedback_form_shows_previous_answer(client, met):
    ana, _, _, meeting = met
    give_meeting_feedback(ana, meeting, MeetingAnswer(2, "note to self"))
    assert "note to self" in client.get(_url(ana, meeting)).content.decode()


def test_meeting_feedback_form_escapes_names(client, met):
    ana, bo, _, meeting = met
    bo.member.name = "<script>alert(1)</script>"
    bo.member.save()
    page = client.get(_url(ana, meeting)).content.decode()
    assert "<script>alert(1)" not in page


def test_meeting_feedback_refuses_without_csrf(met):
    from django.test import Client

    ana, _, _, meeting = met
    response = Client(enforce_csrf_checks=True).post(_url(ana, meeting), {"valuable": "4"})
    assert response.status_code == 403


def test_event_feedback_form_saves_answer(client, met):
    ana = met[0]
    client.post(reverse("portal:feedback_event", args=[ana.token]), {"overall": "4"})
    assert EventFeedback.objects.get().overall == 4


def test_event_feedback_second_answer_edits_the_first(met):
    ana = met[0]
    give_event_feedback(ana, 2)
    give_event_feedback(ana, 5, "thanks")
    assert list(EventFeedback.objects.values_list("overall", "comment")) == [(5, "thanks")]


def test_event_feedback_refused_for_someone_who_met_nobody(met):
    stranger = RegistrationFactory(event=met[0].event)
    with pytest.raises(FollowupError):
        give_event_feedback(stranger, 4)


def test_event_feedback_before_the_event_redirects(client):
    registration = RegistrationFactory(event=EventFactory(status=Event.Status.PUBLISHED))
    response = client.get(reverse("portal:feedback_event", args=[registration.token]))
    assert response.status_code == 302
