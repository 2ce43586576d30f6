"""The participant's own page: their answers, then their published schedule."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Registration
from tests.web.factories import (
    EventFactory,
    GroupFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

FOUR_PM_UTC = dt.datetime(2031, 3, 12, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def pair() -> tuple[Registration, Registration]:
    """Two registrations of one event, Ana in Tokyo and Bo in London."""
    event = EventFactory(starts_at=FOUR_PM_UTC, minutes_per_round=8)
    ana = RegistrationFactory(
        event=event, member__name="Ana Pereira", member__timezone="Asia/Tokyo"
    )
    bo = RegistrationFactory(
        event=event,
        member__name="Bo Carter",
        member__pronouns="they/them",
        member__about="I run a maintainers' guild.",
        member__email="bo.carter@example.org",
    )
    return ana, bo


def _publish(event, *, published: bool = True):
    return PlanVersionFactory(event=event, published_at=timezone.now() if published else None)


def _page(client, registration: Registration) -> str:
    response = client.get(reverse("portal:mine", args=[registration.token]))
    assert response.status_code == 200
    return response.content.decode()


def _edit_answers(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "name": "Ana P.",
        "timezone": "Asia/Tokyo",
        "interests": "mentoring",
        "mode": "async",
    }
    answers.update(overrides)
    return answers


def test_mine_shows_own_answers(client, pair):
    ana, _ = pair

    page = _page(client, ana)

    assert "Ana Pereira" in page
    assert ana.looking_for in page


def test_mine_does_not_show_other_registrations(client, pair):
    ana, bo = pair

    page = _page(client, ana)

    assert "Bo Carter" not in page
    assert bo.member.email not in page


def test_mine_unknown_token_404(client, pair):
    assert client.get(reverse("portal:mine", args=["not-a-real-token"])).status_code == 404


def test_mine_not_cached(client, pair):
    ana, _ = pair

    response = client.get(reverse("portal:mine", args=[ana.token]))

    assert "no-store" in response["Cache-Control"]


def test_mine_schedule_after_publishing_shows_partner_and_reasons(client, pair):
    ana, bo = pair
    plan = _publish(ana.event)
    MeetingFactory(plan=plan, seats=[ana, bo], reasons=["You both mentor new maintainers"])

    page = _page(client, ana)

    assert "Bo Carter" in page
    assert "(they/them)" in page
    assert "You both mentor new maintainers" in page


def test_mine_unpublished_plan_not_shown(client, pair):
    ana, bo = pair
    plan = _publish(ana.event, published=False)
    MeetingFactory(plan=plan, seats=[ana, bo])

    assert "Bo Carter" not in _page(client, ana)


def test_mine_round_time_in_participant_zone(client, pair):
    ana, bo = pair
    plan = _publish(ana.event)
    MeetingFactory(plan=plan, round=2, seats=[ana, bo])

    # round 2 starts at 16:08 UTC, 01:08 in Tokyo
    assert 'Round 2 · <time datetime="2031-03-13T01:08:00+09:00">01:08</time>' in _page(client, ana)


def test_mine_partner_email_hidden_without_consent(client, pair):
    ana, bo = pair
    bo.consent_share_email = False
    bo.save()
    MeetingFactory(plan=_publish(ana.event), seats=[ana, bo])

    assert "bo.carter@example.org" not in _page(client, ana)


def test_mine_partner_email_shown_when_both_consent(client, pair):
    ana, bo = pair
    for registration in (ana, bo):
        registration.consent_share_email = True
        registration.save()
    MeetingFactory(plan=_publish(ana.event), seats=[ana, bo])

    assert "bo.carter@example.org" in _page(client, ana)


def test_mine_partner_email_hidden_when_only_partner_consents(client, pair):
    ana, bo = pair
    ana.consent_share_email, bo.consent_share_email = False, True
    ana.save()
    bo.save()
    MeetingFactory(plan=_publish(ana.event), seats=[ana, bo])

    assert "bo.carter@example.org" not in _page(client, ana)


def test_mine_partner_private_answers_never_shown(client, pair):
    ana, bo = pair
    bo.avoid_text = "Secret Person"
    bo.save()
    bo.member.notes = "organizer-only note"
    bo.member.save()
    MeetingFactory(plan=_publish(ana.event), seats=[ana, bo])

    page = _page(client, ana)

    assert "Secret Person" not in page
    assert "organizer-only note" not in page


def test_mine_live_participant_told_to_watch_async_intro(client, pair):
    ana, bo = pair
    bo.mode = Registration.Mode.ASYNC
    bo.save()
    MeetingFactory(plan=_publish(ana.event), room=None, is_async=True, seats=[ana, bo])

    assert "Watch Bo Carter's intro and fill in their form" in _page(client, ana)


def test_mine_async_participant_told_partner_watches_intro(client, pair):
    ana, bo = pair
    ana.mode = Registration.Mode.ASYNC
    ana.save()
    MeetingFactory(plan=_publish(ana.event), room=None, is_async=True, seats=[bo, ana])

    assert "Bo Carter will watch your intro" in _page(client, ana)


def test_mine_group_shows_theme_and_members(client, pair):
    ana, bo = pair
    GroupFactory(plan=_publish(ana.event), theme="volunteer burnout", seats=[ana, bo])

    page = _page(client, ana)

    assert "Theme: volunteer burnout" in page
    assert "Bo Carter" in page


def test_mine_round_without_meeting_says_so(client, pair):
    ana, _ = pair
    _publish(ana.event)

    assert "No meeting this round" in _page(client, ana)


def test_edit_updates_answers(client, pair):
    ana, _ = pair

    client.post(reverse("portal:edit", args=[ana.token]), _edit_answers())

    ana.refresh_from_db()
    assert (ana.member.name, ana.mode) == ("Ana P.", Registration.Mode.ASYNC)


def test_edit_keeps_email(client, pair):
    ana, _ = pair
    email = ana.member.email

    client.post(reverse("portal:edit", args=[ana.token]), _edit_answers(email="x@example.org"))

    ana.member.refresh_from_db()
    assert ana.member.email == email


def test_edit_invalid_answers_show_field_errors(client, pair):
    ana, _ = pair

    response = client.post(reverse("portal:edit", args=[ana.token]), _edit_answers(name=""))

    assert "This field is required." in response.content.decode()


def test_edit_form_shows_current_answers(client, pair):
    ana, _ = pair

    response = client.get(reverse("portal:edit", args=[ana.token]))

    assert 'value="Ana Pereira"' in response.content.decode()


def test_edit_refused_after_publishing(client, pair):
    ana, _ = pair
    _publish(ana.event)

    response = client.post(reverse("portal:edit", args=[ana.token]), _edit_answers())

    ana.refresh_from_db()
    assert response.status_code == 302
    assert (ana.member.name, ana.mode) == ("Ana Pereira", Registration.Mode.LIVE)


def test_edit_link_hidden_after_publishing(client, pair):
    ana, _ = pair
    _publish(ana.event)

    assert reverse("portal:edit", args=[ana.token]) not in _page(client, ana)


def test_edit_unknown_token_404(client, pair):
    assert client.get(reverse("portal:edit", args=["nope"])).status_code == 404


def test_ics_download_starts_at_event_start(client, pair):
    ana, _ = pair

    response = client.get(reverse("portal:ics", args=[ana.token]))

    (entry,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert response["Content-Type"].startswith("text/calendar")
    assert entry.decoded("dtstart") == FOUR_PM_UTC


def test_welcome_page_that_showed_the_link_is_gone(client, pair):
    """The link only ever goes by email: no page answers the registration with it."""
    ana, _ = pair
    assert client.get(f"/p/{ana.token}/welcome/").status_code == 404


def test_edit_form_does_not_offer_oneself(client, pair):
    ana, _ = pair
    ana.member.listed = True
    ana.member.save()

    response = client.get(reverse("portal:edit", args=[ana.token]))

    assert f'<option value="{ana.member.pk}"' not in response.content.decode()


def test_edit_form_warns_when_event_is_at_night(client, pair):
    ana, _ = pair  # Tokyo: 16:00 UTC is 01:00

    response = client.get(reverse("portal:edit", args=[ana.token]))

    assert "which is night where you are" in response.content.decode()


def test_mine_fully_async_event_says_both_watch_each_other(client, pair):
    ana, bo = pair
    ana.event.fully_async = True
    ana.event.save()
    MeetingFactory(plan=_publish(ana.event), seats=[ana, bo], room=None, is_async=True)

    assert "You and Bo Carter watch each other's intros" in _page(client, ana)


def test_mine_reasons_are_worded_for_the_reader(client, pair):
    ana, bo = pair
    plan = _publish(ana.event)
    MeetingFactory(
        plan=plan,
        seats=[ana, bo],
        reasons=["Bo asked to meet Ana", "Ana and Bo both work on mentoring"],
    )

    assert "Bo asked to meet you" in _page(client, ana)
    assert "You and Bo both work on mentoring" in _page(client, ana)
    page = _page(client, bo)
    assert "You asked to meet Ana" in page
    assert "You and Ana both work on mentoring" in page
