"""Forms for event set-up and for the registrations list."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone

from netweave.core.available import parse_available
from netweave.core.issues import CellError
from netweave.web.common import timezones
from netweave.web.common.validators import PlainTextMixin
from netweave.web.community.forms import MemberChoiceField, TimezoneField
from netweave.web.community.models import Community
from netweave.web.events.meeting import validate_meeting_url
from netweave.web.events.models import Event, Registration, RoomMode
from netweave.web.events.rooms import template_problems

__all__ = ["EventForm", "RegistrationFilterForm", "RegistrationForm", "parse_reminder_hours"]

# fields typed as wall-clock times in the event's own zone
_LOCAL_TIMES = ("starts_at", "registration_opens", "registration_closes", "intro_deadline")


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value has no zone (the form adds it)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EventForm(PlainTextMixin, forms.ModelForm):
    timezone = TimezoneField(
        label="Time zone",
        help_text="The dates and times on this page are in this zone. "
        "Participants see them converted to their own.",
    )
    slug = forms.SlugField(
        label="Web address",
        required=False,
        max_length=80,
        help_text="Part of the registration link. Leave empty to make it from the title.",
    )
    # declared fields do not take the model's defaults: give them explicitly
    rounds = forms.IntegerField(
        min_value=1, max_value=30, initial=4, help_text="How many one-on-one rounds."
    )
    minutes_per_round = forms.IntegerField(min_value=1, max_value=180, initial=8)
    group_min = forms.IntegerField(
        label="Smallest group", min_value=2, max_value=50, initial=4, help_text="At least 2 people."
    )
    group_max = forms.IntegerField(label="Largest group", min_value=2, max_value=50, initial=6)
    group_minutes = forms.IntegerField(
        label="Minutes for the groups", min_value=1, max_value=240, initial=20
    )
    watch_every = forms.IntegerField(
        label="Watching an intro: at most one in every ... rounds",
        min_value=1,
        max_value=30,
        initial=3,
        required=False,
        help_text="A live person paired with an async participant watches their intro that "
        "round. 3 = at most one round in three (2 of 4 rounds); 1 = no limit.",
    )
    meeting_url = forms.URLField(
        label="Join link",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[validate_meeting_url],
        help_text="The video meeting everyone joins (Zoom, Jitsi, Teams, ...), starting with "
        "https://. Only registered people see it: in their emails, calendar invite and pages.",
    )
    reminder_hours = forms.CharField(
        label="Reminders (hours before the start)",
        required=False,
        max_length=40,
        initial="24, 1",
        help_text="Comma-separated, e.g. 24, 1 for a day and an hour before. Leave empty for "
        "no reminders.",
    )

    request_cap = forms.IntegerField(
        label="Requests to one person: at most",
        min_value=1,
        max_value=30,
        required=False,
        help_text="Popular people are shared: at most this many of someone's meetings come "
        "from others asking to meet them (the earliest registered askers first); the other "
        "askers meet them only if the plan pairs them anyway. Empty: no cap.",
    )

    room_mode = forms.ChoiceField(
        label="How people reach their room",
        required=False,
        choices=[
            (
                "",
                "Automatic: participants choose in Zoom with several rounds, the host "
                "assigns with one",
            ),
            *RoomMode.choices,
        ],
        help_text="Zoom keeps only one set of pre-assigned rooms per meeting (round 1's or the "
        "groups'), so for the other rounds people choose their room (their live page says "
        "which), the host assigns everyone, or each meeting has its own link. See the "
        "organizer guide, “Running the rounds in Zoom”.",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "description",
            "timezone",
            "starts_at",
            "rounds",
            "minutes_per_round",
            "groups_enabled",
            "group_min",
            "group_max",
            "group_minutes",
            "registration_opens",
            "registration_closes",
            "fully_async",
            "intro_deadline",
            "watch_every",
            "meeting_url",
            "meeting_id",
            "meeting_passcode",
            "reminder_hours",
            "room_mode",
            "room_link_template",
            "apart_same_organization",
            "first_timers_meet_veterans",
            "across_community_kinds",
            "request_cap",
            "wishes_open",
        ]
        labels = {
            "starts_at": "Starts at",
            "registration_opens": "Registration opens",
            "registration_closes": "Registration closes",
            "fully_async": "Everyone takes part asynchronously (no live session)",
            "intro_deadline": "Async intros due by",
        }
        help_texts = {
            "starts_at": "Date and time of the live session, in the event's time zone.",
            "registration_opens": "Optional: the form stays closed before this time.",
            "registration_closes": "Optional: the form closes automatically at this time.",
            "groups_enabled": "After the one-on-one rounds, people meet in small groups.",
            "intro_deadline": "Async participants without an intro by then get no live "
            "partners: theirs meet someone live, and they are told. Empty: a day before.",
            "meeting_id": "Optional: for people who join by typing the ID.",
            "apart_same_organization": "People who give the same organization never meet "
            "one-on-one (they can still share a small group).",
            "first_timers_meet_veterans": "Someone new to the community's events meets at "
            "least one person who came before, where one is free.",
            "across_community_kinds": "Everyone who gave a kind of community (open source, "
            "research lab, company...) meets at least one person of another kind, where a "
            "swap allows.",
            "wishes_open": "Participants see who is coming (those who agreed to be listed) on "
            "their page and may mark “would love to meet” (planned like a request) or “no "
            "thanks” (never paired; nobody, organizers included, sees who said it). Closes "
            "when you generate a plan.",
            "meeting_passcode": "Optional. Shown next to the link to registered people only.",
            "room_link_template": "With “a link per meeting”: the address of a meeting's "
            "room, e.g. https://meet.jit.si/ourevent-{round}-{room}-{secret}. Placeholders: "
            "{event} (the web address), {round}, {room} (01, 02, ...) and {secret} (required: "
            "a code made on this server, so nobody can guess another meeting's link).",
        }
        widgets = {name: LocalDateTimeInput() for name in _LOCAL_TIMES}

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["timezone"].offer(
            self.instance.timezone if self.instance.pk else community.timezone
        )
        if self.instance.pk:
            # show stored times as the wall-clock time in the event's zone, not the server's
            zone = timezones.zone(self.instance.timezone)
            for name in _LOCAL_TIMES:
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = timezone.make_naive(value, zone)
            self.initial["reminder_hours"] = ", ".join(map(str, self.instance.reminder_hours))
        else:
            self.initial.setdefault("timezone", community.timezone)

    def clean_watch_every(self) -> int:
        # left empty: the default spacing, as for a new event
        value = self.cleaned_data.get("watch_every")
        return Event._meta.get_field("watch_every").get_default() if value is None else value

    def clean_reminder_hours(self) -> list[int]:
        return parse_reminder_hours(self.cleaned_data["reminder_hours"])

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        others = self.community.events.exclude(pk=self.instance.pk)
        if slug and others.filter(slug=slug).exists():
            raise forms.ValidationError("Another event of this community uses this address.")
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        zone_name = cleaned.get("timezone")
        if zone_name:
            zone = timezones.zone(zone_name)
            for name in _LOCAL_TIMES:
                if cleaned.get(name):
                    cleaned[name] = _as_wall_time_in(cleaned[name], zone)
        low, high = cleaned.get("group_min"), cleaned.get("group_max")
        if low and high and low > high:
            self.add_error("group_max", "The largest group cannot be smaller than the smallest.")
        due, starts = cleaned.get("intro_deadline"), cleaned.get("starts_at")
        if due and starts and due > starts:
            self.add_error("intro_deadline", "Intros must be due before the event starts.")
        opens, closes = cleaned.get("registration_opens"), cleaned.get("registration_closes")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes", "Registration must close after it opens.")
        self._clean_room_link(cleaned)
        return cleaned

    def _clean_room_link(self, cleaned: dict[str, Any]) -> None:
        template = (cleaned.get("room_link_template") or "").strip()
        cleaned["room_link_template"] = template
        if template:
            for problem in template_problems(template):
                self.add_error("room_link_template", problem)
        elif cleaned.get("room_mode") == RoomMode.LINKS:
            self.add_error(
                "room_link_template", "Give the link template: each meeting's room comes from it."
            )


#: reminders at most this many hours (two weeks) before, and at most this many of them
MAX_REMINDER_HOURS, MAX_REMINDERS = 336, 4


def parse_reminder_hours(text: str) -> list[int]:
    """``"24, 1"`` as ``[24, 1]``: distinct whole hours, longest first.

    >>> parse_reminder_hours("1, 24,24")
    [24, 1]
    >>> parse_reminder_hours("")
    []
    """
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not all(p.isdigit() and 1 <= int(p) <= MAX_REMINDER_HOURS for p in parts):
        raise forms.ValidationError(
            f"Give whole hours from 1 to {MAX_REMINDER_HOURS}, separated by commas, e.g. 24, 1."
        )
    hours = sorted({int(p) for p in parts}, reverse=True)
    if len(hours) > MAX_REMINDERS:
        raise forms.ValidationError(f"At most {MAX_REMINDERS} reminders.")
    return hours


def _as_wall_time_in(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The form read ``value`` in the server's zone; keep the clock time, change the zone."""
    naive = timezone.make_naive(value) if timezone.is_aware(value) else value
    return naive.replace(tzinfo=zone)


def clean_available(text: str, rounds: int) -> list[int]:
    """An ``available`` answer typed by an organizer (``1-2``, ``2-4``, ``1,3``; empty: all),
    read by the core's parser, as the rounds of an event of ``rounds`` rounds.

    >>> clean_available("2-3", 4), clean_available("", 4), clean_available("1-4", 4)
    ([2, 3], [], [])
    """
    try:
        numbers = parse_available(text)
    except CellError as exc:
        raise forms.ValidationError(str(exc)) from exc
    beyond = [n for n in numbers if n > rounds]
    if beyond:
        raise forms.ValidationError(
            f"The event has {rounds} round{'s' if rounds != 1 else ''}: there is no round "
            f"{beyond[0]}. Write rounds from 1 to {rounds}, or leave it empty for all."
        )
    # every round named says the same as empty: store "all" (rounds may be added later)
    return [] if len(numbers) >= rounds else list(numbers)


class RegistrationForm(PlainTextMixin, forms.ModelForm):
    available = forms.CharField(
        label="Rounds they can attend",
        required=False,
        max_length=100,
        help_text="Rounds like 1-2 (leaving after round 2), 2-4 (arriving late) or 1,3. "
        "Empty: every round.",
    )
    first_time = forms.NullBooleanField(
        label="First time at one of the community's events",
        required=False,
        widget=forms.NullBooleanSelect,
        help_text="From their history: a first-timer unless they registered for an earlier "
        "event of this community. First-timers meet at least one veteran when the event's "
        "rule is on.",
    )

    class Meta:
        model = Registration
        fields = [
            "mode",
            "looking_for",
            "requests",
            "avoid",
            "consent_share_email",
            "available",
            "first_time",
            "is_host",
        ]
        labels = {
            "looking_for": "Looking for",
            "requests": "Would like to meet",
            "avoid": "Prefers not to meet",
        }
        help_texts = {
            "mode": "Live: joins the Zoom rounds. Asynchronous: meets people by recorded intro.",
            "requests": "Hold Ctrl (Cmd on a Mac) to pick several people.",
            "avoid": "netweave never pairs them with these people.",
            "is_host": "A team member: not matched, they fill the odd seat of a round (instead "
            "of a meeting of three); their page shows where they are needed.",
        }
        widgets = {
            "mode": forms.RadioSelect,
            "requests": forms.SelectMultiple(attrs={"size": 8}),
            "avoid": forms.SelectMultiple(attrs={"size": 8}),
        }
        field_classes = {"requests": MemberChoiceField, "avoid": MemberChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registration = self.instance
        others = registration.event.community.members.exclude(pk=registration.member_id)
        self.fields["requests"].queryset = others.order_by("name")
        self.fields["avoid"].queryset = others.order_by("name")
        self.fields["first_time"].widget.choices = [
            ("unknown", "From their history"),
            ("true", "Yes"),
            ("false", "No"),
        ]
        if registration.pk:
            self.initial["available"] = ", ".join(map(str, registration.available or ()))

    def clean_available(self) -> list[int]:
        return clean_available(self.cleaned_data["available"], self.instance.event.rounds)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        both = set(cleaned.get("requests") or ()) & set(cleaned.get("avoid") or ())
        if both:
            names = ", ".join(sorted(m.name for m in both))
            self.add_error("avoid", f"Requested and avoided at the same time: {names}.")
        return cleaned


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email or wish"}),
    )
    mode = forms.ChoiceField(
        label="Mode", required=False, choices=[("", "Live and async"), *Registration.Mode.choices]
    )
    requests = forms.ChoiceField(
        label="Requests",
        required=False,
        choices=[("", "With or without"), ("yes", "Asked to meet someone"), ("no", "No requests")],
    )

    def has_requests(self) -> bool | None:
        value = self.cleaned_data.get("requests") if self.is_valid() else ""
        return {"yes": True, "no": False}.get(value or "")
