"""Forms of the live console. Each validates input only; the domain verbs decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from netweave.web.common.validators import PlainTextMixin, validate_email_address
from netweave.web.community.forms import TimezoneField
from netweave.web.events.models import Event
from netweave.web.live.models import Attendance

__all__ = [
    "ACTIONS",
    "AttendanceForm",
    "ConfirmForm",
    "MessagesForm",
    "PasteForm",
    "TransitionForm",
    "WalkInForm",
]

#: the live transitions a button can ask for, and their labels
ACTIONS = {
    "start_event": "Open the event",
    "start_round": "Start round",
    "next_round": "Next",
    "start_groups": "Start the small groups",
    "end_event": "End the event",
}

#: a participant list is pasted, not typed: generous, but not a whole book
PASTE_MAX = 200_000


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=Attendance.Status.choices)


class PasteForm(forms.Form):
    text = forms.CharField(
        label="Zoom's participant list",
        max_length=PASTE_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=(
            "In Zoom, open Participants, select everyone's names (or export the participant "
            "report) and paste here: names or emails, one per line, a CSV export, anything. "
            "You review the matches before anyone is marked present."
        ),
    )


class _Ids(forms.Field):
    """Ticked checkboxes of registrations: a list of primary keys (the verb scopes them)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("Choose people from the list.") from exc


class ConfirmForm(forms.Form):
    registrations = _Ids(required=False)


class WalkInForm(PlainTextMixin, forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(
        validators=[validate_email_address],
        help_text="So they get their personal page and can keep in touch afterwards.",
    )
    #: the zone the event form offers; empty (the review page's quick add) is the event's
    timezone = TimezoneField(
        label="Their time zone",
        required=False,
        help_text="Their times and reasons use it; they can change it on their page.",
    )

    def __init__(self, *args: Any, event: Event | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if event is not None:
            self.fields["timezone"].initial = event.timezone
            self.fields["timezone"].offer(event.timezone)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    round = forms.IntegerField(required=False, min_value=1, max_value=1000)
    #: the live state's version the organizer's page showed: a second press of the same
    #: button (or another organizer's) is refused instead of moving on twice
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    #: set by the confirmation page: yes, start it although it skips rounds
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "start_round" and not data.get("round"):
            self.add_error("round", "Say which round to start.")
        return data


class MessagesForm(PlainTextMixin, forms.Form):
    broadcast = forms.CharField(
        label="Message to everyone",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown at the top of every participant's live page within seconds.",
    )
    accessibility_note = forms.CharField(
        label="Accessibility reminder",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to everyone each time the event moves on.",
    )
