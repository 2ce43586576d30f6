"""The participant's live page: whom they meet now and why, following the host by itself."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.web.events.models import Event, Registration
from netweave.web.live import views
from netweave.web.live.domain.checkin import add_walk_in, set_attendance
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.state import (
    end_event,
    live_state,
    next_round,
    set_messages,
    start_event,
    start_groups,
    start_round,
)
from tests.web.factories import AttendanceFactory, RegistrationFactory, published_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_event():
    """8 live people and 1 async (the last), the example plan published. Round 1: a trio
    (0, 1, 2), pairs (3, 4) and (5, 6), 7 watches 8's intro; round 2: (0, 3), (1, 4),
    (2, 5), 7 with the host, 6 watches 8's intro."""
    regs, _ = published_example()
    return regs[0].event, regs


@pytest.fixture
def no_intro_template(monkeypatch):
    """As before the async app's inline template exists."""
    monkeypatch.setattr(views, "INTRO_TEMPLATE", "intros/_does_not_exist.html")


def _page(client, registration: Registration) -> str:
    response = client.get(reverse("portal:live", args=[registration.token]))
    assert response.status_code == 200
    return response.content.decode()


def _poll(client, registration: Registration, version: int | str = ""):
    url = reverse("portal:live_poll", args=[registration.token])
    return client.get(url, {"v": version})


def _next(event: Event) -> None:
    next_round(event, live_state(event).version)


def test_live_page_with_wrong_token_is_404(client):
    assert client.get(reverse("portal:live", args=["nope"])).status_code == 404


def test_live_poll_with_wrong_token_is_404(client):
    assert client.get(reverse("portal:live_poll", args=["nope"])).status_code == 404


def test_live_page_before_the_start_says_not_started(client, live_event):
    _, regs = live_event

    assert "The event has not started yet" in _page(client, regs[0])


def test_live_page_once_open_says_welcome(client, live_event):
    event, regs = live_event
    start_event(event, 0)

    assert "The first round starts soon" in _page(client, regs[0])


def test_live_page_in_a_round_shows_the_partner_with_pronouns(client, live_event):
    event, regs = live_event
    regs[4].member.pronouns = "they/them"
    regs[4].member.save()
    _next(event)

    page = _page(client, regs[3])

    assert f'{regs[4].member.name} <span class="muted">(they/them)</span>' in page


def test_live_page_in_a_round_says_why_and_how_to_start(client, live_event):
    event, regs = live_event
    _next(event)

    page = _page(client, regs[0])

    assert ("You both work on mentoring" in page, "To start:" in page) == (True, True)


@pytest.mark.parametrize(("mine", "theirs", "shown"), [(False, True, False), (True, True, True)])
def test_live_page_partner_card_email_only_when_both_agreed(
    client, live_event, mine, theirs, shown
):
    event, regs = live_event
    Registration.objects.filter(pk=regs[3].pk).update(consent_share_email=mine)
    Registration.objects.filter(pk=regs[4].pk).update(consent_share_email=theirs)
    _next(event)

    assert (regs[4].member.email in _page(client, regs[3])) is shown


def test_live_page_shows_only_the_viewers_partners(client, live_event):
    event, regs = live_event
    _next(event)

    page = _page(client, regs[3])

    assert regs[5].member.name not in page


def test_live_page_in_a_trio_shows_both_partners(client, live_event):
    event, regs = live_event
    _next(event)

    page = _page(client, regs[0])

    assert (regs[1].member.name in page, regs[2].member.name in page) == (True, True)


def test_live_page_shows_the_room(client, live_event):
    event, regs = live_event
    _next(event)

    assert "Room 02: you meet" in _page(client, regs[3])


def test_live_page_shows_the_countdown_from_server_time(client, live_event):
    event, regs = live_event
    _next(event)

    state = live_state(event)
    assert f'data-ends-at="{state.ends_at:%s}"' in _page(client, regs[0])


def test_live_page_async_viewer_learns_who_watches_their_intro(client, live_event):
    event, regs = live_event
    _next(event)

    assert f"{regs[7].member.name} is watching your intro now" in _page(client, regs[8])


def test_live_page_async_partner_without_intro_template_links_the_event_page(
    client, live_event, no_intro_template
):
    event, regs = live_event
    _next(event)

    page = _page(client, regs[7])

    assert f"{regs[8].member.name} takes part asynchronously" in page


def test_live_page_async_partner_is_shown_inline_when_the_template_exists(
    client, live_event, monkeypatch
):
    # any existing template stands in for the async app's: it is included with its context
    monkeypatch.setattr(views, "INTRO_TEMPLATE", "live/_panel.html")
    event, regs = live_event
    _next(event)

    page = _page(client, regs[7])

    assert "Open my live page" in page


def test_live_page_host_meeting(client, live_event):
    event, regs = live_event
    start_round(event, 2, 0)

    assert "You meet the host" in _page(client, regs[7])


def test_live_page_without_a_meeting_says_so(client, live_event):
    event, regs = live_event
    AttendanceFactory(registration=regs[3], status="absent")
    _next(event)

    assert "No meeting for you this round" in _page(client, regs[4])


def test_live_page_follows_a_replan(client, live_event):
    event, regs = live_event
    for reg in regs[:8]:
        AttendanceFactory(registration=reg)
    set_attendance(regs[6], "absent")
    add_walk_in(event, "Zed Walker", "zed@example.org")
    replan_next_round(event, 1)
    _next(event)

    assert "Zed Walker" in _page(client, regs[5])


def test_live_page_groups_show_theme_and_members(client, live_event):
    event, regs = live_event
    start_groups(event, 0)

    page = _page(client, regs[5])

    assert ("Theme: onboarding" in page, regs[7].member.name in page) == (True, True)


def test_live_page_groups_for_an_attached_async_member(client, live_event):
    event, regs = live_event
    start_groups(event, 0)

    assert "attached to this group asynchronously" in _page(client, regs[8])


def test_live_page_after_the_end_says_thank_you(client, live_event):
    event, regs = live_event
    end_event(event, 0)

    assert "thank you for coming" in _page(client, regs[0])


def test_live_page_shows_the_accessibility_reminder(client, live_event):
    event, regs = live_event
    set_messages(event, "", "Captions are on in every room")
    _next(event)

    assert "Captions are on in every room" in _page(client, regs[0])


def test_live_page_escapes_the_broadcast(client, live_event):
    event, regs = live_event
    set_messages(event, "<script>alert(1)</script>", "")

    page = _page(client, regs[0])

    assert ("<script>alert" in page, "&lt;script&gt;" in page) == (False, True)


def test_live_page_polls_for_changes(client, live_event):
    _, regs = live_event

    assert 'hx-trigger="every 3s"' in _page(client, regs[0])


def test_poll_without_change_is_204(client, live_event):
    event, regs = live_event
    version = live_state(event).version

    assert _poll(client, regs[0], version).status_code == 204


def test_poll_without_change_is_answered_without_a_query(client, live_event):
    # a thousand open live pages ask every few seconds: the answer comes from the cache
    event, regs = live_event
    version = live_state(event).version
    _poll(client, regs[0], version)
    _poll(client, regs[1], version)

    with CaptureQueriesContext(connection) as queries:
        again = _poll(client, regs[0], version)
        other = _poll(client, regs[1], version)

    assert (again.status_code, other.status_code) == (204, 204)
    assert len(queries) == 0


def test_poll_answered_from_the_cache_still_sees_a_change_at_once(client, live_event):
    event, regs = live_event
    seen = live_state(event).version
    assert _poll(client, regs[0], seen).status_code == 204
    _next(event)

    assert _poll(client, regs[0], seen).status_code == 200


def test_poll_after_a_change_returns_the_new_round(client, live_event):
    event, regs = live_event
    seen = live_state(event).version
    _next(event)

    response = _poll(client, regs[3], seen)

    assert (response.status_code, regs[4].member.name in response.content.decode()) == (200, True)


def test_poll_after_the_end_stops_polling(client, live_event):
    event, regs = live_event
    end_event(event, 0)

    assert _poll(client, regs[0], 0).status_code == views.STOP_POLLING


def test_mine_page_links_the_live_page_while_live(client, live_event):
    event, regs = live_event
    start_event(event, 0)

    page = client.get(reverse("portal:mine", args=[regs[0].token])).content.decode()

    assert reverse("portal:live", args=[regs[0].token]) in page


def test_mine_page_has_no_live_link_before_the_day(client, live_event):
    _, regs = live_event

    page = client.get(reverse("portal:mine", args=[regs[0].token])).content.decode()

    assert reverse("portal:live", args=[regs[0].token]) not in page


def test_live_page_of_another_event_shows_nothing_of_this_one(client, live_event):
    event, regs = live_event
    _next(event)
    stranger = RegistrationFactory()

    page = _page(client, stranger)

    assert regs[0].member.name not in page


def _keys(client, registration: Registration) -> dict[str, str]:
    """What the page's poller carries: the version and each region's key."""
    page = _page(client, registration)
    url = re.search(r'hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    return dict(parse_qsl(urlsplit(url).query))


def _poll_with(client, registration: Registration, keys: dict[str, str]):
    return client.get(reverse("portal:live_poll", args=[registration.token]), keys)


def test_poll_after_a_broadcast_brings_the_banner_alone(client, live_event):
    event, regs = live_event
    _next(event)
    keys = _keys(client, regs[7])
    set_messages(event, "Two minutes left", live_state(event).accessibility_note)

    body = _poll_with(client, regs[7], keys).content.decode()

    sent = ["Two minutes left" in body, 'id="live-head"' in body, 'id="live-stage"' in body]
    assert sent == [True, False, False]


def test_poll_after_a_new_reminder_brings_the_head_not_the_stage(client, live_event):
    event, regs = live_event
    _next(event)
    keys = _keys(client, regs[7])
    set_messages(event, "", "Captions are on in every room")

    body = _poll_with(client, regs[7], keys).content.decode()

    assert ("Captions are on" in body, 'id="live-stage"' in body) == (True, False)


def test_poll_after_a_broadcast_sends_a_new_poller_with_the_new_version(client, live_event):
    event, regs = live_event
    keys = _keys(client, regs[0])
    set_messages(event, "Welcome all", "")

    body = _poll_with(client, regs[0], keys).content.decode()

    assert f"?v={live_state(event).version}&amp;" in body


def test_poll_after_the_next_round_brings_the_stage_and_head(client, live_event):
    event, regs = live_event
    _next(event)
    keys = _keys(client, regs[3])
    _next(event)

    body = _poll_with(client, regs[3], keys).content.decode()

    assert ('id="live-stage"' in body, "Round 2 of" in body, 'id="live-banner"' in body) == (
        True,
        True,
        False,
    )


def test_poll_regions_are_swapped_out_of_band_never_the_poller_target(client, live_event):
    event, regs = live_event
    _next(event)

    body = _poll(client, regs[3], 0).content.decode()

    assert body.count('hx-swap-oob="innerHTML"') == 3
    assert 'hx-swap="none"' in _page(client, regs[3])


def test_live_page_without_javascript_does_not_reload_while_an_intro_is_watched(client, live_event):
    event, regs = live_event
    _next(event)

    watcher, other = _page(client, regs[7]), _page(client, regs[3])

    assert ('http-equiv="refresh"' in watcher, 'http-equiv="refresh"' in other) == (False, True)
