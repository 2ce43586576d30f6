"""The unsubscribe link and headers on every email (reminders: tests/web/matching)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from netweave.web.events.invites import send_link_email
from netweave.web.events.models import Event, Registration
from netweave.web.followup.domain.consent import set_optional_emails
from netweave.web.mail.domain import (
    member_for_preferences_token,
    preferences_token,
    send_email,
    wants_optional_email,
)
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

#: Thursday 12 March 2026, 16:00 UTC
START = dt.datetime(2026, 3, 12, 16, 0, tzinfo=dt.UTC)


def _local(moment: dt.datetime, tz: str) -> str:
    return f"{moment.astimezone(zoneinfo.ZoneInfo(tz)):%a %H:%M}"


def _registration(tz: str = "Europe/London", status: str = Event.Status.PUBLISHED) -> Registration:
    event = EventFactory(starts_at=START, status=status)
    registration = RegistrationFactory(event=event, member__timezone=tz)
    Registration.objects.filter(pk=registration.pk).update(created=START - dt.timedelta(days=9))
    registration.refresh_from_db()
    return registration


# --------------------------------------------------------------------------- unsubscribing


def test_every_email_has_list_unsubscribe_headers(mailoutbox):
    registration = _registration()
    send_link_email(registration)
    headers = mailoutbox[0].extra_headers
    token = preferences_token(registration.member)
    assert headers["List-Unsubscribe"].endswith(
        reverse("portal:email_unsubscribe", args=[token]) + ">"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_every_email_has_preferences_link(mailoutbox):
    registration = _registration()
    send_link_email(registration)
    token = preferences_token(registration.member)
    assert reverse("portal:email_preferences", args=[token]) in mailoutbox[0].body


def test_email_to_non_member_has_no_unsubscribe_header(mailoutbox):
    send_email("someone@example.org", "link", {"event": EventFactory(), "member": None})
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers


def test_unsubscribed_member_still_gets_link_they_asked_for(mailoutbox):
    registration = _registration()
    set_optional_emails(registration.member, False)
    send_link_email(registration)
    assert len(mailoutbox) == 1


def test_one_click_unsubscribe_post_without_csrf():
    from django.test import Client

    member = MemberFactory()
    url = reverse("portal:email_unsubscribe", args=[preferences_token(member)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert (response.status_code, wants_optional_email(member)) == (200, False)


def test_unsubscribe_get_only_asks(client):
    member = MemberFactory()
    client.get(reverse("portal:email_unsubscribe", args=[preferences_token(member)]))
    assert wants_optional_email(member)


def test_unsubscribe_bad_token_404(client):
    assert client.post(reverse("portal:email_unsubscribe", args=["x:y"])).status_code == 404


def test_preferences_token_tampered_is_refused():
    token = preferences_token(MemberFactory())
    assert member_for_preferences_token(token[:-2] + "xx") is None


def test_preferences_token_refused_after_email_change():
    member = MemberFactory()
    token = preferences_token(member)
    member.email = "new@example.org"
    member.save()
    assert member_for_preferences_token(token) is None


def test_preferences_page_turns_optional_emails_back_on(client):
    member = MemberFactory()
    set_optional_emails(member, False)
    url = reverse("portal:email_preferences", args=[preferences_token(member)])
    client.post(url, {"optional_emails": "on"})
    assert wants_optional_email(member)


def test_preferences_page_refuses_without_csrf():
    from django.test import Client

    member = MemberFactory()
    url = reverse("portal:email_preferences", args=[preferences_token(member)])
    assert Client(enforce_csrf_checks=True).post(url, {}).status_code == 403
