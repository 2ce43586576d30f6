"""The organizer's insight page: figures, aggregates without identities, charts, access."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.followup.charts import Bar, Point, bar_chart, line_chart
from netweave.web.followup.queries.insight import community_trend, event_insight, rating_of
from tests.web.factories import (
    CommunityFactory,
    EventFactory,
    EventFeedbackFactory,
    HeldMeetingFactory,
    MeetingFeedbackFactory,
    RegistrationFactory,
    StayInTouchFactory,
)

pytestmark = pytest.mark.django_db

#: names no page would contain by chance
NAMES = ("Anaxandra Q", "Bohdanko Q", "Cyrillia Q", "Deodatus Q")


@pytest.fixture
def done(community):
    """A finished event: Ana-Bo and Cy-Dee met in round 1, all four in a group."""
    event = EventFactory(community=community, status=Event.Status.DONE)
    ana, bo, cy, dee = (RegistrationFactory(event=event, member__name=name) for name in NAMES)
    first = HeldMeetingFactory(event=event, seats=[ana, bo])
    second = HeldMeetingFactory(event=event, room="Room 2", seats=[cy, dee])
    HeldMeetingFactory(event=event, round=0, room="Group 1", seats=[ana, bo, cy, dee])
    return event, (ana, bo, cy, dee), (first, second)


def _rate(meeting, registration, valuable: int, note: str = ""):
    return MeetingFeedbackFactory(
        meeting=meeting, registration=registration, valuable=valuable, note=note
    )


def _insight_url(event, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("orga:insight", args=[event.pk]) + (f"?{query}" if query else "")


# --------------------------------------------------------------------------- figures


def test_rating_suppressed_below_three_answers():
    assert rating_of([5, 1]).average is None


def test_rating_counts_valuable_share():
    rating = rating_of([5, 4, 2, 1])
    assert (rating.valuable_share, rating.distribution) == (0.5, (1, 1, 0, 1, 1))


def test_event_insight_counts_meetings_and_groups(done):
    event, _, _ = done
    figures = event_insight(event)
    assert (figures.meetings, figures.groups, figures.attended) == (2, 1, 4)


def test_event_insight_requests_met(done):
    event, (ana, bo, cy, _dee), _ = done
    ana.requests.add(bo.member)
    cy.requests.add(ana.member)
    figures = event_insight(event)
    assert (figures.requests, figures.requests_met) == (2, 1)


def test_event_insight_mutual_follow_ups_only(done):
    event, (ana, bo, cy, dee), (first, second) = done
    StayInTouchFactory(meeting=first, from_registration=ana, to_registration=bo)
    StayInTouchFactory(meeting=first, from_registration=bo, to_registration=ana)
    StayInTouchFactory(meeting=second, from_registration=cy, to_registration=dee)
    assert event_insight(event).mutual_follow_ups == 1


def test_event_insight_comments_hidden_below_three_answers(done):
    event, regs, _ = done
    EventFeedbackFactory(registration=regs[0], comment="Loved it")
    EventFeedbackFactory(registration=regs[1])
    assert event_insight(event).comments == ()


def test_community_trend_lists_earlier_events(done):
    event, _regs, _ = done
    earlier = EventFactory(
        community=event.community,
        starts_at=event.starts_at.replace(year=event.starts_at.year - 1),
        status=Event.Status.DONE,
    )
    HeldMeetingFactory(event=earlier, seats=RegistrationFactory.create_batch(2, event=earlier))
    assert [p.attended for p in community_trend(event)] == [2, 4]


# --------------------------------------------------------------------------- the page


def test_insight_page_needs_login(client, done):
    event = done[0]
    response = client.get(_insight_url(event))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_insight_page_of_another_community_404(outsider_client, done):
    assert outsider_client.get(_insight_url(done[0])).status_code == 404


def test_insight_page_shows_figures_and_charts(orga_client, done):
    page = orga_client.get(_insight_url(done[0])).content.decode()
    assert page.count('role="img"') >= 5
    assert "Conversations held" in page


def test_insight_page_is_a_tab_of_the_event(orga_client, done):
    page = orga_client.get(reverse("orga:event", args=[done[0].pk])).content.decode()
    assert _insight_url(done[0]) in page


def test_insight_page_never_shows_meeting_notes(orga_client, done):
    event, (ana, bo, cy, _dee), (first, second) = done
    _rate(first, ana, 5, "Bo was wonderful")
    _rate(first, bo, 2, "not my cup of tea")
    _rate(second, cy, 4)
    page = orga_client.get(_insight_url(event)).content.decode()
    assert "wonderful" not in page
    assert "cup of tea" not in page


def test_insight_page_shows_no_feedback_per_person(orga_client, done):
    event, (ana, bo, cy, _dee), (first, second) = done
    for meeting, registration, value in ((first, ana, 1), (first, bo, 5), (second, cy, 3)):
        _rate(meeting, registration, value)
    feedback = orga_client.get(_insight_url(event)).content.decode().split("Who met whom")[0]
    assert not any(name in feedback for name in NAMES)


def test_insight_page_suppresses_rating_below_three_answers(orga_client, done):
    event, (ana, bo, _, _), (first, _) = done
    _rate(first, ana, 1)
    _rate(first, bo, 5)
    page = orga_client.get(_insight_url(event)).content.decode()
    assert "not enough answers yet" in page
    assert "average" not in page


def test_insight_page_shows_comments_without_names(orga_client, done):
    event, regs, _ = done
    for registration, comment in zip(regs[:3], ("Great", "More time please", ""), strict=True):
        EventFeedbackFactory(registration=registration, comment=comment)
    page = orga_client.get(_insight_url(event)).content.decode()
    assert "More time please" in page


def test_insight_page_before_the_event_explains(orga_client, community):
    event = EventFactory(community=community, status=Event.Status.PUBLISHED)
    page = orga_client.get(_insight_url(event)).content.decode()
    assert "fills in once the event is over" in page


def test_insight_page_ignores_unknown_toggle_values(orga_client, done):
    response = orga_client.get(_insight_url(done[0], scope="<x>", colour="nope"))
    assert response.status_code == 200


def test_insight_export_json_figures_hold_no_identities(orga_client, done):
    event, (ana, bo, cy, _dee), (first, second) = done
    for meeting, registration, value in ((first, ana, 1), (first, bo, 5), (second, cy, 3)):
        _rate(meeting, registration, value, note="secret")
    url = reverse("orga:insight_export", args=[event.pk]) + "?format=json"
    figures = json.loads(orga_client.get(url).content)["figures"]
    text = json.dumps(figures)
    assert figures["meeting_ratings"]["distribution"] == [1, 0, 1, 0, 1]
    assert not any(word in text for word in (*NAMES, "secret", "@example.org"))


# --------------------------------------------------------------------------- charts


def test_bar_chart_escapes_labels():
    svg = bar_chart("T<", "D&", [Bar("<script>alert(1)</script>", 3)], "c")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_bar_chart_has_title_desc_and_values():
    svg = bar_chart("Attendance", "Who came", [Bar("Came", 8)], "att")
    assert ('aria-labelledby="att-title att-desc"' in svg, "<title>Came: 8</title>" in svg) == (
        True,
        True,
    )


def test_line_chart_breaks_at_unknown_value():
    svg = line_chart("T", "D", [Point(str(k), v) for k, v in enumerate([1, 2, None, 3, 4])], "l")
    assert svg.count("<polyline") == 2


def test_line_chart_percent_axis():
    svg = line_chart("T", "D", [Point("a", 0.5), Point("b", 0.75)], "l", percent=True)
    assert "<title>b: 75%</title>" in svg


def test_charts_doctests_pass():
    import doctest

    from netweave.web.followup import charts
    from netweave.web.followup.queries import network

    assert doctest.testmod(charts).failed == doctest.testmod(network).failed == 0


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _event_with(community, people: int) -> Event:
    event = EventFactory(community=community, status=Event.Status.DONE)
    regs = RegistrationFactory.create_batch(people, event=event)
    for k in range(0, people - 1, 2):
        meeting = HeldMeetingFactory(event=event, seats=regs[k : k + 2])
        _rate(meeting, regs[k], 4)
    HeldMeetingFactory(event=event, round=0, seats=regs)
    return event


def test_insight_page_queries_do_not_grow_with_people(orga_client, community, organizer):
    # two communities, so that neither event is in the other's year-over-year chart
    small = _event_with(community, 4)
    big = _event_with(CommunityFactory(organizers=[organizer]), 16)
    # warm both (the first view of an event may copy its plan), then compare
    orga_client.get(_insight_url(small))
    orga_client.get(_insight_url(big))
    assert _queries(orga_client, _insight_url(big)) == _queries(orga_client, _insight_url(small))


def test_summary_page_queries_do_not_grow_with_meetings(client, community):
    small, big = _event_with(community, 4), _event_with(community, 16)
    for event in (small, big):
        for registration in event.registrations.all():
            HeldMeetingFactory(event=event, round=2, seats=[registration])
    first = small.registrations.first()
    other = big.registrations.first()
    for extra in range(3, 8):
        HeldMeetingFactory(event=big, round=extra, seats=[other, *big.registrations.all()[1:3]])
    urls = [reverse("portal:summary", args=[r.token]) for r in (first, other)]
    assert _queries(client, urls[1]) == _queries(client, urls[0])
