"""The curation board pages: status, content, permissions and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from netweave.web.matching.domain.storage import save_plan
from netweave.web.matching.models import Meeting, PlanVersion
from tests.web.factories import (
    EventFactory,
    ForbiddenPairFactory,
    example_plan,
    example_registrations,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(community):
    return EventFactory(community=community, rounds=2)


@pytest.fixture
def regs(event):
    return example_registrations(event)


@pytest.fixture
def version(event, regs):
    return save_plan(event, example_plan(regs), note="Generated")


def url(name: str, *args: object) -> str:
    return reverse(f"orga:{name}", args=args)


def test_board_anonymous_redirects_to_login(client, event):
    response = client.get(url("plan", event.pk))
    assert response.status_code == 302
    assert reverse("orga:login") in response["Location"]


def test_board_other_community_404(outsider_client, event):
    assert outsider_client.get(url("plan", event.pk)).status_code == 404


def test_board_version_other_community_404(outsider_client, version):
    assert outsider_client.get(url("plan_version", version.event_id, 1)).status_code == 404


def test_board_empty_state_offers_generate_button(orga_client, event, regs):
    response = orga_client.get(url("plan", event.pk))
    assert response.status_code == 200
    assert b"No plan yet" in response.content
    assert url("plan_generate", event.pk).encode() in response.content


def test_board_empty_state_too_few_people_explains(orga_client, event):
    response = orga_client.get(url("plan", event.pk))
    assert b"at least two registered people" in response.content
    assert url("plan_generate", event.pk).encode() not in response.content


def test_board_shows_rooms_of_first_round(orga_client, version, regs):
    response = orga_client.get(url("plan", version.event_id))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in content
    assert regs[0].member.name in content
    assert "You both work on mentoring" in content
    assert "Pinned" in content


def test_board_async_meeting_card_says_who_watches(orga_client, version, regs):
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert f"{regs[7].member.name}</strong> watches <strong>{regs[8].member.name}" in content


def test_board_round_tab_shows_host_meeting(orga_client, version, regs):
    response = orga_client.get(url("plan_version", version.event_id, 1) + "?round=2")
    assert b"meets the host this round" in response.content


def test_board_groups_tab_shows_remote_member(orga_client, version):
    response = orga_client.get(url("plan_version", version.event_id, 1) + "?round=groups")
    assert b"async, follows remotely" in response.content
    assert b"onboarding" in response.content


def test_board_person_view_lists_partners_per_round(orga_client, version, regs):
    response = orga_client.get(url("plan_version", version.event_id, 1) + "?view=person")
    content = response.content.decode()
    assert "By person" in content
    assert f"Room 1: {regs[1].member.name} and {regs[2].member.name} (trio)" in content


def test_board_quality_panel_shows_requests_and_unmet(orga_client, version, regs):
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert "Mutual requests met" in content
    assert "1 of 2" in content
    assert f"{regs[5].member.name}</strong> asked to meet" in content
    assert "both were full" in content


def test_board_quality_panel_shows_the_proof_of_a_small_event(orga_client, event, regs):
    plan = example_plan(regs)
    proven = {**plan.metrics, "optimality": "optimal", "exact_improved": True}
    save_plan(event, plan.with_metrics(**proven), note="Generated")
    content = orga_client.get(url("plan", event.pk)).content.decode()
    assert "Optimality" in content
    assert "solved exactly (an integer program)" in content
    assert "found a better plan than the first one" in content


def test_board_quality_panel_without_a_proof_says_why(orga_client, version):
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert "Proven for small events only" in content


def test_board_checks_clean_plan_says_all_rules_kept(orga_client, version):
    assert b"All rules kept" in orga_client.get(url("plan", version.event_id)).content


def test_board_checks_list_forbidden_pair(orga_client, version, regs):
    ForbiddenPairFactory(event=version.event, a=regs[3], b=regs[4])
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert "but you forbade this pair" in content


def test_board_escapes_names(orga_client, event, regs):
    regs[0].member.name = "<script>alert(1)</script>"
    regs[0].member.save()
    save_plan(event, example_plan(regs), note="x")
    content = orga_client.get(url("plan", event.pk)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_board_failed_version_shows_error_above_previous(orga_client, version):
    PlanVersion.objects.create(
        event=version.event, number=2, state="failed", error="Too many rounds"
    )
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert "Version 2 could not be made" in content
    assert "Too many rounds" in content
    assert "Version 1 below is unchanged" in content


def test_board_running_version_shows_progress_and_refresh_link(orga_client, version):
    PlanVersion.objects.create(event=version.event, number=2, state="running", progress=40)
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert 'value="40"' in content
    assert url("plan_progress", version.event_id, 2) in content
    assert ">Refresh</a>" in content


def test_progress_partial_htmx_refreshes_page_when_done(orga_client, version):
    response = orga_client.get(url("plan_progress", version.event_id, 1), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"


def test_progress_partial_running_renders_bar(orga_client, version):
    PlanVersion.objects.create(event=version.event, number=2, state="running", progress=12)
    response = orga_client.get(url("plan_progress", version.event_id, 2), HTTP_HX_REQUEST="true")
    assert b'value="12"' in response.content
    assert b'hx-trigger="every 1s"' in response.content


def test_board_versions_list_links_each_version_and_diff(orga_client, version, regs):
    save_plan(version.event, example_plan(regs), note="Second", parent=version)
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert url("plan_version", version.event_id, 1) in content
    assert url("plan_diff", version.event_id, 2) in content


def test_pin_meeting_without_js_redirects_to_its_round(orga_client, version):
    meeting = Meeting.objects.get(plan=version, round=2, room="Room 1")
    response = orga_client.post(
        url("plan_pin_meeting", version.event_id, meeting.pk), {"pinned": "true"}
    )
    meeting.refresh_from_db()
    assert meeting.pinned
    assert response.status_code == 302
    assert "round=2" in response["Location"]


def test_pin_meeting_htmx_returns_the_card(orga_client, version):
    meeting = Meeting.objects.get(plan=version, round=1, room="Room 2")
    response = orga_client.post(
        url("plan_pin_meeting", version.event_id, meeting.pk),
        {"pinned": "false"},
        HTTP_HX_REQUEST="true",
    )
    meeting.refresh_from_db()
    assert not meeting.pinned
    assert f'id="meeting-{meeting.pk}"'.encode() in response.content
    assert b"Pin: keep when re-planning" in response.content


def test_pin_meeting_other_community_404(outsider_client, version):
    meeting = Meeting.objects.filter(plan=version).first()
    response = outsider_client.post(
        url("plan_pin_meeting", version.event_id, meeting.pk), {"pinned": "true"}
    )
    assert response.status_code == 404


def test_pin_meeting_get_not_allowed(orga_client, version):
    meeting = Meeting.objects.filter(plan=version).first()
    assert orga_client.get(url("plan_pin_meeting", version.event_id, meeting.pk)).status_code == 405


def test_diff_page_lists_changes(orga_client, version, regs):
    import dataclasses

    plan = example_plan(regs)
    first = plan.rounds[0]
    swapped = (
        dataclasses.replace(
            first.meetings[1], members=(first.meetings[1].members[0], first.meetings[2].members[0])
        ),
        dataclasses.replace(
            first.meetings[2], members=(first.meetings[1].members[1], first.meetings[2].members[1])
        ),
    )
    new_round = dataclasses.replace(
        first, meetings=(first.meetings[0], *swapped, first.meetings[3])
    )
    save_plan(
        version.event,
        dataclasses.replace(plan, rounds=(new_round, plan.rounds[1])),
        note="x",
        parent=version,
    )
    content = orga_client.get(url("plan_diff", version.event_id, 2)).content.decode()
    assert "What changed from version 1 to version 2" in content
    assert f"{regs[3].member.name}, {regs[5].member.name}" in content
    assert "Gone:" in content


def test_diff_page_first_version_says_nothing_to_compare(orga_client, version):
    response = orga_client.get(url("plan_diff", version.event_id, 1))
    assert b"no earlier finished version" in response.content


def _registrations_and_plan(event, live: int):
    regs = example_registrations(event, live=live)
    plan = example_plan(regs[:8] + regs[-1:])
    return save_plan(event, plan, note="x")


@pytest.mark.parametrize("view", ["", "?view=person", "?round=groups"])
def test_board_query_count_independent_of_registrations(
    orga_client, community, view, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # an earlier event, so both boards read a community history (a fixed number of queries)
    start = timezone.now() + dt.timedelta(days=30)
    _registrations_and_plan(EventFactory(community=community, rounds=2, starts_at=start), 10)
    counts = []
    for k, live in enumerate((10, 40), start=1):
        event = EventFactory(community=community, rounds=2, starts_at=start + dt.timedelta(days=k))
        _registrations_and_plan(event, live)
        with CaptureQueriesContext(connection) as ctx:
            assert orga_client.get(url("plan", event.pk) + view).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_pin_form_carries_a_valid_csrf_token(organizer, version):
    import re

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(organizer)
    page = strict.get(url("plan", version.event_id)).content.decode()
    meeting = Meeting.objects.get(plan=version, round=1, room="Room 1")
    form = page[page.index(f'id="meeting-{meeting.pk}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = strict.post(
        url("plan_pin_meeting", version.event_id, meeting.pk),
        {"pinned": "true", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def fully_async_version(community):
    """A fully async event whose people registered with mixed modes (8 live, 1 async): the
    mode chosen at registration makes no difference there."""
    from netweave.core.fully_async import all_async

    event = EventFactory(community=community, rounds=2, fully_async=True)
    regs = example_registrations(event)
    return save_plan(event, all_async(example_plan(regs)), note="Generated"), regs


def test_board_fully_async_card_names_both_people(orga_client, community):
    version, _ = fully_async_version(community)
    content = orga_client.get(url("plan", version.event_id)).content.decode()
    assert "watch each other's intros" in content
    # the blank of the finding: " watches Ava's intro", "Haruto watches 's intro"
    assert "<strong></strong>" not in content
    assert "during the round" not in content
    pairs = [m for m in version.meetings.filter(round=1) if m.seats.count() == 2]
    a, b = (s.registration.member.name for s in pairs[0].seats.order_by("position"))
    assert f"<strong>{a}</strong> and <strong>{b}</strong> watch each other" in content


def test_board_person_view_fully_async_names_the_partner(orga_client, community):
    version, _ = fully_async_version(community)
    response = orga_client.get(url("plan_version", version.event_id, 1) + "?view=person")
    content = response.content.decode()
    assert "'s intro (async)" not in content
    assert "you and " in content
