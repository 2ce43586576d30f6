"""No personal data in logs: the busiest paths, logged at DEBUG, name nobody."""

from __future__ import annotations

import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from netweave.web.community.models import Member
from netweave.web.events.models import Event
from netweave.web.mail.models import OutboxMessage
from tests.web.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Zelda Quixote", "zelda.quixote@example.org"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that rejects the recipient, naming them, as real servers do."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({EMAIL: (550, f"<{EMAIL}> mailbox unavailable")})


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG, logger="netweave")
    caplog.set_level(logging.DEBUG, logger="django")
    return caplog


def _logged_text(caplog) -> str:
    formatter = logging.Formatter()
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
        if record.stack_info:
            parts.append(record.stack_info)
    return "\n".join(parts).lower()


def _secrets(*people: Member) -> set[str]:
    return {NAME.lower(), EMAIL, *(p.name.lower() for p in people), *(p.email for p in people)}


def _assert_no_personal_data(caplog, *people: Member) -> None:
    text = _logged_text(caplog)
    assert [s for s in _secrets(*people) if s in text] == []


def _register(client, event: Event) -> None:
    answers = {
        "name": NAME,
        "email": EMAIL,
        "timezone": "Europe/Lisbon",
        "interests": "onboarding",
        "about": "I run onboarding.",
        "looking_for": "Mentors.",
        "mode": "live",
    }
    client.post(reverse("portal:register", args=[event.community.slug, event.slug]), answers)


def _resend(client, event: Event) -> None:
    client.post(reverse("portal:resend", args=[event.community.slug, event.slug]), {"email": EMAIL})


def test_logs_registration_names_nobody(client, logs):
    event = EventFactory()
    _register(client, event)
    assert Member.objects.filter(email=EMAIL).exists()
    _assert_no_personal_data(logs)


def test_logs_resend_link_names_nobody(client, logs):
    registration = RegistrationFactory(member__name=NAME, member__email=EMAIL)
    _resend(client, registration.event)
    _assert_no_personal_data(logs)


def test_logs_failed_email_names_nobody(client, logs, settings):
    registration = RegistrationFactory(member__name=NAME, member__email=EMAIL)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    _resend(client, registration.event)
    assert OutboxMessage.objects.get(to=EMAIL).state == OutboxMessage.State.FAILED
    assert logs.records  # the failure is logged, only without the person
    _assert_no_personal_data(logs)


def _generate(client, event: Event, run) -> None:
    with run(execute=True):
        client.post(reverse("orga:plan_generate", args=[event.pk]))


def test_logs_plan_generation_names_nobody(
    orga_client, community, logs, django_capture_on_commit_callbacks
):
    event = EventFactory(community=community, rounds=2, group_min=3, group_max=5)
    regs = RegistrationFactory.create_batch(8, event=event)
    _generate(orga_client, event, django_capture_on_commit_callbacks)
    assert event.plans.get().state == "ready"
    _assert_no_personal_data(logs, *(r.member for r in regs))


def test_logs_crashed_plan_generation_names_nobody(
    orga_client, community, logs, django_capture_on_commit_callbacks
):
    # weights that pass validation but overflow to infinity inside the core
    huge = {"interests": 1e308, "looking_for": 1e308}
    event = EventFactory(community=community, rounds=2, settings={"weights": huge})
    regs = RegistrationFactory.create_batch(8, event=event)
    _generate(orga_client, event, django_capture_on_commit_callbacks)
    assert event.plans.get().state == "failed"
    _assert_no_personal_data(logs, *(r.member for r in regs))
