"""A personal link reaches only its owner's inbox (issue 10, findings 1 and 2).

A stranger who knows a member's email (and their name, listed on the public form) sends the
registration form with it. They must get no link, learn nothing about whether the address is
known, and change nothing of the member's until the owner confirms from their inbox.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration, RegistrationRequest
from netweave.web.matching.domain.inputs import event_people
from netweave.web.matching.models import PlanVersion
from tests.web.factories import (
    CONFIRM_LINK,
    PERSONAL_LINK,
    EventFactory,
    MemberFactory,
    RegistrationFactory,
    emailed_path,
)

pytestmark = pytest.mark.django_db

STRANGER = {
    "name": "Ada Lovelace",
    "timezone": "Pacific/Kiritimati",
    "interests": "takeover",
    "about": "Written by a stranger.",
    "looking_for": "Someone's organizer notes.",
    "avoid_text": "Bo Carter",
    "mode": "async",
    "consent_share_email": "on",
    "listed": "on",
}


def _register_url(event: Event) -> str:
    return reverse("portal:register", args=[event.community.slug, event.slug])


def _post(event: Event, email: str, client: Client | None = None, **answers: str):
    return (client or Client()).post(_register_url(event), {**STRANGER, **answers, "email": email})


@pytest.fixture
def event() -> Event:
    return EventFactory()


@pytest.fixture
def member(event) -> Member:
    """Ada, imported by the organizers, private, with notes, not registered for ``event``."""
    return MemberFactory(
        community=event.community,
        name="Ada Lovelace",
        email="ada@example.org",
        about="The real Ada.",
        timezone="Europe/London",
        listed=False,
        notes="Organizer note: handle with care",
    )


@pytest.fixture
def registered(event, member) -> Registration:
    """Ada registered for ``event``, sharing nothing, avoiding nobody."""
    return RegistrationFactory(
        event=event, member=member, mode="live", consent_share_email=False, avoid_text=""
    )


def _tokens() -> set[str]:
    return set(Registration.objects.values_list("token", flat=True))


# --------------------------------------------------------------------------- no link for a stranger


def test_stranger_with_known_email_gets_no_personal_link(event, member, mailoutbox):
    response = _post(event, member.email)

    assert response.status_code == 302
    assert response.url == reverse("portal:register_sent", args=[event.community.slug, event.slug])
    assert not Registration.objects.filter(member=member).exists()
    page = Client().get(response.url).content.decode()
    assert "/p/" not in response.url + page


def test_stranger_with_known_email_sends_only_a_confirmation_to_the_owner(
    event, registered, mailoutbox
):
    _post(event, registered.member.email)

    (sent,) = mailoutbox
    assert sent.to == [registered.member.email]
    assert re.search(CONFIRM_LINK, sent.body)
    assert registered.token not in sent.body


#: what differs in every response by design: the masked CSRF token and the CSP nonce
_PER_RESPONSE = re.compile(r'("X-CSRFToken": "|nonce="|name="csrfmiddlewaretoken" value=")[^"]+')


def _page(client: Client, response, email: str) -> tuple[int, str, list[str], str]:
    """Status, target, templates and words of a form's answer, with the address typed
    replaced by ``EMAIL`` and per-response randomness blanked."""
    page = client.get(response.url)
    body = _PER_RESPONSE.sub(r"\1…", page.content.decode().replace(email, "EMAIL"))
    return response.status_code, response.url, [t.name for t in page.templates], body


def _answer(event: Event, email: str) -> tuple[int, str, list[str], str]:
    client = Client()
    return _page(client, _post(event, email, client), email)


def test_register_answers_identically_for_new_known_and_registered_emails(event, registered):
    member = MemberFactory(community=event.community)

    answers = [
        _answer(event, e) for e in ("new@example.org", member.email, registered.member.email)
    ]

    assert answers[0] == answers[1] == answers[2]
    assert answers[0][1].endswith("/register/sent/")


def _resend_answer(event: Event, email: str) -> tuple[int, str, list[str], str]:
    client = Client()
    url = reverse("portal:resend", args=[event.community.slug, event.slug])
    return _page(client, client.post(url, {"email": email}), email)


def test_resend_answers_identically_for_unknown_and_registered_emails(event, registered):
    assert _resend_answer(event, "nobody@example.org") == _resend_answer(
        event, registered.member.email
    )


def test_new_email_is_registered_at_once_with_link_and_removal_by_email(event, mailoutbox):
    response = _post(event, "New.Person@Example.org")

    registration = Registration.objects.get(event=event, member__email="new.person@example.org")
    assert registration.token not in response.url
    (sent,) = mailoutbox
    assert emailed_path(mailoutbox, PERSONAL_LINK) == f"/p/{registration.token}/"
    assert f"/p/{registration.token}/privacy/delete/" in sent.body


def test_new_email_consents_wait_for_the_inbox(event, mailoutbox):
    """Whoever typed a new address cannot share it with partners, or list its owner."""
    _post(event, "new@example.org")

    registration = Registration.objects.get(event=event)
    assert (registration.consent_share_email, registration.member.listed) == (False, False)
    assert "share your email with the people you meet and to list you" in mailoutbox[0].body


def test_new_email_consents_apply_once_confirmed(event, mailoutbox):
    _post(event, "new@example.org")

    Client().post(emailed_path(mailoutbox, CONFIRM_LINK))

    registration = Registration.objects.get(event=event)
    assert (registration.consent_share_email, registration.member.listed) == (True, True)


def test_new_email_without_consents_needs_no_confirmation(event, mailoutbox):
    _post(event, "new@example.org", consent_share_email="", listed="")

    assert not RegistrationRequest.objects.exists()
    assert "/confirm/" not in mailoutbox[0].body


def test_new_email_removal_link_leads_to_the_deletion_flow(event, mailoutbox):
    _post(event, "new@example.org")
    removal = emailed_path(mailoutbox, r"/p/[^/\s]+/privacy/delete/")

    page = Client().get(removal)

    assert "Delete all your data?" in page.content.decode()


# --------------------------------------------------------------------------- nothing changes


def _snapshot(member: Member) -> tuple:
    member.refresh_from_db()
    regs = [
        (r.event_id, r.mode, r.looking_for, r.avoid_text, r.consent_share_email, r.token)
        for r in member.registrations.order_by("pk")
    ]
    avoided = [list(r.avoid.values_list("pk", flat=True)) for r in member.registrations.all()]
    fields = (member.name, member.about, member.timezone, member.interests, member.listed)
    return fields, regs, avoided


def test_known_member_unchanged_until_confirmed(event, registered):
    MemberFactory(community=event.community, name="Bo Carter")
    before = _snapshot(registered.member)

    _post(event, registered.member.email, name="Mallory")

    assert _snapshot(registered.member) == before


def test_reregistration_does_not_flip_consents(event, registered):
    _post(event, registered.member.email)

    registered.refresh_from_db()
    registered.member.refresh_from_db()
    assert (registered.consent_share_email, registered.member.listed) == (False, False)


def test_unconfirmed_registration_absent_from_plan_inputs(event, member):
    RegistrationFactory.create_batch(3, event=event)

    _post(event, member.email)

    assert member.email not in {p.email for p in event_people(event)}
    assert len(event_people(event)) == 3


def test_unconfirmed_avoid_list_absent_from_plan_inputs(event, registered):
    RegistrationFactory(event=event, member__name="Bo Carter")

    _post(event, registered.member.email, avoid_text="Bo Carter")

    (ada,) = [p for p in event_people(event) if p.email == registered.member.email]
    assert ada.avoid == ()


def test_unconfirmed_registration_absent_from_generated_plan(
    orga_client, community, django_capture_on_commit_callbacks
):
    event = EventFactory(community=community, rounds=2, status=Event.Status.CLOSED)
    RegistrationFactory.create_batch(6, event=event)
    member = MemberFactory(community=community)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.OPEN)
    _post(event, member.email)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CLOSED)

    with django_capture_on_commit_callbacks(execute=True):
        orga_client.post(reverse("orga:plan_generate", args=[event.pk]))

    version = PlanVersion.objects.get(event=event)
    assert version.state == PlanVersion.State.READY, version.error
    emails = {p[0] for p in version.participants}
    assert (len(emails), member.email in emails) == (6, False)


def test_organizers_see_pending_confirmations_apart_from_registrations(orga_client, community):
    event = EventFactory(community=community)
    RegistrationFactory(event=event)
    member = MemberFactory(community=community)
    _post(event, member.email)

    page = orga_client.get(reverse("orga:registrations", args=[event.pk])).content.decode()

    assert re.search(r'"value">1</span><span class="label">registered', page)
    assert re.search(r'"value">1</span><span class="label">waiting for email confirmation', page)
    assert "Waiting for confirmation: 1" in page
    assert member.email in page


# --------------------------------------------------------------------------- the owner confirms


def _confirm_link(mailoutbox, member: Member) -> str:
    return emailed_path(mailoutbox, CONFIRM_LINK, to=member.email)


def test_confirm_link_get_shows_changes_and_changes_nothing(event, registered, mailoutbox):
    _post(event, registered.member.email, about="A new about text.")
    before = _snapshot(registered.member)
    link = _confirm_link(mailoutbox, registered.member)

    first, second = Client().get(link), Client().get(link)

    assert (first.status_code, second.status_code) == (200, 200)
    assert "A new about text." in first.content.decode()
    assert "The real Ada." in first.content.decode()
    assert _snapshot(registered.member) == before


def test_confirm_link_post_applies_through_the_registration(event, registered, mailoutbox):
    _post(event, registered.member.email, about="A new about text.")
    link = _confirm_link(mailoutbox, registered.member)

    response = Client().post(link)

    assert response.status_code == 200
    registered.refresh_from_db()
    registered.member.refresh_from_db()
    assert (registered.member.about, registered.mode, registered.consent_share_email) == (
        "A new about text.",
        "async",
        True,
    )
    assert registered.member.listed
    assert registered.token not in response.content.decode()


def test_confirm_creates_the_registration_of_a_known_member(event, member, mailoutbox):
    _post(event, member.email)

    Client().post(_confirm_link(mailoutbox, member))

    registration = Registration.objects.get(event=event, member=member)
    assert emailed_path(mailoutbox, PERSONAL_LINK, to=member.email) == f"/p/{registration.token}/"
    assert member.email in {p.email for p in event_people(event)}


def test_confirm_link_works_once(event, registered, mailoutbox):
    _post(event, registered.member.email)
    link = _confirm_link(mailoutbox, registered.member)
    Client().post(link)
    registered.member.refresh_from_db()
    registered.member.about = "Changed later by Ada herself."
    registered.member.save()

    again_get, again_post = Client().get(link), Client().post(link)

    assert (again_get.status_code, again_post.status_code) == (404, 404)
    registered.member.refresh_from_db()
    assert registered.member.about == "Changed later by Ada herself."


def test_confirm_link_expired_is_refused(event, registered, mailoutbox):
    _post(event, registered.member.email)
    link = _confirm_link(mailoutbox, registered.member)
    RegistrationRequest.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    before = _snapshot(registered.member)

    responses = Client().get(link), Client().post(link)

    assert [r.status_code for r in responses] == [404, 404]
    assert _snapshot(registered.member) == before


def test_confirm_link_secret_is_not_stored(event, member, mailoutbox):
    _post(event, member.email)
    secret = _confirm_link(mailoutbox, member).split("/")[2]

    request = RegistrationRequest.objects.get()

    assert secret not in (request.secret_hash or "")
    assert request.secret_hash


def test_confirm_after_publishing_is_refused_and_stays_unused(event, registered, mailoutbox):
    _post(event, registered.member.email, about="Too late.")
    PlanVersion.objects.create(event=event, number=1, published_at=dt.datetime.now(dt.UTC))
    link = _confirm_link(mailoutbox, registered.member)

    response = Client().post(link)

    assert "plan for this event is published" in response.content.decode()
    registered.member.refresh_from_db()
    assert registered.member.about == "The real Ada."


@pytest.mark.django_db(transaction=True)
def test_confirm_link_clicked_twice_at_once_applies_once(mailoutbox):
    """Real row locks: on PostgreSQL (``make test-postgres``); SQLite's in-memory test
    database answers "table is locked" instead of waiting."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("needs a database server's row locks (run make test-postgres)")
    event = EventFactory()
    member = MemberFactory(community=event.community)
    _post(event, member.email)
    link = _confirm_link(mailoutbox, member)
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def click() -> None:
        try:
            barrier.wait()
            statuses.append(Client().post(link).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(statuses) == [200, 404]
    assert Registration.objects.filter(event=event, member=member).count() == 1
