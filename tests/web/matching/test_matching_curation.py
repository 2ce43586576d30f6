"""The curation verbs: pin, swap, forbid, re-plan, publish and compare."""

from __future__ import annotations

import dataclasses

import pytest

from netweave.web.events.models import Event
from netweave.web.matching.domain.curation import pin_group, pin_meeting, swap_people
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.forbidden import forbid_pair, unforbid_pair
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.storage import plan_from_version, save_plan
from netweave.web.matching.models import ForbiddenPair, Group, Meeting, PlanVersion
from netweave.web.matching.queries.versions import diff_plans
from netweave.web.matching.signals import plan_published
from tests.web.factories import (
    EventFactory,
    ForbiddenPairFactory,
    RegistrationFactory,
    UserFactory,
    example_plan,
    example_registrations,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def regs():
    return example_registrations(EventFactory(rounds=2, status=Event.Status.PLANNED))


@pytest.fixture
def version(regs):
    return save_plan(regs[0].event, example_plan(regs), note="Generated")


def ids(*regs) -> tuple[str, ...]:
    return tuple(r.member.email for r in regs)


def meeting_of(plan, number: int, pid: str):
    return next(
        m for r in plan.rounds if r.number == number for m in r.meetings if pid in m.members
    )


# --------------------------------------------------------------------------- pins


def test_pin_meeting_sets_flag_in_place(version):
    meeting = Meeting.objects.filter(plan=version, pinned=False).first()
    pin_meeting(meeting)
    meeting.refresh_from_db()
    assert meeting.pinned
    assert PlanVersion.objects.count() == 1


def test_pin_meeting_false_unpins(version):
    meeting = Meeting.objects.get(plan=version, pinned=True)
    pin_meeting(meeting, pinned=False)
    meeting.refresh_from_db()
    assert not meeting.pinned


def test_pin_group_sets_flag(version):
    group = Group.objects.get(plan=version, pinned=False)
    pin_group(group, True)
    group.refresh_from_db()
    assert group.pinned


# --------------------------------------------------------------------------- forbid


def test_forbid_pair_creates_one_row_whatever_the_order(regs):
    event = regs[0].event
    forbid_pair(event, regs[1], regs[0])
    forbid_pair(event, regs[0], regs[1])
    pair = ForbiddenPair.objects.get()
    assert (pair.a, pair.b) == (regs[0], regs[1])


def test_forbid_pair_same_person_refused(regs):
    with pytest.raises(PlanError, match="two different people"):
        forbid_pair(regs[0].event, regs[0], regs[0])


def test_forbid_pair_other_event_refused(regs):
    stranger = RegistrationFactory()
    with pytest.raises(PlanError, match="registered for this event"):
        forbid_pair(regs[0].event, regs[0], stranger)


def test_unforbid_pair_removes_it():
    pair = ForbiddenPairFactory()
    unforbid_pair(pair)
    assert not ForbiddenPair.objects.exists()


# --------------------------------------------------------------------------- swap

# In the example plan's round 2 the pairs are (0, 3), (1, 4), (2, 5), 7 with the host, and 6
# watches the async person's intro. Swapping 3 and 5 gives (0, 5) and (2, 3): both new pairs.


def test_swap_people_exchanges_places_in_new_version(version, regs):
    user = UserFactory()
    new = swap_people(version, 2, regs[3], regs[5], user)
    plan = plan_from_version(new)
    assert meeting_of(plan, 2, regs[0].member.email).members == ids(regs[0], regs[5])
    assert meeting_of(plan, 2, regs[2].member.email).members == ids(regs[2], regs[3])
    assert (new.number, new.parent, new.created_by) == (2, version, user)
    assert "Swapped" in new.note


def test_swap_people_pins_both_meetings_and_explains_them(version, regs):
    plan = plan_from_version(swap_people(version, 2, regs[3], regs[5], None))
    changed = meeting_of(plan, 2, regs[0].member.email)
    assert changed.pinned
    assert changed.reasons  # the two share interests in the factories' profiles


def test_swap_people_leaves_old_version_alone(version, regs):
    before = plan_from_version(version)
    swap_people(version, 2, regs[3], regs[5], None)
    assert plan_from_version(version) == before


def test_swap_people_refuses_repeat_meeting(version, regs):
    # swapping 3 and 2 in round 2 pairs 0 with 2, who were together in round 1's trio
    with pytest.raises(PlanError) as refused:
        swap_people(version, 2, regs[3], regs[2], None)
    assert "would break" in refused.value.message
    assert any("already met in round 1" in p for p in refused.value.problems)
    assert PlanVersion.objects.count() == 1


def test_swap_people_refuses_forbidden_pair(version, regs):
    ForbiddenPairFactory(event=version.event, a=regs[0], b=regs[5])
    with pytest.raises(PlanError) as refused:
        swap_people(version, 2, regs[3], regs[5], None)
    assert any("you forbade this pair" in p for p in refused.value.problems)


def test_swap_people_same_meeting_refused(version, regs):
    with pytest.raises(PlanError, match="already in the same meeting"):
        swap_people(version, 2, regs[0], regs[3], None)


def test_swap_people_person_without_meeting_refused(version, regs):
    late = RegistrationFactory(event=version.event)
    with pytest.raises(PlanError, match="has no meeting in round 2"):
        swap_people(version, 2, regs[0], late, None)


def test_swap_people_updates_request_metrics(version, regs):
    regs[0].requests.add(regs[5].member)
    new = swap_people(version, 2, regs[3], regs[5], None)
    assert new.metrics["one_way_requests_met"] == 1
    assert new.metrics["edited_by_hand"] is True


# --------------------------------------------------------------------------- publish


def test_publish_plan_marks_version_and_event(version):
    publish_plan(version)
    version.refresh_from_db()
    version.event.refresh_from_db()
    assert version.published_at is not None
    assert version.event.status == Event.Status.PUBLISHED


def test_publish_plan_unpublishes_the_previous(version, regs):
    publish_plan(version)
    second = save_plan(version.event, example_plan(regs), note="again")
    publish_plan(second)
    version.refresh_from_db()
    assert version.published_at is None
    assert list(PlanVersion.objects.filter(published_at__isnull=False)) == [second]


def test_publish_plan_refuses_violations(regs):
    plan = example_plan(regs)
    repeat = dataclasses.replace(
        plan, rounds=(plan.rounds[0], dataclasses.replace(plan.rounds[0], number=2))
    )
    version = save_plan(regs[0].event, repeat, note="hand-made")
    with pytest.raises(PlanError) as refused:
        publish_plan(version)
    assert any("already met in round 1" in p for p in refused.value.problems)
    version.refresh_from_db()
    assert version.published_at is None


def test_publish_plan_refuses_unfinished_version(regs):
    queued = PlanVersion.objects.create(event=regs[0].event, number=1)
    with pytest.raises(PlanError, match="only a finished plan"):
        publish_plan(queued)


def test_publish_plan_refuses_person_registered_after_planning(version):
    RegistrationFactory(event=version.event)
    with pytest.raises(PlanError) as refused:
        publish_plan(version)
    assert any("has no meeting" in p for p in refused.value.problems)


def test_publish_plan_signal_sent_after_commit(version, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, version, **kwargs):
        received.append(version.pk)

    plan_published.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            publish_plan(version)
    finally:
        plan_published.disconnect(listener)
    assert received == [version.pk]


def test_publish_plan_live_event_stays_live(version):
    Event.objects.filter(pk=version.event_id).update(status=Event.Status.LIVE)
    publish_plan(version)
    version.event.refresh_from_db()
    assert version.event.status == Event.Status.LIVE


# --------------------------------------------------------------------------- diff


def test_diff_plans_swap_shows_two_added_two_removed(version, regs):
    new = swap_people(version, 2, regs[3], regs[5], None)
    diff = diff_plans(version, new)
    round_2 = diff.rounds[1]
    assert {c.members for c in round_2.added} == {ids(regs[0], regs[5]), ids(regs[2], regs[3])}
    assert {c.members for c in round_2.removed} == {ids(regs[0], regs[3]), ids(regs[2], regs[5])}
    assert (diff.meetings_added, diff.meetings_removed, diff.people_affected) == (2, 2, 4)


def test_diff_plans_names_people(version, regs):
    diff = diff_plans(version, swap_people(version, 2, regs[3], regs[5], None))
    added = {c.names for c in diff.rounds[1].added}
    assert (regs[0].member.name, regs[5].member.name) in added


def test_diff_plans_same_plan_unchanged(version, regs):
    again = save_plan(version.event, example_plan(regs), note="same")
    diff = diff_plans(version, again)
    assert not diff.changed
    assert diff.meetings_kept == 9
    assert diff.groups_kept == 2


def test_diff_plans_group_change(version, regs):
    plan = example_plan(regs)
    g1, g2 = plan.groups
    moved = (
        dataclasses.replace(g1, members=(*g1.members[:3], g2.members[0])),
        dataclasses.replace(g2, members=(g1.members[3], *g2.members[1:])),
    )
    new = save_plan(version.event, dataclasses.replace(plan, groups=moved), note="moved")
    diff = diff_plans(version, new)
    assert (len(diff.groups_added), len(diff.groups_removed), diff.groups_kept) == (2, 2, 0)
