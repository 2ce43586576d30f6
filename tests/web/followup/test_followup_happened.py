"""Follow-up counts only what happened: a meeting held, or an intro watched and answered. An
async pairing whose intro never existed is no conversation, and its people did not take
part through it."""

from __future__ import annotations

import pytest

from netweave.web.events.models import Event, Registration
from netweave.web.followup.domain.summaries import send_summaries
from netweave.web.followup.queries.held import meetings_happened
from netweave.web.followup.queries.insight import community_trend, event_insight
from netweave.web.followup.queries.summary import summary_for
from netweave.web.live.queries.met import async_not_happened
from tests.web.factories import (
    AnswersFactory,
    EventFactory,
    HeldMeetingFactory,
    IntroFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(community):
    """A finished event: Ana and Bo met live; Cy watched Kofi's intro (async) and answered;
    Dee was paired with Zane (async), who never recorded an intro."""
    event = EventFactory(community=community, status=Event.Status.DONE)
    ana, bo, cy, dee = RegistrationFactory.create_batch(4, event=event)
    kofi, zane = RegistrationFactory.create_batch(2, event=event, mode=Registration.Mode.ASYNC)
    IntroFactory(registration=kofi)
    live = HeldMeetingFactory(event=event, seats=[ana, bo])
    watched = HeldMeetingFactory(event=event, room=None, is_async=True, seats=[cy, kofi])
    empty = HeldMeetingFactory(event=event, room=None, is_async=True, seats=[dee, zane])
    AnswersFactory(subject=kofi, author=cy)
    people = {"ana": ana, "bo": bo, "cy": cy, "dee": dee, "kofi": kofi, "zane": zane}
    return event, people, {"live": live, "watched": watched, "empty": empty}


def test_async_meeting_without_an_intro_did_not_happen(done):
    event, _, meetings = done
    assert async_not_happened(event) == {meetings["empty"].pk}
    assert set(meetings_happened(event)) == {meetings["live"], meetings["watched"]}


def test_async_meeting_with_an_intro_but_no_answer_did_not_happen(done):
    event, people, meetings = done
    IntroFactory(registration=people["zane"])
    assert meetings["empty"].pk in async_not_happened(event)
    AnswersFactory(subject=people["zane"], author=people["dee"])
    assert async_not_happened(event) == set()


def test_an_empty_answer_is_no_evidence(done):
    event, people, meetings = done
    IntroFactory(registration=people["zane"])
    AnswersFactory(subject=people["zane"], author=people["dee"], answers=[])
    assert meetings["empty"].pk in async_not_happened(event)


def test_insight_counts_only_conversations_that_happened(done):
    event, _, _ = done
    insight = event_insight(event)
    assert insight.per_round == ((1, 2),)
    assert insight.meetings == 2


def test_insight_took_part_leaves_out_an_async_pairing_without_intro(done):
    event, _, _ = done
    # Ana, Bo, Cy and Kofi; not Dee nor Zane, whose only meeting never happened
    assert event_insight(event).attended == 4


def test_trend_counts_what_happened(done):
    event, _, _ = done
    (point,) = community_trend(event)
    assert (point.meetings, point.attended) == (2, 4)


def test_summary_lists_no_conversation_that_did_not_happen(done):
    _, people, _ = done
    assert summary_for(people["dee"]).conversations == ()
    assert not summary_for(people["zane"]).met_anyone
    (talk,) = summary_for(people["cy"]).conversations
    assert talk.is_async


def test_summaries_go_to_people_who_took_part_only(done):
    event, _, _ = done
    assert send_summaries(event).queued == 4
