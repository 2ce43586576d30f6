"""Registrations to core people, and core plans to rows and back."""

from __future__ import annotations

import dataclasses

import pytest

from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.inputs import event_people
from netweave.web.matching.domain.storage import plan_from_version, save_plan
from netweave.web.matching.models import GroupSeat, Meeting, PlanVersion, Seat
from tests.web.factories import (
    EventFactory,
    MemberFactory,
    RegistrationFactory,
    UserFactory,
    example_plan,
    example_registrations,
)

pytestmark = pytest.mark.django_db


def test_event_people_person_from_registration():
    reg = RegistrationFactory(
        member__email="Ana.Lima@Example.org",
        member__name="Ana Lima",
        member__location="Lisbon, Portugal",
        member__extra={"Pronouns": "she/her"},
        mode="async",
        looking_for="mentors",
    )
    [person] = event_people(reg.event)
    assert (person.id, person.name, person.mode, person.location) == (
        "ana.lima@example.org",
        "Ana Lima",
        "async",
        "Lisbon, Portugal",
    )
    assert person.community == "data science community"
    assert person.interests == ("onboarding", "mentoring")
    assert person.looking_for == "mentors"
    assert person.extra == (("Pronouns", "she/her"),)


def test_event_people_requests_and_avoid_as_emails():
    ana = RegistrationFactory()
    kofi = RegistrationFactory(event=ana.event)
    li = RegistrationFactory(event=ana.event)
    ana.requests.add(kofi.member)
    ana.avoid.add(li.member)
    people = {p.id: p for p in event_people(ana.event)}
    assert people[ana.member.email].requests == (kofi.member.email,)
    assert people[ana.member.email].avoid == (li.member.email,)


def test_event_people_drops_requests_for_people_not_registered():
    ana = RegistrationFactory()
    ana.requests.add(MemberFactory(community=ana.event.community))
    [person] = event_people(ana.event)
    assert person.requests == ()


def test_save_plan_round_trip_exact():
    regs = example_registrations()
    plan = example_plan(regs)
    assert plan_from_version(save_plan(regs[0].event, plan, note="Imported")) == plan


def test_save_plan_round_trip_empty_round_kept():
    regs = example_registrations()
    plan = example_plan(regs)
    plan = dataclasses.replace(
        plan, rounds=(*plan.rounds, dataclasses.replace(plan.rounds[0], number=3, meetings=()))
    )
    assert plan_from_version(save_plan(regs[0].event, plan, note="x")).rounds == plan.rounds


def test_save_plan_rows_keep_member_order_and_remote_flag():
    regs = example_registrations()
    version = save_plan(regs[0].event, example_plan(regs), note="x")
    trio = Meeting.objects.get(plan=version, round=1, room="Room 1")
    assert [s.registration for s in Seat.objects.filter(meeting=trio)] == regs[:3]
    remote = GroupSeat.objects.get(group__plan=version, remote=True)
    assert remote.registration == regs[8]


def test_save_plan_numbers_increase_per_event():
    regs = example_registrations()
    other = example_registrations()
    save_plan(other[0].event, example_plan(other), note="x")
    first = save_plan(regs[0].event, example_plan(regs), note="x")
    second = save_plan(regs[0].event, example_plan(regs), note="x", parent=first)
    assert (first.number, second.number, second.parent) == (1, 2, first)


def test_save_plan_records_note_user_and_ready_state():
    regs = example_registrations()
    user = UserFactory()
    version = save_plan(regs[0].event, example_plan(regs), note="Imported", user=user)
    assert (version.note, version.created_by, version.state) == ("Imported", user, "ready")


def test_save_plan_unregistered_person_refused_and_nothing_stored():
    regs = example_registrations()
    stranger_event = EventFactory(community=regs[0].event.community)
    with pytest.raises(PlanError, match="Not registered"):
        save_plan(stranger_event, example_plan(regs), note="x")
    assert not PlanVersion.objects.filter(event=stranger_event).exists()


def test_save_plan_query_count_independent_of_size(django_assert_max_num_queries):
    regs = example_registrations(live=8)
    plan = example_plan(regs)
    with django_assert_max_num_queries(12):
        save_plan(regs[0].event, plan, note="x")


def test_plan_from_version_query_count(django_assert_num_queries):
    regs = example_registrations()
    version = save_plan(regs[0].event, example_plan(regs), note="x")
    with django_assert_num_queries(4):
        plan_from_version(version)
