"""Sending everyone their schedule: one email each, in their zone, updates only to those
whose schedule changed, nothing twice; the organizer's page with the preview and the button."""

from __future__ import annotations

import dataclasses
import zoneinfo

import pytest
from django.urls import reverse

from netweave.core import plan as core
from netweave.web.events.models import Registration
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.domain.delivery import deliver_schedules, send_schedule
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.sending import preview_schedule_email, send_schedules
from netweave.web.matching.domain.storage import save_plan
from netweave.web.matching.queries.recipients import schedule_recipients
from netweave.web.matching.tasks import send_schedules_task
from tests.web.factories import (
    PERSONAL_LINK,
    EventFactory,
    emailed_path,
    example_plan,
    published_example,
)

pytestmark = pytest.mark.django_db

ZOOM = "https://us02web.zoom.us/j/81234567890"


def _swapped(regs: list[Registration]):
    """The example plan with two round-2 meetings exchanging a partner (regs 4 and 5)."""
    plan = example_plan(regs)
    second = plan.rounds[1]
    meetings = list(second.meetings)
    a, b = meetings[1], meetings[2]  # (1, 4) in Room 2 and (2, 5) in Room 3
    meetings[1] = dataclasses.replace(a, members=(a.members[0], b.members[1]))
    meetings[2] = dataclasses.replace(b, members=(b.members[0], a.members[1]))
    rounds = (plan.rounds[0], core.Round(second.number, tuple(meetings)))
    return dataclasses.replace(plan, rounds=rounds)


def _republish(regs: list[Registration], plan) -> object:
    return publish_plan(save_plan(regs[0].event, plan, note="Swapped"))


def test_publish_then_send_everyone_gets_exactly_one_email(mailoutbox):
    regs, version = published_example()
    assert deliver_schedules(version) == len(regs)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.member.email for r in regs)


def test_schedule_email_carries_link_invite_and_zone(mailoutbox):
    regs, version = published_example(EventFactory(meeting_url=ZOOM))
    member = regs[0].member
    member.timezone = "Asia/Tokyo"
    member.save()
    send_schedule(Registration.objects.get(pk=regs[0].pk), version)
    body = mailoutbox[0].body
    local = version.event.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"Round 1, {local:%H:%M}, Room 01" in body
    assert "(Asia/Tokyo)" in body
    assert ZOOM in body
    assert emailed_path(mailoutbox, PERSONAL_LINK) == f"/p/{regs[0].token}/"
    assert [a.mimetype for a in mailoutbox[0].attachments] == ["text/calendar"]


def test_first_schedule_email_offers_a_way_out_an_update_does_not(mailoutbox):
    regs, version = published_example()
    deliver_schedules(version)
    first = next(m for m in mailoutbox if regs[1].member.email in m.to)
    mailoutbox.clear()
    deliver_schedules(_republish(regs, _swapped(regs)))
    update = next(m for m in mailoutbox if regs[1].member.email in m.to)
    way_out = f"/p/{regs[1].token}/privacy/delete/"
    assert (way_out in first.body, way_out in update.body) == (True, False)


def test_schedule_email_reaches_only_its_owner(mailoutbox):
    _regs, version = published_example()
    deliver_schedules(version)
    for message in mailoutbox:
        owner = Registration.objects.get(member__email=message.to[0], event=version.event)
        assert emailed_path([message], PERSONAL_LINK) == f"/p/{owner.token}/"


def test_a_retried_task_sends_nothing_twice(mailoutbox):
    regs, version = published_example()
    send_schedules_task.call(version.pk)
    assert (send_schedules_task.call(version.pk), len(mailoutbox)) == (0, len(regs))


def test_send_schedule_twice_for_one_version_sends_once(mailoutbox):
    regs, version = published_example()
    send_schedule(regs[0], version)
    assert (send_schedule(regs[0], version), len(mailoutbox)) == (None, 1)


def test_a_failed_email_is_tried_again(mailoutbox):
    regs, version = published_example()
    message = send_schedule(regs[0], version)
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxMessage.State.FAILED)
    again = send_schedule(regs[0], version)
    assert (again.pk, again.state, len(mailoutbox)) == (message.pk, "sent", 2)


def test_a_change_updates_only_those_affected(mailoutbox):
    regs, version = published_example()
    deliver_schedules(version)
    mailoutbox.clear()
    newer = _republish(regs, _swapped(regs))
    assert deliver_schedules(newer) == 4
    changed = {regs[i].member.email for i in (1, 2, 4, 5)}
    assert {m.to[0] for m in mailoutbox} == changed
    assert all(m.subject.endswith("changed") for m in mailoutbox)


def test_a_new_version_with_the_same_schedules_sends_nothing(mailoutbox):
    regs, version = published_example()
    deliver_schedules(version)
    newer = _republish(regs, example_plan(regs))
    recipients = schedule_recipients(newer.event)
    assert (len(recipients.everyone), recipients.unchanged) == (0, len(regs))


def test_an_unpublished_version_sends_nothing(mailoutbox):
    regs, version = published_example()
    _republish(regs, _swapped(regs))
    assert (deliver_schedules(version), len(mailoutbox)) == (0, 0)


def test_send_schedules_refuses_a_stale_version():
    _regs, version = published_example()
    with pytest.raises(PlanError, match="changed since"):
        send_schedules(version.event, number=version.number + 1)


def test_send_schedules_queues_the_task(django_capture_on_commit_callbacks, mailoutbox):
    regs, version = published_example()
    with django_capture_on_commit_callbacks(execute=True):
        count = send_schedules(version.event, number=version.number)
    assert (count, len(mailoutbox)) == (len(regs), len(regs))


def test_send_schedules_refuses_when_everyone_has_it(mailoutbox):
    _regs, version = published_example()
    deliver_schedules(version)
    with pytest.raises(PlanError, match="already"):
        send_schedules(version.event, number=version.number)


def test_preview_is_not_sent(mailoutbox):
    regs, _ = published_example()
    preview = preview_schedule_email(regs[0])
    assert (preview.to, preview.subject.startswith("Your schedule"), len(mailoutbox)) == (
        regs[0].member.email,
        True,
        0,
    )


# --------------------------------------------------------------------------- the page


def _event_of(community, **fields):
    return EventFactory(community=community, **fields)


def test_send_page_shows_preview_and_counts(orga_client, community):
    regs, _ = published_example(_event_of(community))
    response = orga_client.get(reverse("orga:plan_send", args=[regs[0].event_id]))
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Preview: the email to {regs[0].member.email}" in text
    assert f"Send {len(regs)} emails" in text


def test_send_page_before_publishing_says_so(orga_client, community):
    event = _event_of(community)
    response = orga_client.get(reverse("orga:plan_send", args=[event.pk]))
    assert "Nothing is published yet" in response.content.decode()


def test_send_page_press_sends_everyone(
    orga_client, community, mailoutbox, django_capture_on_commit_callbacks
):
    regs, version = published_example(_event_of(community))
    url = reverse("orga:plan_send", args=[version.event_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = orga_client.post(url, {"version": version.number})
    assert (response.status_code, len(mailoutbox)) == (302, len(regs))


def test_send_page_is_404_for_another_community(outsider_client, community):
    regs, _ = published_example(_event_of(community))
    url = reverse("orga:plan_send", args=[regs[0].event_id])
    assert outsider_client.get(url).status_code == 404


def test_send_page_after_a_change_previews_an_update(orga_client, community):
    regs, version = published_example(_event_of(community))
    deliver_schedules(version)
    _republish(regs, _swapped(regs))
    page = orga_client.get(reverse("orga:plan_send", args=[version.event_id])).content.decode()
    assert "changed</p>" in page.replace("\n", "")
    assert "Send 4 emails" in page
