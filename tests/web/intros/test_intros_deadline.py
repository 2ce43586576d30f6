"""Async partners who really have something to watch: the intro deadline, the round-start
re-plan of a vanished intro, the watching cap on the day, and the Async tab's timing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event
from netweave.web.events.timeline import intro_deadline, round_starts_at
from netweave.web.intros.domain.deadline import apply_intro_deadline
from netweave.web.intros.domain.nudges import nudge_authors
from netweave.web.intros.errors import IntroError
from netweave.web.intros.models import Intro, Nudge, Reminder
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.roster import roster_of
from netweave.web.live.domain.rounds import round_base
from netweave.web.live.domain.state import live_state, next_round, start_event
from netweave.web.live.models import HeldMeeting, Replan
from netweave.web.mail.due import send_due
from netweave.web.matching.domain.inputs import event_config
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.storage import save_plan
from tests.web.factories import (
    AttendanceFactory,
    EventFactory,
    IntroFactory,
    example_plan,
    published_example,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_intro():
    """The example (8 live, the async person last, who watches them in rounds 1 and 2:
    regs[7] and regs[6]), the async person without an intro."""
    regs, _ = published_example(intro=False)
    event = regs[0].event
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    event.refresh_from_db()
    return event, regs


def _after_deadline(event: Event) -> dt.datetime:
    return intro_deadline(event) + dt.timedelta(minutes=1)


def _members(replan: Replan) -> list[set[int]]:
    return [set(m["members"]) for m in replan.meetings]


def _held(event: Event, number: int) -> list[set[int]]:
    return [
        {s.registration_id for s in m.seats.all()}
        for m in HeldMeeting.objects.filter(event=event, round=number).prefetch_related("seats")
    ]


# --------------------------------------------------------------------------- the deadline


def test_intro_deadline_defaults_to_a_day_before_the_start(no_intro):
    event, _ = no_intro
    assert intro_deadline(event) == event.starts_at - dt.timedelta(days=1)
    event.intro_deadline = event.starts_at - dt.timedelta(days=3)
    assert intro_deadline(event) == event.starts_at - dt.timedelta(days=3)


def test_deadline_verb_refuses_before_the_deadline(no_intro):
    event, _ = no_intro
    with pytest.raises(IntroError, match="Intros are due"):
        apply_intro_deadline(event, now=intro_deadline(event) - dt.timedelta(minutes=1))
    assert not Replan.objects.filter(event=event).exists()


def test_deadline_replans_every_round_with_live_partners(no_intro):
    event, regs = no_intro
    async_pk = regs[8].pk

    outcome = apply_intro_deadline(event, now=_after_deadline(event))

    assert outcome.replanned == (1, 2)
    assert outcome.missing == frozenset({async_pk})
    for number in (1, 2):
        replan = Replan.objects.filter(event=event, round=number).latest("id")
        assert all(async_pk not in m for m in _members(replan))
    # regs[7] watched in round 1; now the odd one out of 7 live people (with a trio in the
    # round already): they meet the host instead of watching nothing
    round_1 = Replan.objects.filter(event=event, round=1).latest("id")
    assert {regs[7].pk} in _members(round_1)


def test_deadline_replan_repeats_no_pair_across_rounds(no_intro):
    event, _ = no_intro
    apply_intro_deadline(event, now=_after_deadline(event))
    pairs = []
    for number in (1, 2):
        replan = Replan.objects.filter(event=event, round=number).latest("id")
        for members in _members(replan):
            people = sorted(members)
            pairs += [(a, b) for k, a in enumerate(people) for b in people[k + 1 :]]
    assert len(pairs) == len(set(pairs))


def test_deadline_tells_the_async_person_once(no_intro):
    event, regs = no_intro
    now = _after_deadline(event)

    first = apply_intro_deadline(event, now=now)
    again = apply_intro_deadline(event, now=now + dt.timedelta(hours=1))

    assert (first.told, again.told) == (1, 0)
    (message,) = mail.outbox
    assert message.to == [regs[8].member.email]
    assert "meet someone live instead" in message.body
    assert Reminder.objects.get(registration=regs[8], kind=Reminder.Kind.MISSED).sent_at


def test_deadline_leaves_a_plan_alone_when_the_intro_exists(no_intro):
    event, regs = no_intro
    IntroFactory(registration=regs[8])

    outcome = apply_intro_deadline(event, now=_after_deadline(event))

    assert (outcome.replanned, outcome.told) == ((), 0)
    assert not Replan.objects.filter(event=event).exists()


def test_a_plan_published_after_the_deadline_is_not_overridden_by_old_replans(no_intro):
    event, regs = no_intro
    apply_intro_deadline(event, now=_after_deadline(event))
    version = publish_plan(save_plan(event, example_plan(regs), note="Again"))

    _, source = round_base(event, version, 1, roster_of(event))

    assert source == HeldMeeting.Source.PLAN
    assert apply_intro_deadline(event, now=_after_deadline(event)).replanned == (1, 2)


def test_send_due_applies_the_deadline_once_it_has_passed(no_intro):
    event, regs = no_intro
    send_due(intro_deadline(event) - dt.timedelta(minutes=1))
    assert not Replan.objects.filter(event=event).exists()

    send_due(_after_deadline(event))

    assert set(Replan.objects.filter(event=event).values_list("round", flat=True)) == {1, 2}
    assert regs[8].member.email in {m.to[0] for m in mail.outbox}


def test_intro_reminder_names_the_deadline(no_intro):
    event, regs = no_intro
    send_due(intro_deadline(event) - dt.timedelta(hours=2))
    (message,) = [m for m in mail.outbox if m.to == [regs[8].member.email]]
    assert "please add it by" in message.body


# --------------------------------------------------------------------------- on the day


def test_live_replan_leaves_out_an_async_person_without_intro(no_intro):
    event, regs = no_intro
    for reg in regs[:8]:
        AttendanceFactory(registration=reg)

    made = replan_next_round(event, 1)

    assert all(regs[8].pk not in m for m in _members(made))
    assert made.changes["dissolved"]


def test_round_start_replans_an_intro_that_vanished(no_intro):
    event, regs = no_intro
    intro = IntroFactory(registration=regs[8])
    start_event(event, live_state(event).version)
    Intro.objects.filter(pk=intro.pk).update(text="")  # the async person deleted it

    next_round(event, live_state(event).version)

    held = _held(event, 1)
    assert all(regs[8].pk not in m for m in held)
    assert {regs[7].pk} in held  # with the host, not in front of a missing video
    assert Replan.objects.filter(event=event, round=1).exists()


def test_round_start_keeps_a_round_whose_intros_exist(no_intro):
    event, regs = no_intro
    IntroFactory(registration=regs[8])
    start_event(event, live_state(event).version)

    next_round(event, live_state(event).version)

    assert {regs[7].pk, regs[8].pk} in _held(event, 1)
    assert not Replan.objects.filter(event=event).exists()


def test_event_watch_setting_reaches_the_planner(no_intro):
    event, _ = no_intro
    event.rounds, event.watch_every = 6, 3
    assert event_config(event).watch_cap == 2
    event.watch_every = 1
    assert event_config(event).watch_cap == 6


# --------------------------------------------------------------------------- the Async tab


def _overview(client, event: Event) -> str:
    response = client.get(reverse("orga:intros", args=[event.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_async_tab_before_the_event_shows_no_missing_forms(orga_client, community):
    regs, _ = published_example(EventFactory(community=community), intro=False)
    event = regs[0].event

    page = _overview(orga_client, event)

    assert "Intros are due" in page
    assert "partner forms missing" not in page.lower()
    assert "Remind everyone" not in page
    assert "Partner forms open when the event starts" in page


def test_async_tab_after_the_start_lists_missing_forms(orga_client, community):
    regs, _ = published_example(EventFactory(community=community), intro=False)
    event = regs[0].event
    Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at - dt.timedelta(days=15))

    page = _overview(orga_client, event)

    assert "Remind everyone missing" in page
    assert "Intros were due" in page


def test_nudges_wait_for_the_forms_to_open(no_intro):
    event, _ = no_intro
    assert nudge_authors(event, now=event.starts_at - dt.timedelta(hours=1)) == 0
    assert nudge_authors(event, now=event.starts_at + dt.timedelta(minutes=5)) > 0


def test_event_form_saves_the_intro_deadline_and_watch_spacing(orga_client, community):
    event = EventFactory(community=community)
    url = reverse("orga:event_edit", args=[event.pk])
    page = orga_client.get(url).content.decode()
    assert "Async intros due by" in page
    data = {
        "title": event.title,
        "slug": event.slug,
        "description": "",
        "timezone": "UTC",
        "starts_at": "2027-03-10T18:00",
        "rounds": 4,
        "minutes_per_round": 8,
        "group_min": 4,
        "group_max": 6,
        "group_minutes": 20,
        "intro_deadline": "2027-03-11T09:00",
        "watch_every": 2,
    }
    refused = orga_client.post(url, data)
    assert "Intros must be due before the event starts" in refused.content.decode()

    orga_client.post(url, {**data, "intro_deadline": "2027-03-08T09:00"})

    event.refresh_from_db()
    assert event.intro_deadline == dt.datetime(2027, 3, 8, 9, tzinfo=dt.UTC)
    assert event.watch_every == 2


def test_remind_pressed_before_the_forms_open_says_so(orga_client, community):
    regs, _ = published_example(EventFactory(community=community), intro=False)
    event = regs[0].event
    response = orga_client.post(reverse("orga:intros_nudge", args=[event.pk]), follow=True)
    page = response.content.decode()
    assert "Partner forms open on" in page
    assert "nobody is reminded before" in page
    assert "forms are filled, closed" not in page


def test_nudges_only_for_forms_whose_round_has_started(no_intro):
    event, regs = no_intro
    in_round_1 = event.starts_at + dt.timedelta(minutes=5)
    queued = Nudge.objects.filter(subject=regs[8])
    assert nudge_authors(event, now=in_round_1) == 1
    assert list(queued.values_list("author", flat=True)) == [regs[7].pk]
    in_round_2 = round_starts_at(event, 2) + dt.timedelta(minutes=1)
    assert nudge_authors(event, now=in_round_2) == 1  # regs[7] was nudged a minute ago
    assert set(queued.values_list("author", flat=True)) == {regs[6].pk, regs[7].pk}


def test_async_tab_says_when_a_later_round_form_is_due(orga_client, community):
    regs, _ = published_example(EventFactory(community=community), intro=False)
    event = regs[0].event
    # round 1 has started a minute ago; round 2 (regs[6] watches then) has not
    start = timezone.now() - dt.timedelta(minutes=1)
    Event.objects.filter(pk=event.pk).update(starts_at=start)
    page = _overview(orga_client, event)
    assert "when their round starts" in page
    assert "Remind everyone missing (1)" in page
