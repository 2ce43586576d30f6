"""Private "would love to meet" / "no thanks", through the real pages: the organizer opens
it, a participant sees who is coming and chooses, the planner honours it, a plan closes it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event, Registration, Wish
from netweave.web.matching.domain.inputs import event_people
from netweave.web.matching.domain.request import request_plan
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.privacy.domain import erase_member
from tests.web.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(community) -> Event:
    return EventFactory(community=community, rounds=2, groups_enabled=False, wishes_open=True)


@pytest.fixture
def people(event) -> list[Registration]:
    """Ana, Bo (listed), Cy (listed) and Dee (not listed)."""
    return [
        RegistrationFactory(event=event, member__name=name, member__listed=listed)
        for name, listed in (("Ana", True), ("Bo", True), ("Cy", True), ("Dee", False))
    ]


def _mine(client, registration: Registration) -> str:
    return client.get(reverse("portal:mine", args=[registration.token])).content.decode()


def _choose(client, registration: Registration, **choices: str):
    url = reverse("portal:wishes", args=[registration.token])
    return client.post(url, {f"wish-{pk}": kind for pk, kind in choices.items()}, follow=True)


def test_panel_lists_who_is_coming_and_agreed_to_be_listed(client, people):
    ana, _, _, dee = people
    page = _mine(client, ana)
    assert "Who is coming" in page
    assert ">Bo</label>" in page
    assert ">Cy</label>" in page
    assert ">Ana</label>" not in page  # not oneself
    assert dee.member.name not in page  # did not agree to be listed


def test_panel_hidden_while_closed(client, event, people):
    event.wishes_open = False
    event.save()
    assert "Who is coming" not in _mine(client, people[0])


def test_choices_are_saved_and_shown_back_to_their_author(client, people):
    ana, bo, cy, _ = people
    response = _choose(client, ana, **{str(bo.pk): "love", str(cy.pk): "no"})
    assert "Only you see your choices" in response.content.decode()
    assert dict(Wish.objects.values_list("target_id", "kind")) == {bo.pk: "love", cy.pk: "no"}
    page = _mine(client, ana)
    assert '<option value="no" selected>No thanks</option>' in page
    _choose(client, ana, **{str(cy.pk): ""})
    assert list(Wish.objects.values_list("target_id", flat=True)) == [bo.pk]


def test_choice_about_someone_not_listed_is_refused(client, people):
    ana, _, _, dee = people
    url = reverse("portal:wishes", args=[ana.token])
    client.post(url, {f"wish-{dee.pk}": "no"})
    assert not Wish.objects.exists()


def test_choice_when_closed_is_refused_with_a_message(client, event, people):
    ana, bo, _, _ = people
    event.wishes_open = False
    event.save()
    response = _choose(client, ana, **{str(bo.pk): "no"})
    assert "have not opened" in response.content.decode()
    assert not Wish.objects.exists()


def test_planner_reads_love_as_request_and_no_thanks_as_avoid(client, people):
    ana, bo, cy, _ = people
    _choose(client, ana, **{str(bo.pk): "love", str(cy.pk): "no"})
    by_name = {p.name: p for p in event_people(ana.event)}
    assert by_name["Ana"].requests == (bo.member.email,)
    assert by_name["Ana"].avoid == (cy.member.email,)


def test_request_to_someone_who_said_no_thanks_is_dropped(client, people):
    ana, bo, _, _ = people
    _choose(client, ana, **{str(bo.pk): "love"})
    _choose(client, bo, **{str(ana.pk): "no"})
    by_name = {p.name: p for p in event_people(ana.event)}
    assert by_name["Ana"].requests == ()


def test_generated_plan_never_pairs_a_no_thanks_and_closes_the_list(
    client, event, people, django_capture_on_commit_callbacks
):
    ana, bo, cy, dee = people
    _choose(client, ana, **{str(bo.pk): "no", str(cy.pk): "no"})
    with django_capture_on_commit_callbacks(execute=True):
        version = request_plan(event, None)
    version.refresh_from_db()
    event.refresh_from_db()
    assert not event.wishes_open
    plan = plan_from_version(version)
    partners = {
        pid
        for r in plan.rounds
        for m in r.meetings
        if ana.member.email in m.members
        for pid in m.members
    }
    assert partners <= {ana.member.email, dee.member.email}
    assert "Who is coming" not in _mine(client, ana)


def test_organizer_event_page_shows_counts_only(orga_client, client, event, people):
    ana, bo, cy, _ = people
    _choose(client, ana, **{str(bo.pk): "love", str(cy.pk): "no"})
    page = orga_client.get(reverse("orga:event", args=[event.pk])).content.decode()
    assert "1 participant said 1 “would love to meet” and 1 “no thanks”" in page


def test_erasing_a_member_removes_their_wishes_and_those_about_them(client, people):
    ana, bo, cy, _ = people
    _choose(client, ana, **{str(bo.pk): "no"})
    _choose(client, cy, **{str(ana.pk): "love"})
    erase_member(ana.member)
    assert not Wish.objects.exists()
