"""Matching that knows people, in the web app: the new columns reach the planner's Person
records, the event's rules reach the planner and the checks, first-timers come from history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from netweave.core.plan import Meeting, Participant, Plan, Round
from netweave.web.events.first_time import first_timers, is_first_time
from netweave.web.events.models import Event
from netweave.web.matching.domain.checks import plan_violations
from netweave.web.matching.domain.inputs import check_config, event_config, event_people
from netweave.web.matching.domain.request import request_plan
from netweave.web.matching.domain.storage import plan_from_version
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_event_people_carry_offers_seeks_available_organization(db):
    event = EventFactory(rounds=4)
    member = MemberFactory(
        community=event.community,
        email="ana@example.org",
        organization="Open Lab",
        offers=["grant writing"],
        seeks=["finding funders"],
    )
    RegistrationFactory(event=event, member=member, available=[1, 2])
    (ana,) = event_people(event)
    assert (ana.offers, ana.seeks, ana.available, ana.organization) == (
        ("grant writing",),
        ("finding funders",),
        (1, 2),
        "Open Lab",
    )


def test_first_time_comes_from_history_unless_set(db):
    earlier = EventFactory(starts_at=timezone.now() + dt.timedelta(days=1))
    event = EventFactory(community=earlier.community)
    veteran, newcomer, told = MemberFactory.create_batch(3, community=event.community)
    RegistrationFactory(event=earlier, member=veteran)
    regs = [RegistrationFactory(event=event, member=m) for m in (veteran, newcomer)]
    said = RegistrationFactory(event=event, member=told, first_time=False)
    assert first_timers(event) == {regs[1].pk}
    assert [is_first_time(r) for r in (*regs, said)] == [False, True, False]
    by_id = {p.id: p.first_time for p in event_people(event)}
    assert by_id[newcomer.email]
    assert not by_id[veteran.email]
    assert not by_id[told.email]


def test_event_config_takes_the_rules_from_the_event(db):
    event = EventFactory(
        apart_same_organization=False, first_timers_meet_veterans=False, request_cap=2
    )
    for config in (event_config(event), check_config(event)):
        assert (
            config.apart_same_organization,
            config.first_timers_meet_veterans,
            config.request_cap,
        ) == (False, False, 2)


def test_event_defaults_keep_colleagues_apart_and_first_timers_with_veterans(db):
    config = event_config(EventFactory())
    assert config.apart_same_organization
    assert config.first_timers_meet_veterans
    assert config.request_cap is None


def _one_meeting(a: str, b: str) -> Plan:
    return Plan(
        participants=(Participant(a, "A", "live"), Participant(b, "B", "live")),
        rounds=(Round(1, (Meeting("Room 1", (a, b)),)),),
    )


def test_check_plan_on_the_web_knows_colleagues_apart(db):
    event = EventFactory(rounds=1, groups_enabled=False)
    a, b = (
        RegistrationFactory(event=event, member__organization=org).member.email
        for org in ("Open Lab", "open lab")
    )
    codes = [v.code for v in plan_violations(event, _one_meeting(a, b))]
    assert "same-organization" in codes
    event.apart_same_organization = False
    event.save()
    assert "same-organization" not in [v.code for v in plan_violations(event, _one_meeting(a, b))]


def test_check_plan_on_the_web_knows_availability(db):
    event = EventFactory(rounds=1, groups_enabled=False)
    a = RegistrationFactory(event=event, available=[2]).member.email
    b = RegistrationFactory(event=event).member.email
    assert "unavailable" in [v.code for v in plan_violations(event, _one_meeting(a, b))]


# --------------------------------------------------------------------------- planned


def _generated(event, run):
    with run(execute=True):
        version = request_plan(event, None)
    version.refresh_from_db()
    assert version.state == "ready", version.error
    return version


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_generated_plan_keeps_colleagues_apart_and_the_sitting_out_rounds(db, run):
    event = EventFactory(rounds=3, groups_enabled=False, status=Event.Status.CLOSED)
    colleagues = RegistrationFactory.create_batch(3, event=event, member__organization="Open Lab")
    late = RegistrationFactory(event=event, available=[2, 3])
    RegistrationFactory.create_batch(4, event=event)
    plan = plan_from_version(_generated(event, run))
    lab = {r.member.email for r in colleagues}
    for r in plan.rounds:
        for m in r.meetings:
            assert len(lab & set(m.members)) < 2, f"colleagues met in round {r.number}"
    round_one = {pid for m in plan.rounds[0].meetings for pid in m.members}
    assert late.member.email not in round_one
    assert plan.metrics["sitting_out"] == {"1": [late.member.email]}
    assert plan.metrics["same_organization_pairs"] == 0


def test_generated_plan_first_timers_meet_a_veteran(db, run):
    earlier = EventFactory(starts_at=timezone.now() + dt.timedelta(days=1))
    event = EventFactory(
        community=earlier.community, rounds=2, groups_enabled=False, status=Event.Status.CLOSED
    )
    veterans = RegistrationFactory.create_batch(2, event=event)
    for v in veterans:
        RegistrationFactory(event=earlier, member=v.member)
    RegistrationFactory.create_batch(4, event=event)
    metrics = plan_from_version(_generated(event, run)).metrics
    assert (metrics["first_timers"], metrics["first_timers_met_veteran"]) == (4, 4)
