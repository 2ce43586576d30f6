"""The organizers' side of async participation: the Async tab, its settings, watching intros."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from netweave.web.common.tabs import event_tabs
from netweave.web.events.models import Registration
from netweave.web.intros.models import IntroSettings
from netweave.web.intros.queries.settings import intro_settings
from tests.web.factories import EventFactory, IntroFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def settings_url(event) -> str:
    return reverse("orga:intros_settings", args=[event.pk])


def valid_settings(**overrides) -> dict[str, str]:
    return {
        "max_video_seconds": "120",
        "max_video_mb": "100",
        "questions_text": "What would you like {name} to know?\n\nWhat could you do together?",
        "contact_question": "How can {name} reach you?",
        "digest_time": "08:30",
        "digest_days_after": "1",
        "answer_window_days": "3",
        "call_day_starts": "08:00",
        "call_day_ends": "21:00",
        "call_days_ahead": "5",
        "met_check_days": "7",
        **overrides,
    }


def test_settings_refuse_a_waking_day_that_ends_before_it_starts(orga_client, community):
    event = EventFactory(community=community)
    data = valid_settings(call_day_starts="21:00", call_day_ends="08:00")
    page = orga_client.post(settings_url(event), data).content.decode()
    assert "must end after it starts" in page


def test_settings_save_the_call_hours_and_the_met_check(orga_client, community):
    event = EventFactory(community=community)
    data = valid_settings(call_day_starts="07:00", call_day_ends="22:00", met_check_days="10")
    orga_client.post(settings_url(event), data)
    saved = IntroSettings.objects.get(event=event)
    assert (saved.call_day_starts.hour, saved.call_day_ends.hour, saved.met_check_days) == (
        7,
        22,
        10,
    )


def test_async_tab_is_registered():
    assert "orga:intros" in [tab.url_name for tab in event_tabs()]


def test_settings_saved_with_questions_one_per_line(orga_client, community):
    event = EventFactory(community=community)
    orga_client.post(settings_url(event), valid_settings())
    saved = IntroSettings.objects.get(event=event)
    assert saved.questions == ["What would you like {name} to know?", "What could you do together?"]
    assert (saved.max_video_seconds, saved.digest_time) == (120, dt.time(8, 30))


def test_settings_out_of_range_refused(orga_client, community):
    event = EventFactory(community=community)
    response = orga_client.post(settings_url(event), valid_settings(max_video_seconds="5"))
    assert response.status_code == 200
    assert not IntroSettings.objects.exists()


def test_settings_without_questions_refused(orga_client, community):
    event = EventFactory(community=community)
    orga_client.post(settings_url(event), valid_settings(questions_text="  \n "))
    assert not IntroSettings.objects.exists()


def test_settings_other_organizer_404(outsider_client):
    event = EventFactory()
    assert outsider_client.get(settings_url(event)).status_code == 404


def test_settings_defaults_without_a_saved_row():
    limits = intro_settings(EventFactory())
    assert (limits.max_video_seconds, limits.max_video_mb, limits.digest_time) == (
        180,
        200,
        dt.time(9),
    )


def test_overview_lists_async_participants_and_intros(orga_client, community):
    event = EventFactory(community=community)
    with_intro = IntroFactory(registration__event=event).registration
    without = RegistrationFactory(event=event, mode=Registration.Mode.ASYNC)
    page = orga_client.get(reverse("orga:intros", args=[event.pk])).content.decode()
    watch = reverse("orga:intros_watch", args=[event.pk, with_intro.pk])
    assert watch in page
    assert reverse("orga:intros_ask", args=[event.pk, without.pk]) in page


def test_overview_without_async_participants_explains(orga_client, community):
    event = EventFactory(community=community)
    page = orga_client.get(reverse("orga:intros", args=[event.pk])).content.decode()
    assert "Nobody takes part asynchronously" in page


def test_watch_page_shows_the_intro(orga_client, community):
    event = EventFactory(community=community)
    intro = IntroFactory(registration__event=event)
    url = reverse("orga:intros_watch", args=[event.pk, intro.registration.pk])
    assert intro.text in orga_client.get(url).content.decode()


def test_watch_page_someone_of_another_event_404(orga_client, community):
    event = EventFactory(community=community)
    other = IntroFactory().registration
    url = reverse("orga:intros_watch", args=[event.pk, other.pk])
    assert orga_client.get(url).status_code == 404


def _overview_queries(client, community, people: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tests.web.factories import MeetingFactory, PlanVersionFactory

    event = EventFactory(community=community)
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    for _ in range(people):
        subject = IntroFactory(registration__event=event).registration
        MeetingFactory(
            plan=plan, room=None, is_async=True, seats=[RegistrationFactory(event=event), subject]
        )
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("orga:intros", args=[event.pk]))
    return len(queries)


def test_overview_queries_do_not_grow_with_participants(orga_client, community):
    assert _overview_queries(orga_client, community, 2) == _overview_queries(
        orga_client, community, 12
    )


def _started_event(community, people: int):
    """``people`` async participants, each met by a live person who owes them a form; the
    event started yesterday, so every form is missing and open."""
    from django.utils import timezone

    from tests.web.factories import MeetingFactory, PlanVersionFactory

    event = EventFactory(community=community, starts_at=timezone.now() - dt.timedelta(days=1))
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    for k in range(people):
        subject = IntroFactory(
            registration__event=event,
            registration__mode=Registration.Mode.ASYNC,
            registration__member__name=f"Subject {k:03d}",
        ).registration
        author = RegistrationFactory(event=event, member__name=f"Author {k:03d}")
        MeetingFactory(plan=plan, room=None, is_async=True, seats=[author, subject])
    return event


def test_overview_missing_forms_table_pages(orga_client, community):
    event = _started_event(community, 60)
    url = reverse("orga:intros", args=[event.pk])
    first = orga_client.get(url).content.decode()
    second = orga_client.get(url + "?missing_page=2").content.decode()
    assert first.count("<td>Author ") == 50
    assert second.count("<td>Author ") == 10
    assert "Page 1 of 2 · 60 rows" in first
    assert "missing_page=2#forms-table" in first
    assert "Remind everyone missing (60)" in first  # the figures count everyone


def test_overview_filters_by_name_across_both_tables(orga_client, community):
    event = _started_event(community, 12)
    page = orga_client.get(reverse("orga:intros", args=[event.pk]) + "?q=subject 007")
    content = page.content.decode()
    assert content.count("<td>Author ") == 1
    assert "Subject 007" in content
    assert "Subject 008" not in content


def test_overview_filters_people_without_an_intro(orga_client, community):
    event = _started_event(community, 3)
    RegistrationFactory(event=event, mode=Registration.Mode.ASYNC, member__name="No Intro")
    page = orga_client.get(reverse("orga:intros", args=[event.pk]) + "?show=no-intro")
    content = page.content.decode()
    assert "No Intro" in content
    assert "Subject 001" not in content.split('id="people-table"')[1]


def _page_queries(client, event, query: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("orga:intros", args=[event.pk]) + query)
    return len(queries)


def test_overview_pages_cost_the_same_queries_at_any_size(orga_client, community):
    small, large = _started_event(community, 2), _started_event(community, 60)
    counts = {
        _page_queries(orga_client, small, ""),
        _page_queries(orga_client, large, ""),
        _page_queries(orga_client, large, "?missing_page=2&people_page=2&q=author"),
    }
    assert len(counts) == 1, counts
