"""The optional rule "meet across kinds of community" in the web app: the member's kind,
the event's switch, the planner's figures, the forms, the import/export and the quality panel."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from netweave.core.people import read_people
from netweave.web.community.models import Member
from netweave.web.events.models import Event
from netweave.web.matching.domain.inputs import event_config, event_people
from netweave.web.matching.domain.request import request_plan
from netweave.web.matching.domain.storage import plan_from_version
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_event_people_carry_the_community_kind(db):
    event = EventFactory()
    RegistrationFactory(event=event, member__community_kind="research lab")
    (person,) = event_people(event)
    assert person.community_kind == "research lab"


def test_event_config_reads_across_community_kinds_off_by_default(db):
    assert not event_config(EventFactory()).across_community_kinds
    assert event_config(EventFactory(across_community_kinds=True)).across_community_kinds


def _generated(event, run):
    with run(execute=True):
        version = request_plan(event, None)
    version.refresh_from_db()
    assert version.state == "ready", version.error
    return version


def test_generated_plan_everyone_meets_another_kind(db, django_capture_on_commit_callbacks):
    event = EventFactory(
        rounds=1, groups_enabled=False, status=Event.Status.CLOSED, across_community_kinds=True
    )
    for kind in ("open source", "open source", "company", "company"):
        RegistrationFactory(event=event, member__community_kind=kind, member__interests=["x"])
    plan = plan_from_version(_generated(event, django_capture_on_commit_callbacks))
    kinds = dict(
        Member.objects.filter(community=event.community).values_list("email", "community_kind")
    )
    for m in plan.rounds[0].meetings:
        assert len({kinds[pid] for pid in m.members}) == len(m.members)
    assert (plan.metrics["kinds"], plan.metrics["kinds_met_other"]) == (4, 4)


def test_event_form_saves_across_community_kinds(orga_client, community):
    event = EventFactory(community=community, rounds=4, status=Event.Status.DRAFT)
    data = {
        "title": "Autumn forum",
        "timezone": "Asia/Tokyo",
        "starts_at": "2030-10-01T09:00",
        "rounds": 4,
        "minutes_per_round": 8,
        "group_min": 4,
        "group_max": 6,
        "group_minutes": 20,
        "across_community_kinds": "on",
    }
    form = orga_client.get(reverse("orga:event_edit", args=[event.pk])).context["form"]
    assert form["across_community_kinds"].value() is False
    response = orga_client.post(reverse("orga:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.across_community_kinds


def test_register_stores_the_kind_and_mine_shows_it(client):
    event = EventFactory(rounds=2)
    url = reverse("portal:register", args=[event.community.slug, event.slug])
    assert "What kind of community is it?" in client.get(url).content.decode()
    answers = {
        "name": "Ana Pereira",
        "email": "ana@example.org",
        "timezone": "Europe/Lisbon",
        "mode": "live",
        "community_kind": "  Open   source ",
    }
    client.post(url, answers)
    member = Member.objects.get(community=event.community)
    assert member.community_kind == "Open source"
    registration = event.registrations.get()
    page = client.get(reverse("portal:mine", args=[registration.token])).content.decode()
    assert "<dt>Kind of community</dt><dd>Open source</dd>" in page


def test_member_export_carries_the_kind_and_reads_back(orga_client, community, tmp_path):
    MemberFactory(community=community, community_kind="research lab")
    response = orga_client.get(reverse("orga:members_export", args=[community.pk]))
    text = b"".join(response.streaming_content).decode()
    assert next(csv.DictReader(io.StringIO(text)))["community_kind"] == "research lab"
    path = tmp_path / "export.csv"
    path.write_text(text)
    assert read_people(path).people[0].community_kind == "research lab"


def test_quality_panel_shows_the_kinds_figure_only_when_the_rule_was_on(
    orga_client, community, django_capture_on_commit_callbacks
):
    event = EventFactory(community=community, rounds=1, groups_enabled=False)
    for kind in ("open source", "company", "company", "lab"):
        RegistrationFactory(event=event, member__community_kind=kind)
    url = reverse("orga:plan", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        request_plan(event, None)
    assert "Met another kind of community" not in orga_client.get(url).content.decode()
    event.across_community_kinds = True
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_plan(event, None)
    assert "Met another kind of community" in orga_client.get(url).content.decode()
