"""Forms for the member directory: search, edit, and the import upload."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from netweave.core.columns import TARGET_LABELS, TARGETS, ColumnMapping
from netweave.core.modes import read_mode
from netweave.core.reading import ColumnGuess, ColumnReading, ModeAnswer
from netweave.web.common.validators import PlainTextMixin, validate_email_address
from netweave.web.community.domain import IMPORT_SUFFIXES
from netweave.web.community.models import Community, Member

__all__ = [
    "ColumnMappingForm",
    "ImportForm",
    "MemberForm",
    "MemberSearchForm",
    "TimezoneField",
    "split_tags",
    "timezone_choices",
]

_SPLIT = re.compile(r"[;,\n]+")


def split_tags(text: str) -> list[str]:
    """``"Mentoring; open science,, "`` -> ``["mentoring", "open science"]`` (order kept)."""
    tags = (" ".join(part.lower().split()) for part in _SPLIT.split(text))
    return list(dict.fromkeys(t for t in tags if t))


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """IANA zones people actually pick (``Area/City`` and UTC), sorted."""
    zones = sorted(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones)]


class TimezoneField(forms.ChoiceField):
    """A select of the common zones that accepts any IANA zone, so a value imported from a
    table (``Etc/GMT-10`` for "UTC+10") survives an edit that does not touch it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=timezone_choices, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return value in _all_zones()

    def offer(self, value: str | None) -> None:
        """Add ``value`` to the choices if it is a zone the list leaves out."""
        if value and value in _all_zones() and value not in dict(self.choices):
            self.choices = [(value, value), *self.choices]


@cache
def _all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TagListField(forms.CharField):
    """A list of short labels typed as ``a; b; c`` (commas work too)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "; ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        return split_tags(super().to_python(value) or "")


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, email, community or interest"}
        ),
    )
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, *args: Any, tags: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "All members"), *((t, t) for t in tags)]


class MemberForm(PlainTextMixin, forms.ModelForm):
    interests = TagListField(
        required=False, help_text="Topics separated by semicolons, e.g. onboarding; mentoring."
    )
    offers = TagListField(
        label="Can help with",
        required=False,
        help_text="Topics separated by semicolons, e.g. grant writing; running a meetup. "
        "People looking for help with one of them are matched with this member.",
    )
    seeks = TagListField(
        label="Looking for help with",
        required=False,
        help_text="Topics separated by semicolons, e.g. finding funders. This member meets "
        "someone who offers one of them when the plan allows.",
    )
    tags = TagListField(
        label="Organizer tags",
        required=False,
        help_text="Only organizers see these. Separate with semicolons, e.g. speaker; sponsor.",
    )
    timezone = TimezoneField()

    class Meta:
        model = Member
        fields = [
            "name",
            "email",
            "pronouns",
            "organization",
            "manages",
            "community_kind",
            "location",
            "timezone",
            "interests",
            "offers",
            "seeks",
            "about",
            "listed",
            "notes",
            "tags",
        ]
        labels = {
            "listed": "Listed (name and community) for the other participants of the events "
            "they register for",
            "notes": "Organizer notes",
        }
        help_texts = {"notes": "Only organizers see these notes; participants never do."}

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["timezone"].offer(self.instance.timezone)
        self.fields["email"].validators.append(validate_email_address)

    def clean_email(self) -> str:
        # the unique (community, email) constraint is not checked by the ModelForm because
        # the community is not a form field, so say it here, next to the field
        email = self.cleaned_data["email"].strip().lower()
        taken = self.community.members.filter(email=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another member of this community has this email.")
        return email


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Registration table",
        help_text="A .csv or .xlsx file with at least an email and a name column, "
        "for example a Google Forms or Excel export.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_SUFFIXES)}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.NETWEAVE_IMPORT_MAX_BYTES)
        self.fields["file"].help_text += f" Up to {limit}."

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.NETWEAVE_IMPORT_MAX_BYTES
        # the size Django measured while receiving: checked before anything reads the content
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; the limit is "
                f"{filesizeformat(limit)}. Remove columns you do not need, or split the table."
            )
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                "netweave reads .csv and .xlsx files: in your spreadsheet, choose "
                "File > Download (or Save as) > CSV or Excel workbook."
            )
        return upload


class MemberChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of members that refuses ids a database integer cannot hold: SQLite
    raises OverflowError (a server error) on them instead of finding nothing."""

    def _check_values(self, value):
        for pk in value:
            # ASCII digits only: "¹".isdigit() is true, but int("¹") raises
            if not re.fullmatch(r"[0-9]{1,19}", str(pk)) or int(str(pk)) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


_MODE_CHOICES = [("live", "live (at the event time)"), ("async", "async (in their own time)")]


class ColumnMappingForm(forms.Form):
    """How to read an uploaded file: a select per named column (what it is read as) and
    one per distinct mode answer (live or async), starting from the core's reading.

    The fields are built from the stored file's reading, never from what the browser sends:
    a posted column or answer the file does not have is simply not a field.
    """

    def __init__(
        self,
        *args: Any,
        reading: ColumnReading,
        chosen: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reading = reading
        targets = [(t, TARGET_LABELS[t]) for t in TARGETS]
        for column in self.named_columns():
            self.fields[f"column_{column.index}"] = forms.ChoiceField(
                label=f"Read “{column.header}” as",
                choices=targets,
                initial=(chosen or {}).get(column.index, column.target),
            )
        for number, answer in self.mode_answers():
            self.fields[f"mode_{number}"] = forms.ChoiceField(
                label=f"Read the answer “{answer.answer}” as",
                choices=_MODE_CHOICES,
                initial=answer.mode,
            )

    def named_columns(self) -> list[ColumnGuess]:
        # a mapping is keyed by header: a column without one keeps its guess
        return [c for c in self.reading.columns if c.header]

    def mode_answers(self) -> list[tuple[int, ModeAnswer]]:
        return [(n, m) for n, m in enumerate(self.reading.modes) if m.answer]

    def column_rows(self) -> list[tuple[ColumnGuess, Any]]:
        """Each column with its select (``None`` for a column without a header)."""
        return [(c, self[f"column_{c.index}"] if c.header else None) for c in self.reading.columns]

    def mode_rows(self) -> list[tuple[ModeAnswer, Any]]:
        return [(m, self[f"mode_{n}"]) for n, m in self.mode_answers()]

    def chosen(self) -> dict[int, str]:
        """Column index -> the target picked for it."""
        return {c.index: self.cleaned_data[f"column_{c.index}"] for c in self.named_columns()}

    def mapping(self) -> ColumnMapping:
        """The organizer's reading: every named column's target, and the mode answers read
        otherwise than the core reads them on its own (an unclear answer left as guessed
        stays a warning in the preview)."""
        columns = {c.header: self.cleaned_data[f"column_{c.index}"] for c in self.named_columns()}
        modes = {}
        for number, answer in self.mode_answers():
            picked = self.cleaned_data[f"mode_{number}"]
            own = read_mode(answer.answer)
            if picked != own.mode:
                modes[answer.answer] = picked
        return ColumnMapping(columns, modes)
