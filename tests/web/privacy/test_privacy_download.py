"""Download my data: one JSON file of everything held about the person, nobody else's secrets,
and only through a fresh single-use link to the person's inbox."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from netweave.web.mail.domain import preferences_url
from netweave.web.mail.models import OutboxMessage
from netweave.web.privacy.models import PrivacyConfirmation
from tests.web.factories import (
    PRIVACY_LINK,
    AnswersFactory,
    EventFeedbackFactory,
    HeldMeetingFactory,
    IntroFactory,
    MeetingFeedbackFactory,
    RegistrationFactory,
    StayInTouchFactory,
    emailed_path,
    published_example,
)

pytestmark = pytest.mark.django_db


def _ask(client, registration) -> None:
    response = client.post(reverse("portal:privacy_download", args=[registration.token]))
    assert response.status_code == 302


def _download(client, registration) -> dict:
    """The whole way: ask on the personal page, open the emailed link, press the button."""
    _ask(client, registration)
    link = emailed_path(mail.outbox, PRIVACY_LINK, to=registration.member.email)
    response = client.post(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return json.loads(response.content)


def test_privacy_page_linked_from_participant_page(client):
    registration = RegistrationFactory()
    response = client.get(reverse("portal:mine", args=[registration.token]))
    assert reverse("portal:privacy", args=[registration.token]) in response.content.decode()


def test_privacy_page_unknown_token_is_404(client):
    assert client.get(reverse("portal:privacy", args=["nope"])).status_code == 404


def test_download_unknown_token_is_404(client):
    assert client.post(reverse("portal:privacy_download", args=["nope"])).status_code == 404


def test_download_expired_link_is_404(client, settings):
    settings.NETWEAVE_LINK_DAYS_AFTER_EVENT = 90  # the production default
    registration = RegistrationFactory(event__starts_at=timezone.now() - dt.timedelta(days=400))
    response = client.post(reverse("portal:privacy_download", args=[registration.token]))
    assert response.status_code == 404


def test_download_with_the_personal_link_alone_gives_no_data(client, mailoutbox):
    """A forwarded link: its holder can ask, and the owner's inbox gets the link."""
    registration = RegistrationFactory(member__notes="Organizer-only note")
    old = client.get(f"/p/{registration.token}/privacy/my-data.json")
    asked = client.post(reverse("portal:privacy_download", args=[registration.token]), follow=True)

    assert old.status_code == 404
    assert "Organizer-only note" not in asked.content.decode()
    assert "application/json" not in asked["Content-Type"]
    (sent,) = mailoutbox
    assert sent.to == [registration.member.email]


def test_download_link_get_shows_a_button_and_no_data(client, mailoutbox):
    registration = RegistrationFactory(member__notes="Organizer-only note")
    _ask(client, registration)

    page = client.get(emailed_path(mailoutbox, PRIVACY_LINK))

    assert page.status_code == 200
    assert "Organizer-only note" not in page.content.decode()
    assert "Download my data" in page.content.decode()


def test_download_link_works_once(client, mailoutbox):
    registration = RegistrationFactory()
    _download(client, registration)

    again = client.post(emailed_path(mailoutbox, PRIVACY_LINK))

    assert again.status_code == 404


def test_download_link_expires(client, mailoutbox):
    registration = RegistrationFactory()
    _ask(client, registration)
    PrivacyConfirmation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.post(emailed_path(mailoutbox, PRIVACY_LINK))

    assert response.status_code == 404


def test_download_link_lives_thirty_minutes(client, mailoutbox):
    registration = RegistrationFactory()
    _ask(client, registration)

    row = PrivacyConfirmation.objects.get()

    assert row.expires_at - row.created < dt.timedelta(minutes=31)
    assert "30 minutes" in mailoutbox[0].body


def test_download_emails_open_no_page(client, mailoutbox):
    """Emails in the export keep their text but no key: no personal link (of this event or
    another), no preferences link, no confirmation."""
    me = RegistrationFactory()
    other = RegistrationFactory(member=me.member, event__community=me.event.community)
    body = (
        f"Your page: http://testserver/p/{me.token}/ and http://testserver/p/{other.token}/\n"
        f"Preferences: {preferences_url(me.member)}\nConfirm: http://testserver/confirm/abc/"
    )
    OutboxMessage.objects.create(
        community=me.event.community, to=me.member.email, subject="Links", body=body
    )

    text = json.dumps(_download(client, me))

    assert "Your page:" in text
    assert [t for t in (me.token, other.token, "/confirm/abc/") if t in text] == []
    assert preferences_url(me.member).rsplit("/", 2)[-2] not in text


def test_download_contains_profile_and_organizer_notes(client):
    registration = RegistrationFactory(member__notes="Prefers mornings", member__tags=["vip"])
    data = _download(client, registration)
    assert data["profile"]["email"] == registration.member.email
    assert (data["profile"]["organizer_notes"], data["profile"]["organizer_tags"]) == (
        "Prefers mornings",
        ["vip"],
    )


def test_download_contains_every_registration_in_the_community(client):
    first = RegistrationFactory()
    RegistrationFactory(member=first.member, event__community=first.event.community)
    data = _download(client, first)
    assert len(data["registrations"]) == 2


def test_download_contains_published_meetings_with_partner_names(client):
    regs, _ = published_example()
    data = _download(client, regs[0])
    meetings = data["registrations"][0]["plan"]["meetings"]
    assert {"round": 1, "with": [regs[1].member.name, regs[2].member.name]}.items() <= meetings[
        0
    ].items()


def test_download_never_contains_partner_addresses(client):
    regs, _ = published_example()
    text = json.dumps(_download(client, regs[0]))
    assert not any(r.member.email in text for r in regs[1:])


def test_download_contains_own_feedback_and_wishes(client):
    held = HeldMeetingFactory()
    me, other = RegistrationFactory.create_batch(2, event=held.event)
    held.seats.create(registration=me, position=0)
    held.seats.create(registration=other, position=1)
    MeetingFeedbackFactory(meeting=held, registration=me, valuable=5, note="Great talk")
    EventFeedbackFactory(registration=me, overall=3, comment="Too short")
    StayInTouchFactory(meeting=held, from_registration=me, to_registration=other)
    mine = _download(client, me)["registrations"][0]
    assert mine["feedback"]["meetings"] == [{"round": 1, "valuable": 5, "note": "Great talk"}]
    assert mine["feedback"]["event"] == {"overall": 3, "comment": "Too short"}
    assert mine["feedback"]["stay_in_touch_with"] == [other.member.name]
    assert mine["held_meetings"][0]["with"] == [other.member.name]


def test_download_leaves_out_others_feedback_about_the_meeting(client):
    held = HeldMeetingFactory()
    me, other = RegistrationFactory.create_batch(2, event=held.event)
    MeetingFeedbackFactory(meeting=held, registration=other, note="Secret of the other")
    assert "Secret of the other" not in json.dumps(_download(client, me))


def test_download_leaves_out_others_avoid_lists(client):
    me = RegistrationFactory()
    other = RegistrationFactory(event=me.event, avoid_text="avoid-marker-xyz")
    other.avoid.add(me.member)
    assert "avoid-marker-xyz" not in json.dumps(_download(client, me))


def test_download_contains_intro_and_answers_written_not_received(client):
    intro = IntroFactory(text="My intro text")
    me = intro.registration
    AnswersFactory(author=me, answers=[{"question": "Q", "answer": "written-by-me"}])
    AnswersFactory(subject=me, answers=[{"question": "Q", "answer": "written-about-me"}])
    data = json.dumps(_download(client, me))
    assert "My intro text" in data
    assert "written-by-me" in data
    assert "written-about-me" not in data


def test_download_contains_emails_sent_to_the_person_only(client):
    me = RegistrationFactory()
    outbox = OutboxMessage.objects
    outbox.create(community=me.event.community, to=me.member.email, subject="For me", body="b")
    outbox.create(community=me.event.community, to="x@example.org", subject="Not me", body="b")
    emails = _download(client, me)["emails_sent_to_you"]
    # and the email with the download link itself, its key removed
    assert [e["subject"] for e in emails] == [
        "For me",
        f"Your download link for {me.event.community}",
    ]
