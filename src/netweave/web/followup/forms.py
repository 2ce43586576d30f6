"""Forms of the follow-up pages. They validate; the domain verbs decide and write."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from netweave.web.common.validators import PlainTextMixin
from netweave.web.events.partners import CONSENT_SENTENCE, PartnerView
from netweave.web.followup.domain.feedback import MeetingAnswer

RATINGS = [
    (5, "5 · very valuable"),
    (4, "4 · valuable"),
    (3, "3 · somewhat"),
    (2, "2 · a little"),
    (1, "1 · not at all"),
]
OVERALL = [
    (5, "5 · excellent"),
    (4, "4 · good"),
    (3, "3 · all right"),
    (2, "2 · poor"),
    (1, "1 · very poor"),
]


class MeetingFeedbackForm(PlainTextMixin, forms.Form):
    valuable = forms.TypedChoiceField(
        label="Was this conversation valuable to you?",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    stay_in_touch = forms.TypedMultipleChoiceField(
        label="I'd like to stay in touch with",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=CONSENT_SENTENCE,
    )
    note = forms.CharField(
        label="A note to yourself (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you see it, in your summary: not the other person, not the organizers.",
    )

    def __init__(self, *args: object, people: Sequence[PartnerView], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stay_in_touch"].choices = [(p.pk, p.name) for p in people]

    def answer(self) -> MeetingAnswer:
        data = self.cleaned_data
        return MeetingAnswer(
            valuable=data["valuable"],
            note=data["note"],
            stay_in_touch=frozenset(data["stay_in_touch"]),
        )


class EventFeedbackForm(PlainTextMixin, forms.Form):
    overall = forms.TypedChoiceField(
        label="How was the event for you?",
        choices=OVERALL,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything the organizers should know? (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "The organizers see comments without names, and only once at least three "
            "people have answered."
        ),
    )


class SharingForm(forms.Form):
    share_email = forms.BooleanField(
        label="Share my email with the people I met (a yes to each of them)",
        help_text=CONSENT_SENTENCE,
        required=False,
    )


class PreferencesForm(forms.Form):
    optional_emails = forms.BooleanField(
        label="Send me optional emails: reminders before events, summaries and follow-up",
        required=False,
        help_text=("Emails you ask for yourself, such as your personal link, always come."),
    )
