"""The one rule of contact details: what of a person another participant may see."""

from __future__ import annotations

import dataclasses

import pytest

from netweave.web.events import partners
from netweave.web.events.partners import (
    PartnerView,
    may_see_contact,
    mutual_consents,
    partner_view,
    partner_views,
)
from netweave.web.followup.queries.contacts import stay_in_touch_wishes
from netweave.web.intros.queries.answers import form_contact_wishes
from tests.web.factories import (
    AnswersFactory,
    EventFactory,
    HeldMeetingFactory,
    RegistrationFactory,
    StayInTouchFactory,
)

pytestmark = pytest.mark.django_db

AGREES = {"both": (True, True), "viewer only": (True, False), "other only": (False, True)}
AGREES["neither"] = (False, False)


def _pair(viewer_agrees: bool, other_agrees: bool):
    event = EventFactory()
    viewer = RegistrationFactory(event=event, consent_share_email=viewer_agrees)
    other = RegistrationFactory(
        event=event,
        consent_share_email=other_agrees,
        member__email="other@example.org",
        member__pronouns="she/her",
        member__organization="Open Lab",
        member__location="Lisbon",
        member__notes="organizer-only note",
        member__tags=["vip"],
    )
    return viewer, other


@pytest.mark.parametrize("who", list(AGREES))
def test_partner_view_email_only_when_both_agreed(who):
    viewer, other = _pair(*AGREES[who])
    assert partner_view(viewer, other).email == ("other@example.org" if who == "both" else "")


@pytest.mark.parametrize("who", list(AGREES))
def test_may_see_contact_is_symmetric(who):
    viewer, other = _pair(*AGREES[who])
    assert may_see_contact(viewer, other) == may_see_contact(other, viewer) == (who == "both")


def test_partner_view_of_oneself_shows_own_email_without_consent():
    viewer, _ = _pair(False, False)
    assert partner_view(viewer, viewer).email == viewer.member.email


def test_may_see_contact_never_across_events_even_when_both_agreed():
    viewer, _ = _pair(True, True)
    elsewhere = RegistrationFactory(
        event=EventFactory(community=viewer.event.community), consent_share_email=True
    )
    assert may_see_contact(viewer, elsewhere) is False


@pytest.mark.parametrize("who", list(AGREES))
def test_partner_view_profile_shown_whatever_the_consent(who):
    viewer, other = _pair(*AGREES[who])
    view = partner_view(viewer, other)
    member = other.member
    assert (view.name, view.pronouns, view.manages, view.organization, view.location) == (
        member.name,
        "she/her",
        member.manages,
        "Open Lab",
        "Lisbon",
    )
    assert (view.about, view.interests) == (member.about, ("onboarding", "mentoring"))


def test_partner_view_has_no_organizer_knowledge():
    fields = {f.name for f in dataclasses.fields(PartnerView)}
    assert fields == {
        "pk",
        "name",
        "pronouns",
        "manages",
        "organization",
        "location",
        "about",
        "interests",
        "is_async",
        "email",
    }


def test_partner_view_is_frozen():
    viewer, other = _pair(True, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        partner_view(viewer, other).email = "x@example.org"  # type: ignore[misc]


def test_partner_view_everyone_async_in_a_fully_async_event():
    viewer, other = _pair(True, True)
    viewer.event.fully_async = True
    assert partner_view(viewer, other).is_async is True


def _met(viewer_agrees: bool, other_agrees: bool):
    viewer, other = _pair(viewer_agrees, other_agrees)
    return viewer, other, HeldMeetingFactory(event=viewer.event, seats=[viewer, other])


def _wish(meeting, a, b) -> None:
    StayInTouchFactory(meeting=meeting, from_registration=a, to_registration=b)


@pytest.mark.parametrize("who", ["viewer only", "other only", "neither"])
def test_partner_view_mutual_stay_in_touch_shows_email(who):
    viewer, other, meeting = _met(*AGREES[who])
    _wish(meeting, viewer, other)
    _wish(meeting, other, viewer)
    assert (partner_view(viewer, other).email, partner_view(other, viewer).email) == (
        other.member.email,
        viewer.member.email,
    )


@pytest.mark.parametrize("wisher", ["viewer", "other"])
def test_partner_view_one_sided_wish_shows_nothing(wisher):
    viewer, other, meeting = _met(False, False)
    a, b = (viewer, other) if wisher == "viewer" else (other, viewer)
    _wish(meeting, a, b)
    assert (partner_view(viewer, other).email, partner_view(other, viewer).email) == ("", "")


def test_partner_view_up_front_yes_and_a_returned_wish_show_email():
    # one consent model: a yes is a yes however it was given; the tick when registering
    # says yes to everyone met, "stay in touch" to one person
    viewer, other, meeting = _met(True, False)
    _wish(meeting, other, viewer)
    assert (partner_view(viewer, other).email, partner_view(other, viewer).email) == (
        other.member.email,
        viewer.member.email,
    )


def test_partner_view_up_front_yes_unreturned_shows_nothing():
    viewer, other, meeting = _met(True, False)
    _wish(meeting, viewer, other)
    assert (partner_view(viewer, other).email, partner_view(other, viewer).email) == ("", "")


def test_partner_view_form_tick_returned_by_a_stay_in_touch_shows_email():
    viewer, other, meeting = _met(False, False)
    AnswersFactory(subject=other, author=viewer, contact="+61 400", share_contact=True)
    _wish(meeting, other, viewer)
    assert partner_view(viewer, other).email == other.member.email
    assert partner_view(other, viewer).email == viewer.member.email


def test_partner_views_keep_order_and_decide_each_person():
    viewer, other = _pair(True, True)
    shy = RegistrationFactory(event=viewer.event, consent_share_email=False)
    views = partner_views(viewer, [shy, other])
    assert [(v.pk, bool(v.email)) for v in views] == [(shy.pk, False), (other.pk, True)]


def test_mutual_consents_asks_nobody_when_both_ticked(django_assert_num_queries):
    viewer, other = _pair(True, True)
    with django_assert_num_queries(0):
        assert mutual_consents(viewer, [other, viewer]) == {other.pk}


def test_mutual_consents_one_query_per_source_for_many_people(django_assert_num_queries):
    viewer, _ = _pair(False, False)
    people = RegistrationFactory.create_batch(5, event=viewer.event)
    with django_assert_num_queries(len(partners._sources)):
        mutual_consents(viewer, people)


def test_the_per_person_yeses_are_stay_in_touch_and_the_form_tick():
    assert set(partners._sources) == {stay_in_touch_wishes, form_contact_wishes}
