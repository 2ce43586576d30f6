"""Giving and withdrawing consent: sharing one's email with the people one met, and optional
emails (reminders, summaries, nudges)."""

from __future__ import annotations

from django.db import transaction

from netweave.web.community.models import Member
from netweave.web.events.models import Registration
from netweave.web.followup.models import EmailPreference, StayInTouch

__all__ = [
    "set_email_sharing",
    "set_optional_emails",
    "withdraw_consent",
]


def set_email_sharing(registration: Registration, share: bool) -> Registration:
    """Give or withdraw the up-front consent to share one's email with people one met."""
    Registration.objects.filter(pk=registration.pk).update(consent_share_email=share)
    registration.consent_share_email = share
    return registration


def withdraw_consent(registration: Registration) -> Registration:
    """Stop sharing contact details altogether: the up-front consent and every stay-in-touch
    wish go, so no later page or email shows this person's email to anyone (an email
    already sent cannot be recalled)."""
    with transaction.atomic():
        set_email_sharing(registration, False)
        StayInTouch.objects.filter(from_registration=registration).delete()
    return registration


def set_optional_emails(member: Member, wanted: bool) -> EmailPreference:
    """Turn optional emails (reminders, summaries, nudges) on or off for ``member``."""
    preference, _ = EmailPreference.objects.update_or_create(
        member=member, defaults={"optional_emails": wanted}
    )
    return preference
