"""Every email goes out through ``send_email``, which makes header fields safe: a name with a
line break sends and is recorded (issue 10, finding 8), and any failure is in the outbox."""

from __future__ import annotations

import ast
import datetime as dt
import doctest
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.mail import domain as mail_domain
from netweave.web.mail.domain import send_email
from netweave.web.mail.models import OutboxMessage
from tests.web.factories import (
    EventFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[3] / "src" / "netweave"


def _async_meeting(community, subject_name: str) -> Event:
    """Ben (live) met an async participant called ``subject_name``, whose form is missing."""
    event = EventFactory(
        community=community,
        starts_at=timezone.now() - dt.timedelta(hours=2),
        status=Event.Status.PUBLISHED,
    )
    kofi = RegistrationFactory(event=event, mode=Registration.Mode.ASYNC, member__name=subject_name)
    ben = RegistrationFactory(event=event, member__name="Ben")
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, round=1, room=None, is_async=True, seats=[ben, kofi])
    return event


def _nudge(orga_client, event: Event, capture) -> None:
    with capture(execute=True):
        orga_client.post(reverse("orga:intros_nudge", args=[event.pk]))


def test_nudge_about_name_with_carriage_return_is_sent_and_recorded(
    orga_client, community, django_capture_on_commit_callbacks
):
    event = _async_meeting(community, "Kofi\rBcc: everyone@attacker.test")

    _nudge(orga_client, event, django_capture_on_commit_callbacks)

    (sent,) = mail.outbox
    record = OutboxMessage.objects.get(kind="nudge")
    assert sent.subject == f"A few lines for Kofi Bcc: everyone@attacker.test? ({event.title})"
    assert sent.message()["Bcc"] is None
    assert (record.state, record.subject) == ("sent", sent.subject)


def test_nudge_about_name_with_line_feed_keeps_the_whole_subject(
    orga_client, community, django_capture_on_commit_callbacks
):
    event = _async_meeting(community, "Kofi\nAsante")

    _nudge(orga_client, event, django_capture_on_commit_callbacks)

    (sent,) = mail.outbox
    assert sent.subject == f"A few lines for Kofi Asante? ({event.title})"
    assert sent.body.startswith("Hello Ben,")


def test_from_address_with_line_break_in_display_name_still_sends(settings):
    settings.DEFAULT_FROM_EMAIL = "Forum\r\nTeam <forum@example.org>"

    record = send_email("ana@example.org", "link", {"event": EventFactory(), "link": "x"})

    assert record.state == "sent"
    assert mail.outbox[0].from_email == "Forum Team <forum@example.org>"


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ValueError("the backend refuses this message")


def test_send_failure_of_any_kind_is_recorded_not_raised(settings):
    settings.EMAIL_BACKEND = "tests.web.mail.test_mail_headers.RefusingBackend"

    record = send_email("ana@example.org", "link", {"event": EventFactory(), "link": "x"})

    stored = OutboxMessage.objects.get(pk=record.pk)
    assert (stored.state, stored.error) == ("failed", "the backend refuses this message")


def test_overlong_subject_is_recorded():
    event = EventFactory(title="T" * 200)

    record = send_email("ana@example.org", "link", {"event": event, "link": "x"})

    assert OutboxMessage.objects.get(pk=record.pk).subject == f"Your link for {'T' * 200}"


def test_mail_doctests_pass():
    assert doctest.testmod(mail_domain).failed == 0


def _imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_only_send_email_touches_django_mail():
    users = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(name.startswith("django.core.mail") for name in _imports_of(path))
    )

    assert users == ["web/mail/domain.py"]
