"""Forms of the curation board. Each validates input only; the domain verbs decide the rest."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from netweave.web.events.models import Event, Registration

__all__ = ["ForbidForm", "PinForm", "PublishForm", "SwapForm", "person_choices"]

Choices = Sequence[tuple[int, str]]


def person_choices(event: Event) -> list[tuple[int, str]]:
    """Everyone registered, as select options "Name (email)" by name: one query, shared by
    every select on the page."""
    rows = (
        Registration.objects.filter(event=event)
        .order_by("member__name", "member__email")
        .values_list("pk", "member__name", "member__email")
    )
    return [(pk, f"{name} ({email})") for pk, name, email in rows]


@functools.lru_cache(maxsize=8)
def _options_html(choices: tuple[tuple[int | str, str], ...]) -> str:
    # Escaped once and shared: the four people selects of a board have the same options.
    return format_html_join("", '<option value="{}">{}</option>', choices)


class PeopleSelect(forms.Select):
    """A select of registrations rendered in Python, not with a template per option: a board
    for 1,000 people has four such selects, and per-option templates took seconds."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        options = _options_html(tuple((key, str(label)) for key, label in self.choices))
        if value not in (None, ""):
            # values are registration pks (digits only), so this finds exactly one option
            wanted = f'<option value="{escape(value)}">'
            options = options.replace(wanted, wanted[:-1] + " selected>", 1)
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # safe: every label and value was escaped by format_html_join; we only added " selected"
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))


class _TwoPeopleForm(forms.Form):
    """Two different registrations of ``event``; cleaned to Registration objects."""

    a = forms.TypedChoiceField(coerce=int, label="Person", widget=PeopleSelect)
    b = forms.TypedChoiceField(coerce=int, label="and", widget=PeopleSelect)

    def __init__(self, *args: Any, event: Event, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        blank = [("", "— choose somebody —")]
        self.fields["a"].choices = blank + list(people)
        self.fields["b"].choices = blank + list(people)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        a, b = data.get("a"), data.get("b")
        if a is not None and a == b:
            raise forms.ValidationError("Choose two different people.")
        if a is not None and b is not None:
            regs = Registration.objects.filter(event=self.event, pk__in=[a, b]).select_related(
                "member"
            )
            by_pk = {r.pk: r for r in regs}
            data["a"], data["b"] = by_pk[a], by_pk[b]
        return data


class SwapForm(_TwoPeopleForm):
    round = forms.TypedChoiceField(coerce=int, label="In round")

    field_order = ["round", "a", "b"]

    def __init__(self, *args: Any, rounds: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(n, f"Round {n}") for n in rounds]
        self.fields["a"].label = "Swap"
        self.fields["b"].label = "with"


class ForbidForm(_TwoPeopleForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["a"].label = "Never pair"
        self.fields["b"].label = "with"


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked this plan: publish it, so that every participant sees whom "
        "they meet and why.",
        error_messages={"required": "Tick the box to confirm that you want to publish."},
    )


class PinForm(forms.Form):
    pinned = forms.BooleanField(required=False)
