"""After the event: feedback, stay-in-touch wishes, what was sent, and email preferences.

Who met whom is not stored here: :class:`~netweave.web.live.models.HeldMeeting` is the one
record of what happened (written live, or taken from the published plan afterwards).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from netweave.web.community.models import Member
from netweave.web.events.models import Registration
from netweave.web.live.models import HeldMeeting
from netweave.web.mail.models import OutboxMessage

RATING = [MinValueValidator(1), MaxValueValidator(5)]


def _rating_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__range": (1, 5)}), name=name)


class StayInTouch(models.Model):
    """One person's wish to stay in touch with someone they met.

    Private to its author: it is shown to nobody and only matters when the other person made
    the same wish (double opt-in); then both see each other's email address.
    """

    meeting = models.ForeignKey(HeldMeeting, on_delete=models.CASCADE, related_name="+")
    from_registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="stay_in_touch_wishes"
    )
    to_registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "from_registration", "to_registration"],
                name="stay_in_touch_unique",
            )
        ]


class MeetingFeedback(models.Model):
    """One participant's answer about one meeting. Organizers only ever see aggregates."""

    meeting = models.ForeignKey(HeldMeeting, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meeting_feedback"
    )
    #: was this conversation valuable, 1 (not at all) to 5 (very)
    valuable = models.PositiveSmallIntegerField(validators=RATING)
    #: a note to oneself: shown only to its author, in their summary
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "registration"], name="meeting_feedback_unique"
            ),
            _rating_check("valuable", "meeting_feedback_valuable_1_5"),
        ]


class EventFeedback(models.Model):
    """One participant's answer about the whole event."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="event_feedback"
    )
    overall = models.PositiveSmallIntegerField(validators=RATING)
    #: shown to the organizers without a name, among at least MIN_ANSWERS answers
    comment = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [_rating_check("overall", "event_feedback_overall_1_5")]


class Delivery(models.Model):
    """An optional email a registration got (or is getting): the row is the claim that makes
    sending idempotent, since two senders cannot both create it."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", "Summary"
        REMINDER = "reminder", "Reminder"

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="followup_deliveries"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="delivery_unique_kind")
        ]


class EmailPreference(models.Model):
    """What a member wants from this community by email. No row means the defaults."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="email_preference")
    #: reminders, summaries, nudges: everything but what the member asks for themselves
    optional_emails = models.BooleanField("optional emails", default=True)
    updated = models.DateTimeField(auto_now=True)


class DailyNews(models.Model):
    """The daily email of news (new messages, a mutual "stay in touch") of one member: what
    they heard of so far and on which day of theirs. The row is locked while sending: the one
    guard against two emails on one day."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="daily_news")
    #: news up to this moment went into an email (or was dropped: optional emails off)
    sent_through = models.DateTimeField(null=True, blank=True)
    #: the member's local date of the last email tried (at most one a day, sent or failed)
    last_on = models.DateField(null=True, blank=True)
