"""Generating plans: a queued version, a task after commit, progress, READY or FAILED."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from netweave.web.events.models import Event
from netweave.web.matching.domain.curation import pin_group, pin_meeting
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.generate import generate_plan
from netweave.web.matching.domain.inputs import community_history, event_config
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.request import replan, request_plan
from netweave.web.matching.domain.storage import plan_from_version, save_plan
from netweave.web.matching.models import Meeting, PlanVersion, Seat
from netweave.web.matching.tasks import generate_plan_task
from tests.web.factories import (
    EventFactory,
    ForbiddenPairFactory,
    RegistrationFactory,
    UserFactory,
    example_plan,
    example_registrations,
)

pytestmark = pytest.mark.django_db


def small_event(people: int = 8, **fields) -> Event:
    event = EventFactory(rounds=2, group_min=3, group_max=5, status=Event.Status.CLOSED, **fields)
    RegistrationFactory.create_batch(people, event=event)
    return event


def generated(event: Event, run, user=None, parent=None) -> PlanVersion:
    """Request a plan and let the after-commit task run (inline in tests)."""
    with run(execute=True):
        version = request_plan(event, user, parent=parent)
    version.refresh_from_db()
    return version


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_request_plan_queues_a_version_before_commit(run):
    event = small_event()
    with run(execute=False) as callbacks:
        version = request_plan(event, None)
    assert (version.state, version.number, len(callbacks)) == ("queued", 1, 1)


def test_generate_plan_task_makes_ready_version(run):
    event = small_event()
    user = UserFactory()
    version = generated(event, run, user)
    assert (version.state, version.progress, version.created_by) == ("ready", 100, user)
    plan = plan_from_version(version)
    assert len(plan.rounds) == 2
    assert {len(m.members) for r in plan.rounds for m in r.meetings} == {2}
    assert version.metrics["people"] == 8


def test_generate_plan_marks_closed_event_planned(run):
    event = small_event()
    generated(event, run)
    event.refresh_from_db()
    assert event.status == Event.Status.PLANNED


def test_generate_plan_open_event_stays_open(run):
    event = small_event()
    Event.objects.filter(pk=event.pk).update(status=Event.Status.OPEN)
    generated(event, run)
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN


def test_generate_plan_infeasible_rounds_fail_with_message(run):
    event = small_event(people=4)
    Event.objects.filter(pk=event.pk).update(rounds=6)
    version = generated(event, run)
    assert version.state == "failed"
    assert version.error.startswith("The plan cannot be made as asked")
    assert not Meeting.objects.filter(plan=version).exists()


def test_generate_plan_failure_keeps_published_plan(run):
    regs = example_registrations(EventFactory(rounds=2, status=Event.Status.PLANNED))
    event = regs[0].event
    published = publish_plan(save_plan(event, example_plan(regs), note="first"))
    seats = Seat.objects.filter(meeting__plan=published).count()
    Event.objects.filter(pk=event.pk).update(rounds=20)
    event.refresh_from_db()
    failed = generated(event, run)
    published.refresh_from_db()
    assert failed.state == "failed"
    assert published.published_at is not None
    assert Seat.objects.filter(meeting__plan=published).count() == seats


def test_generate_plan_too_few_people_fails_readably(run):
    event = small_event(people=1)
    version = generated(event, run)
    assert version.error == "At least 2 people must be registered to make a plan; 1 are."


def test_generate_plan_bad_settings_fail_with_the_key(run):
    event = small_event(settings={"weights": {"interests": "high"}})
    version = generated(event, run)
    assert version.state == "failed"
    assert "[weights] interests" in version.error


def test_generate_plan_runs_only_queued_versions():
    event = small_event()
    version = PlanVersion.objects.create(event=event, number=1, state="failed", error="old")
    assert generate_plan(version).error == "old"


def test_request_plan_refused_while_another_runs():
    event = small_event()
    PlanVersion.objects.create(event=event, number=1, state="running")
    with pytest.raises(PlanError, match="still being planned"):
        request_plan(event, None)


def test_generate_plan_keeps_organizer_forbidden_pair_apart(run):
    event = small_event(people=4)
    a, b = event.registrations.all()[:2]
    ForbiddenPairFactory(event=event, a=a, b=b)
    plan = plan_from_version(generated(event, run))
    pair = {a.member.email, b.member.email}
    assert all(not pair <= set(m.members) for r in plan.rounds for m in r.meetings)


def test_replan_keeps_pinned_meeting(run):
    event = small_event()
    first = generated(event, run)
    meeting = Meeting.objects.filter(plan=first, round=2).last()
    pin_meeting(meeting)
    members = tuple(s.registration.member.email for s in meeting.seats.all())
    with run(execute=True):
        second = replan(first, None)
    second.refresh_from_db()
    plan = plan_from_version(second)
    kept = [m for m in plan.rounds[1].meetings if m.members == members]
    assert second.parent == first
    assert [m.pinned for m in kept] == [True]


def test_community_history_pairs_from_earlier_published_plans():
    regs = example_registrations(EventFactory(rounds=2, status=Event.Status.PLANNED))
    earlier = regs[0].event
    publish_plan(save_plan(earlier, example_plan(regs), note="x"))
    later = EventFactory(
        community=earlier.community, starts_at=earlier.starts_at.replace(year=2099)
    )
    pairs = community_history(later)
    a, b = sorted((regs[3].member.email, regs[4].member.email))
    assert (a, b) in pairs


def test_event_config_event_fields_win_over_settings():
    event = EventFactory(rounds=5, settings={"event": {"rounds": 2}, "rounds": {"fairness": 0.5}})
    config = event_config(event)
    assert (config.rounds, config.fairness) == (5, 0.5)


@pytest.mark.parametrize(
    "first", ["netweave.web.matching.tasks", "netweave.web.matching.domain.request"]
)
def test_matching_modules_load_in_either_order(first):
    """A worker loads tasks.py first, a web process the domain: neither order may fail (the
    domain package imports request.py, which queues the task tasks.py defines)."""
    root = Path(__file__).resolve().parents[3]
    code = f"import django; django.setup(); import {first}; import netweave.web.matching.domain"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_generate_plan_task_missing_version_is_a_no_op():
    assert generate_plan_task.call(123456) == "missing"


def test_replan_keeps_pinned_group(run):
    event = small_event(people=9)
    first = generated(event, run)
    group = first.groups.first()
    pin_group(group)
    members = {s.registration.member.email for s in group.seats.filter(remote=False)}
    with run(execute=True):
        second = replan(first, None)
    second.refresh_from_db()
    kept = [g for g in plan_from_version(second).groups if set(g.members) == members]
    assert [g.pinned for g in kept] == [True]


def test_generated_plan_spreads_the_watching_by_the_event_setting(run):
    # 6 live and 3 async people over 3 rounds: without the cap the best scorers with the
    # async people could watch in every round; with one in 3 rounds nobody watches twice
    event = small_event(6, watch_every=3, groups_enabled=False)
    Event.objects.filter(pk=event.pk).update(rounds=3)
    event.refresh_from_db()
    RegistrationFactory.create_batch(3, event=event, mode="async")
    version = generated(event, run)
    assert version.state == PlanVersion.State.READY
    plan = plan_from_version(version)
    watched = Counter(m.members[0] for r in plan.rounds for m in r.meetings if m.is_async)
    assert len(plan.rounds) == 3
    assert watched
    assert max(watched.values()) == 1  # 9 async matches over 6 live people: some left open
    assert any("watching cap" in u.why for u in plan.unmatched)
