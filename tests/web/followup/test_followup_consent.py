"""Double opt-in: whose email a participant sees after the event, and withdrawing consent."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from netweave.web.events.models import Event, Registration
from netweave.web.followup.domain.consent import set_email_sharing, withdraw_consent
from netweave.web.followup.domain.sending import send_summary
from netweave.web.followup.queries.contacts import contacts_visible_to
from netweave.web.followup.queries.summary import summary_for
from netweave.web.live.models import HeldMeeting
from tests.web.factories import (
    EventFactory,
    HeldMeetingFactory,
    RegistrationFactory,
    StayInTouchFactory,
)

pytestmark = pytest.mark.django_db

UPFRONT = {"both": (True, True), "one": (True, False), "none": (False, False)}


def _met(ana_consents: bool = False, bo_consents: bool = False):
    event = EventFactory(status=Event.Status.DONE)
    ana = RegistrationFactory(
        event=event, consent_share_email=ana_consents, member__email="ana@example.org"
    )
    bo = RegistrationFactory(
        event=event, consent_share_email=bo_consents, member__email="bo@example.org"
    )
    return ana, bo, HeldMeetingFactory(event=event, seats=[ana, bo])


def _wish(meeting: HeldMeeting, a: Registration, b: Registration) -> None:
    StayInTouchFactory(meeting=meeting, from_registration=a, to_registration=b)


def _wishes(meeting: HeldMeeting, ana: Registration, bo: Registration, kind: str) -> None:
    if kind in ("mutual", "one-sided"):
        _wish(meeting, ana, bo)
    if kind == "mutual":
        _wish(meeting, bo, ana)


@pytest.mark.parametrize("upfront", ["both", "one", "none"])
@pytest.mark.parametrize("wishes", ["mutual", "one-sided", "none"])
def test_contacts_visible_only_when_both_agreed(upfront, wishes):
    ana, bo, meeting = _met(*UPFRONT[upfront])
    _wishes(meeting, ana, bo, wishes)
    shown = upfront == "both" or wishes == "mutual"
    assert (bo.pk in contacts_visible_to(ana), ana.pk in contacts_visible_to(bo)) == (
        shown,
        shown,
    )


@pytest.mark.parametrize("upfront", ["one", "none"])
def test_contacts_one_sided_wish_from_the_other_side_hides_both(upfront):
    ana, bo, meeting = _met(*UPFRONT[upfront][::-1])
    _wish(meeting, bo, ana)
    assert (contacts_visible_to(ana), contacts_visible_to(bo)) == (frozenset(), frozenset())


def test_contacts_mutual_wishes_after_different_meetings_count():
    ana, bo, meeting = _met()
    group = HeldMeetingFactory(event=meeting.event, round=0, seats=[ana, bo])
    _wish(meeting, ana, bo)
    _wish(group, bo, ana)
    assert bo.pk in contacts_visible_to(ana)


def test_contacts_never_for_someone_not_met():
    ana, _bo, _ = _met(True, True)
    stranger = RegistrationFactory(event=ana.event, consent_share_email=True)
    assert stranger.pk not in contacts_visible_to(ana)


def test_summary_shows_email_of_mutual_contact():
    ana, bo, meeting = _met()
    _wishes(meeting, ana, bo, "mutual")
    (person,) = summary_for(ana).people
    assert person.email == "bo@example.org"


def _page_without_tokens(client, registration: Registration) -> str:
    page = client.get(reverse("portal:summary", args=[registration.token])).content.decode()
    # CSRF tokens are masked afresh on every page: leave them out of the comparison
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def test_summary_one_sided_wish_changes_nothing_the_other_sees(client):
    ana, bo, meeting = _met()
    before = _page_without_tokens(client, bo)
    _wish(meeting, ana, bo)
    assert _page_without_tokens(client, bo) == before


def test_summary_page_shows_no_email_without_consent(client):
    ana, bo, meeting = _met(True, False)
    _wish(meeting, ana, bo)
    assert "bo@example.org" not in _page_without_tokens(client, ana)


def test_withdraw_consent_hides_email_from_the_other(client):
    ana, bo, meeting = _met(True, True)
    _wishes(meeting, ana, bo, "mutual")
    withdraw_consent(ana)
    assert "ana@example.org" not in _page_without_tokens(client, bo)


def test_withdraw_consent_hides_the_others_email_too():
    ana, bo, meeting = _met(True, True)
    _wishes(meeting, ana, bo, "mutual")
    withdraw_consent(ana)
    assert contacts_visible_to(ana) == frozenset()


def test_withdraw_consent_keeps_email_out_of_later_summaries(mailoutbox):
    ana, bo, _meeting = _met(True, True)
    withdraw_consent(ana)
    send_summary(bo)
    assert "ana@example.org" not in mailoutbox[0].body


def test_set_email_sharing_gives_consent_afterwards():
    ana, bo, _ = _met(False, True)
    set_email_sharing(ana, True)
    assert bo.pk in contacts_visible_to(ana)


def test_withdraw_all_button_posts_to_the_domain(client):
    ana, _bo, _ = _met(True, True)
    url = reverse("portal:summary_sharing", args=[ana.token])
    client.post(url, {"withdraw_all": "1"})
    ana.refresh_from_db()
    assert ana.consent_share_email is False


def test_sharing_form_refuses_without_csrf(client):
    from django.test import Client

    ana, _, _ = _met(True, True)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("portal:summary_sharing", args=[ana.token]), {})
    assert response.status_code == 403
