"""Emails that must go once: the key is claimed in the outbox before sending; the outbox
shows each message's state (queued, sent, failed with the error)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.mail.domain import render_email, send_email_once
from netweave.web.mail.models import OutboxMessage
from tests.web.factories import EventFactory

pytestmark = pytest.mark.django_db

CONTEXT = {"member": None, "link": "https://example.org/p/x/"}


def _once(event: Event, key: str = "k-1") -> OutboxMessage | None:
    return send_email_once(key, "ana@example.org", "link", {**CONTEXT, "event": event})


def test_send_email_once_sends_and_records_sent(mailoutbox):
    message = _once(EventFactory())
    assert (message.state, message.key, len(mailoutbox)) == ("sent", "k-1", 1)


def test_send_email_once_second_call_sends_nothing(mailoutbox):
    event = EventFactory()
    _once(event)
    assert (_once(event), len(mailoutbox), OutboxMessage.objects.count()) == (None, 1, 1)


def test_send_email_once_queued_claim_is_not_taken_over(mailoutbox):
    event = EventFactory()
    OutboxMessage.objects.create(
        to="ana@example.org", subject="s", body="b", key="k-1", state="queued"
    )
    assert (_once(event), len(mailoutbox)) == (None, 0)


def test_send_email_once_failed_is_tried_again_in_the_same_row(mailoutbox):
    event = EventFactory()
    failed = OutboxMessage.objects.create(
        to="ana@example.org", subject="s", body="b", key="k-1", state="failed", error="refused"
    )
    again = _once(event)
    assert (again.pk, again.state, again.error, len(mailoutbox)) == (failed.pk, "sent", "", 1)


def test_send_email_once_records_a_failure(mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.web.mail.test_send_once.RefusingBackend"
    message = _once(EventFactory())
    assert (message.state, message.error) == ("failed", "550 mailbox unavailable")


def test_send_email_once_different_keys_both_go(mailoutbox):
    event = EventFactory()
    _once(event, "k-1")
    _once(event, "k-2")
    assert len(mailoutbox) == 2


def test_render_email_sends_nothing(mailoutbox):
    subject, body = render_email("link", {**CONTEXT, "event": EventFactory()})
    assert (subject.startswith("Your link for"), "https://example.org/p/x/" in body) == (True, True)
    assert mailoutbox == []


def test_outbox_shows_queued_and_the_error(orga_client, community):
    OutboxMessage.objects.create(
        community=community, to="a@example.org", subject="A", body="b", state="queued"
    )
    OutboxMessage.objects.create(
        community=community,
        to="b@example.org",
        subject="B",
        body="b",
        state="failed",
        error="550 no such user",
    )
    page = orga_client.get(reverse("orga:outbox", args=[community.pk])).content.decode()
    assert ('badge warn">Queued' in page, "550 no such user" in page) == (True, True)


class RefusingBackend:
    """A mail backend whose server refuses every message."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list) -> int:
        raise OSError("550 mailbox unavailable")
