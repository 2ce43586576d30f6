"""Organizer pages for matching that knows people: the event's rules, a registration's
rounds and first time, the member's offers and seeks, the import and the export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netweave.core.people import read_people
from netweave.web.events.models import Event
from netweave.web.matching.domain.request import request_plan
from netweave.web.matching.domain.storage import save_plan
from tests.web.factories import (
    EventFactory,
    MemberFactory,
    RegistrationFactory,
    example_plan,
    example_registrations,
)
from tests.web.importing import accept_reading

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def event(community):
    return EventFactory(community=community, rounds=4, status=Event.Status.DRAFT)


def _event_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Autumn forum",
        "timezone": "Asia/Tokyo",
        "starts_at": "2030-10-01T09:00",
        "rounds": 4,
        "minutes_per_round": 8,
        "group_min": 4,
        "group_max": 6,
        "group_minutes": 20,
    }
    data.update(changes)
    return data


def test_new_event_form_offers_the_rules_on_by_default(orga_client, community):
    form = orga_client.get(reverse("orga:event_create", args=[community.pk])).context["form"]
    assert form["apart_same_organization"].value() is True
    assert form["first_timers_meet_veterans"].value() is True
    assert form["wishes_open"].value() is False


def test_event_form_saves_the_rules(orga_client, event):
    data = _event_form(first_timers_meet_veterans="on", request_cap="2", wishes_open="on")
    response = orga_client.post(reverse("orga:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (
        event.apart_same_organization,
        event.first_timers_meet_veterans,
        event.request_cap,
        event.wishes_open,
    ) == (False, True, 2, True)


def test_event_form_refuses_a_request_cap_of_zero(orga_client, event):
    data = _event_form(request_cap="0")
    response = orga_client.post(reverse("orga:event_edit", args=[event.pk]), data)
    assert "request_cap" in response.context["form"].errors


def _edit(client, registration, **data: object):
    url = reverse("orga:registration_edit", args=[registration.event_id, registration.pk])
    return client.post(url, {"mode": "live", **data})


def test_registration_edit_saves_rounds_and_first_time(orga_client, event):
    registration = RegistrationFactory(event=event)
    response = _edit(orga_client, registration, available="rounds 2-3", first_time="true")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.available, registration.first_time) == ([2, 3], True)


def test_registration_edit_every_round_is_stored_as_all(orga_client, event):
    registration = RegistrationFactory(event=event, available=[1])
    _edit(orga_client, registration, available="1-4", first_time="unknown")
    registration.refresh_from_db()
    assert (registration.available, registration.first_time) == ([], None)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("3-1", "runs backwards"), ("soon", "write rounds like 1-2"), ("5", "no round 5")],
)
def test_registration_edit_bad_rounds_say_what_to_write(orga_client, event, typed, says):
    registration = RegistrationFactory(event=event)
    response = _edit(orga_client, registration, available=typed)
    (error,) = response.context["form"].errors["available"]
    assert says in error


def test_member_edit_saves_offers_and_seeks(orga_client, community):
    member = MemberFactory(community=community, email="ana@example.org")
    data = {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "timezone": "Europe/Lisbon",
        "offers": "Grant writing; running a meetup",
        "seeks": "finding funders",
    }
    response = orga_client.post(reverse("orga:member_edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.offers, member.seeks) == (
        ["grant writing", "running a meetup"],
        ["finding funders"],
    )


def test_member_export_carries_offers_seeks_and_reads_back(orga_client, community, tmp_path):
    MemberFactory(
        community=community, offers=["grant writing"], seeks=["maps"], organization="Open Lab"
    )
    response = orga_client.get(reverse("orga:members_export", args=[community.pk]))
    text = b"".join(response.streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["offers"], row["seeks"], row["organization"]) == (
        "grant writing",
        "maps",
        "Open Lab",
    )
    path = tmp_path / "export.csv"
    path.write_text(text)
    person = read_people(path).people[0]
    assert (person.offers, person.seeks) == (("grant writing",), ("maps",))


SIGNUPS = (
    "email,name,mode,offers,seeks,available,organization,first_time\n"
    "ana@example.org,Ana Lima,live,grant writing,maps,1-2,Open Lab,yes\n"
    "kofi@example.org,Kofi Mensah,live,maps,grant writing,,Open Lab,no\n"
)


def test_event_import_carries_the_new_columns(orga_client, event):
    upload = SimpleUploadedFile("signups.csv", SIGNUPS.encode())
    response = orga_client.post(reverse("orga:event_import", args=[event.pk]), {"file": upload})
    accept_reading(orga_client, response)
    orga_client.post(reverse("orga:event_import_confirm", args=[event.pk]))
    ana = event.registrations.select_related("member").get(member__email="ana@example.org")
    kofi = event.registrations.get(member__email="kofi@example.org")
    assert (ana.member.offers, ana.member.seeks, ana.member.organization) == (
        ["grant writing"],
        ["maps"],
        "Open Lab",
    )
    assert (ana.available, ana.first_time, kofi.available, kofi.first_time) == (
        [1, 2],
        True,
        [],
        False,
    )


def test_event_import_without_first_time_leaves_it_to_history(orga_client, event):
    upload = SimpleUploadedFile("s.csv", b"email,name\nana@example.org,Ana Lima\n")
    response = orga_client.post(reverse("orga:event_import", args=[event.pk]), {"file": upload})
    accept_reading(orga_client, response)
    orga_client.post(reverse("orga:event_import_confirm", args=[event.pk]))
    assert event.registrations.get().first_time is None


# --------------------------------------------------------------------------- quality panel


def test_quality_panel_shows_the_rules_figures_and_who_sits_out(orga_client, community):
    event = EventFactory(community=community, rounds=2)
    regs = example_registrations(event)
    plan = example_plan(regs)
    late = regs[0].member
    figures = {
        "seekers": 3,
        "seekers_met_offerer": 2,
        "first_timers": 4,
        "first_timers_met_veteran": 4,
        "same_organization_pairs": 0,
        "requests_beyond_cap": 1,
        "sitting_out": {"1": [late.email]},
    }
    save_plan(event, plan.with_metrics(**{**plan.metrics, **figures}), note="Generated")
    content = orga_client.get(reverse("orga:plan", args=[event.pk])).content.decode()
    for text in (
        "Seekers who met an offerer",
        "2 of 3",
        "First-timers who met a veteran",
        "4 of 4",
        "Rule violations",
        "Requests spread",
        "Who sits out which round",
        f"Round 1: {late.name}",
    ):
        assert text in content


def test_quality_panel_of_an_older_plan_has_no_rules_figures(orga_client, community):
    event = EventFactory(community=community, rounds=2)
    save_plan(event, example_plan(example_registrations(event)), note="Generated")
    content = orga_client.get(reverse("orga:plan", args=[event.pk])).content.decode()
    assert "Mutual requests met" in content
    assert "Seekers who met an offerer" not in content


def test_quality_panel_of_a_generated_plan_has_the_rules_figures(
    orga_client, community, django_capture_on_commit_callbacks
):
    event = EventFactory(community=community, rounds=2, groups_enabled=False)
    RegistrationFactory(event=event, available=[2], member__seeks=["maps"], member__name="Late Lu")
    RegistrationFactory(event=event, member__offers=["maps"])
    RegistrationFactory.create_batch(8, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        request_plan(event, None)
    content = orga_client.get(reverse("orga:plan", args=[event.pk])).content.decode()
    assert "Seekers who met an offerer" in content
    assert "1 of 1" in content
    assert "Round 1: Late Lu" in content
