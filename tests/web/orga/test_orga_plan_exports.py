"""Downloads of a plan: Zoom zip, groups CSV, schedule CSV/XLSX and the run sheet."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.storage import save_plan
from tests.web.factories import EventFactory, example_plan, example_registrations

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(community):
    starts = dt.datetime(2031, 3, 12, 16, 0, tzinfo=dt.UTC)
    return EventFactory(
        community=community, rounds=2, slug="spring-forum", starts_at=starts, minutes_per_round=10
    )


@pytest.fixture
def regs(event):
    return example_registrations(event)


@pytest.fixture
def version(event, regs):
    return save_plan(event, example_plan(regs), note="Generated")


def url(name: str, event, query: str = "") -> str:
    return reverse(f"orga:{name}", args=[event.pk]) + query


def test_export_zoom_zip_has_a_csv_per_round_and_groups(orga_client, event, version):
    response = orga_client.get(url("export_zoom", event))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert response["Content-Type"] == "application/zip"
    assert {"round-1.csv", "round-2.csv", "groups.csv", "README.txt"} == set(names)


def test_export_zoom_csv_header_exact_and_async_left_out(orga_client, event, version, regs):
    archive = zipfile.ZipFile(io.BytesIO(orga_client.get(url("export_zoom", event)).content))
    text = archive.read("round-1.csv").decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "Pre-assign Room Name,Email Address"
    assert f"Room 01,{regs[0].member.email}" in lines
    assert regs[8].member.email not in text  # the async person has no room


def test_export_zoom_filename_is_safe_attachment(orga_client, event, version):
    response = orga_client.get(url("export_zoom", event))
    assert response["Content-Disposition"] == 'attachment; filename="spring-forum-v1-zoom.zip"'


def test_export_uses_published_version_by_default(orga_client, event, version, regs):
    publish_plan(version)
    save_plan(event, example_plan(regs[:8] + regs[8:]), note="draft")
    response = orga_client.get(url("export_groups", event))
    assert "v1-groups" in response["Content-Disposition"]


def test_export_version_query_parameter_chooses(orga_client, event, version, regs):
    save_plan(event, example_plan(regs), note="second")
    response = orga_client.get(url("export_groups", event, "?version=2"))
    assert "v2-groups" in response["Content-Disposition"]


def test_export_without_plan_404(orga_client, event):
    assert orga_client.get(url("export_zoom", event)).status_code == 404


def test_export_other_community_404(outsider_client, event, version):
    assert outsider_client.get(url("export_schedule_csv", event)).status_code == 404


def test_export_anonymous_redirected(client, event, version):
    assert client.get(url("export_schedule_csv", event)).status_code == 302


def test_export_groups_csv_lists_live_members(orga_client, event, version, regs):
    text = orga_client.get(url("export_groups", event)).content.decode()
    assert text.splitlines()[0] == "Pre-assign Room Name,Email Address"
    assert f"Group 2,{regs[7].member.email}" in text.splitlines()


def test_export_schedule_csv_row_per_person_per_round(orga_client, event, version, regs):
    response = orga_client.get(url("export_schedule_csv", event))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Round,Room,How,Id,Name")
    assert response["Content-Type"].startswith("text/csv")
    rounds = [line for line in lines[1:] if line.split(",")[0] in {"1", "2"}]
    assert len(rounds) == 18  # 9 people, 2 rounds


def test_export_schedule_xlsx_has_rounds_and_groups_sheets(orga_client, event, version):
    response = orga_client.get(url("export_schedule_xlsx", event))
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["rounds", "groups"]
    book.close()


def test_runsheet_shows_times_in_event_zone(orga_client, event, version):
    content = orga_client.get(url("runsheet", event)).content.decode()
    # 16:00 UTC is 12:00 in New York in March 2031 (daylight saving time)
    assert "Round 1 · 12:00–12:10" in content
    assert "Round 2 · 12:10–12:20" in content
    assert "Small groups · 12:20–12:40" in content


def test_runsheet_tells_host_whom_they_meet(orga_client, event, version, regs):
    content = orga_client.get(url("runsheet", event)).content.decode()
    assert f"You (the host) join {regs[7].member.name} in Room 04." in content
