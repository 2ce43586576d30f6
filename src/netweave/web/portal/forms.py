"""Participant forms: validate what people type and hand a RegistrationData to the domain."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections import defaultdict
from typing import Any

from django import forms

from netweave.web.common.validators import PlainTextMixin, validate_email_address
from netweave.web.community.forms import MemberChoiceField
from netweave.web.community.models import Member
from netweave.web.events import answers, registering, timeline
from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import CONSENT_SENTENCE

__all__ = ["LinkForm", "ProfileForm", "RegistrationForm", "zone_choices"]

#: IANA areas people live in; the rest (Etc/, US/, SystemV/ aliases) only adds noise
_AREAS = {
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}


@functools.cache
def zone_choices() -> tuple[tuple[str, Any], ...]:
    """IANA zones grouped by area, UTC first: the fallback when the browser cannot tell."""
    areas: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(zoneinfo.available_timezones()):
        area, _, place = name.partition("/")
        if area in _AREAS and place:
            areas[area].append((name, place.replace("_", " ")))
    return (("UTC", "UTC"), *((area, tuple(areas[area])) for area in sorted(areas)))


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset({"UTC"} | {name for _, group in zone_choices()[1:] for name, _ in group})


class RegistrantChoiceField(MemberChoiceField):
    """A registrant as the others find them: by name and the community they manage."""

    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name} ({obj.manages})" if obj.manages else obj.name


class ProfileForm(PlainTextMixin, forms.Form):
    """Everything a participant may change about themselves (not their email: the identity)."""

    name = forms.CharField(label="Your name", max_length=200)
    pronouns = forms.CharField(
        label="Pronouns", max_length=40, required=False, help_text="Optional, e.g. she/her."
    )
    organization = forms.CharField(label="Organization", max_length=200, required=False)
    manages = forms.CharField(
        label="The community you manage",
        max_length=200,
        required=False,
        help_text="E.g. “an open science nonprofit” or “a PhD student network”.",
    )
    community_kind = forms.CharField(
        label="What kind of community is it?",
        max_length=100,
        required=False,
        help_text="Optional, e.g. open source, research lab, company, nonprofit.",
    )
    location = forms.CharField(
        label="Where you are", max_length=200, required=False, help_text="City and country."
    )
    timezone = forms.ChoiceField(label="Your time zone", initial="UTC")
    interests = forms.CharField(
        label="Topics you care about",
        max_length=1000,
        required=False,
        help_text="Separate topics with commas, e.g. onboarding, mentoring.",
    )
    offers = forms.CharField(
        label="What can you help others with?",
        max_length=1000,
        required=False,
        help_text="Topics separated by semicolons, e.g. grant writing; running a meetup. "
        "People looking for help with one of them are matched with you.",
    )
    seeks = forms.CharField(
        label="What are you looking for help with?",
        max_length=1000,
        required=False,
        help_text="Topics separated by semicolons, e.g. finding funders; volunteer burnout. "
        "You meet someone who offers one of them when the plan allows.",
    )
    about = forms.CharField(
        label="About you",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences for the people you meet.",
    )
    looking_for = forms.CharField(
        label="Who would you most like to meet?",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The kind of person, experience or problem: we match on it.",
    )
    requests = RegistrantChoiceField(
        label="People you'd like to meet",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "registrants"}),
        help_text="People registered for this event who agreed to be listed. Tick as many "
        "as you like; type a name or community in the search box to find someone.",
    )
    avoid_text = forms.CharField(
        label="Anyone you'd rather not meet?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Private: only the organizers see this. Names or emails.",
    )
    mode = forms.ChoiceField(
        label="How will you take part?",
        choices=[
            (Registration.Mode.LIVE, "Live, at the event time"),
            (
                Registration.Mode.ASYNC,
                "Asynchronously: record a short intro, read your partners' answers later",
            ),
        ],
        initial=Registration.Mode.LIVE,
        widget=forms.RadioSelect,
    )
    available = forms.TypedMultipleChoiceField(
        label="Which rounds can you attend?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick the rounds you will miss (joining late, leaving early): you are "
        "only matched in the rounds you tick. Ticking all or none means every round.",
    )
    consent_share_email = forms.BooleanField(
        label="Share my email with the people I meet",
        help_text=CONSENT_SENTENCE,
        required=False,
    )
    listed = forms.BooleanField(
        label="List my name and community for the other participants, so they can ask to meet me",
        help_text="Off unless you tick it. It applies to the events you register for; you "
        "can change it on your page at any time.",
        required=False,
    )

    def __init__(
        self, *args: Any, event: Event, member: Member | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.event = event
        listed = registering.listed_registrants(event)
        # nobody asks to meet themselves
        self.fields["requests"].queryset = listed.exclude(pk=member.pk) if member else listed
        self.fields["timezone"].choices = self._zone_choices()
        self.fields["interests"].widget.attrs["list"] = "interest-suggestions"
        self.fields["interests"].widget.attrs["autocomplete"] = "off"
        self.fields["available"].choices = [(n, f"Round {n}") for n in range(1, event.rounds + 1)]
        if event.rounds < 2 or event.fully_async:
            # one round, or no live rounds at all: nothing to choose
            del self.fields["available"]
        if event.fully_async:
            # nothing to choose: everyone takes part asynchronously
            del self.fields["mode"]

    def _zone_choices(self) -> list[tuple[str, Any]]:
        choices = list(zone_choices())
        # a zone from an imported spreadsheet may be an alias we do not list: keep it
        current = str(self.initial.get("timezone") or "")
        if current and current not in _known_zones():
            choices.append(("Other", ((current, current),)))
        return choices

    def selected_zone(self) -> str:
        """The zone to show times in: what was picked, else what we knew, else UTC."""
        value = self.data.get(self.add_prefix("timezone")) if self.is_bound else None
        value = value or self.initial.get("timezone") or "UTC"
        allowed = _known_zones() | {self.initial.get("timezone")}
        return value if value in allowed else "UTC"

    @property
    def ends_at(self) -> dt.datetime:
        """When the event is over: a fully async event's last answer window closing."""
        return timeline.event_ends_at(self.event)

    def selected_mode(self) -> str:
        if self.event.fully_async:
            return Registration.Mode.ASYNC
        value = self.data.get(self.add_prefix("mode")) if self.is_bound else None
        return value or self.initial.get("mode") or Registration.Mode.LIVE

    def night_notice(self) -> str:
        return timeline.night_notice(self.event, self.selected_zone(), self.selected_mode())

    def clean_interests(self) -> tuple[str, ...]:
        return registering.parse_tags(self.cleaned_data["interests"])

    def clean_offers(self) -> tuple[str, ...]:
        return registering.parse_tags(self.cleaned_data["offers"])

    def clean_seeks(self) -> tuple[str, ...]:
        return registering.parse_tags(self.cleaned_data["seeks"])

    def clean_available(self) -> tuple[int, ...]:
        rounds = tuple(sorted(set(self.cleaned_data["available"])))
        # every round ticked says the same as none: store "all", so a later change of the
        # number of rounds does not leave them out of the new ones
        return () if len(rounds) >= self.event.rounds else rounds

    def registration_data(self, email: str) -> answers.RegistrationData:
        """The validated answers for ``email`` (typed on the public form, known when editing)."""
        d = self.cleaned_data
        return answers.RegistrationData(
            name=d["name"].strip(),
            email=email,
            pronouns=d["pronouns"].strip(),
            organization=d["organization"].strip(),
            manages=d["manages"].strip(),
            community_kind=" ".join(d["community_kind"].split()),
            location=d["location"].strip(),
            timezone=d["timezone"],
            interests=d["interests"],
            offers=d["offers"],
            seeks=d["seeks"],
            about=d["about"].strip(),
            looking_for=d["looking_for"].strip(),
            requests=tuple(m.pk for m in d["requests"]),
            avoid_text=d["avoid_text"].strip(),
            mode=d.get("mode", Registration.Mode.ASYNC),
            available=d.get("available", ()),
            consent_share_email=d["consent_share_email"],
            listed=d["listed"],
        )

    @classmethod
    def initial_for(cls, registration: Registration) -> dict[str, Any]:
        """The edit form's starting values: what the participant told us last time."""
        member = registration.member
        return {
            "name": member.name,
            "pronouns": member.pronouns,
            "organization": member.organization,
            "manages": member.manages,
            "community_kind": member.community_kind,
            "location": member.location,
            "timezone": member.timezone,
            "interests": ", ".join(member.interests or ()),
            "offers": "; ".join(member.offers or ()),
            "seeks": "; ".join(member.seeks or ()),
            "about": member.about,
            "looking_for": registration.looking_for,
            "requests": list(registration.requests.values_list("pk", flat=True)),
            "avoid_text": registration.avoid_text,
            "mode": registration.mode,
            # none stored means every round: show them all ticked
            "available": list(registration.available or ())
            or list(range(1, registration.event.rounds + 1)),
            "consent_share_email": registration.consent_share_email,
            "listed": member.listed,
        }


class RegistrationForm(ProfileForm):
    """The public form: a profile plus the email that identifies the person."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        validators=[validate_email_address],
        help_text="Your personal link goes here. Others see it only if you agree below.",
    )
    field_order = ["name", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # the browser may fill in its own zone, but never over a choice already made
            self.fields["timezone"].widget.attrs["data-detect"] = "1"


class LinkForm(forms.Form):
    email = forms.EmailField(label="Your email", max_length=254)
