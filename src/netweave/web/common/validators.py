"""What the web forms refuse in text, by the core's rules (:mod:`netweave.core.cells`).

- :func:`validate_email_address`: an email that starts like a spreadsheet formula
  (``=cmd|'/ccalc'!a0@attacker.test`` passes Django's own check) would run in every export.
- :class:`PlainTextMixin`: every text field of a form refuses control characters, and a
  one-line field also line breaks and tabs, with the message on the field. Django already
  refuses NUL; the rest (escape, bell, the C1 block ...) only a broken paste or an attack
  sends, and it would reach emails, exports and PostgreSQL.

The table import applies the same rules in the core reader, so a form and a spreadsheet
can never disagree.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from netweave.core.cells import control_character, formula_problem

__all__ = ["PlainText", "PlainTextMixin", "validate_email_address"]


def validate_email_address(value: str) -> None:
    """Refuse an email that a spreadsheet would run as a formula."""
    if problem := formula_problem(value or ""):
        raise ValidationError(
            f"This email cannot be used: {problem}. Type the address you receive mail at.",
            code="formula",
        )


@deconstructible
class PlainText:
    """Refuse text holding a control character (or, on one line, a line break or a tab)."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        # a tag field's value is already a list of tags
        for text in value if isinstance(value, list | tuple) else (value,):
            if not isinstance(text, str):
                continue
            if what := control_character(text, multiline=self.multiline):
                raise ValidationError(
                    f"This holds {what}, which has no place here: delete it (it often comes "
                    "with text copied out of another program).",
                    code="control-character",
                )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainText) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)


class PlainTextMixin:
    """The first base of a form whose text fields take plain text only.

    Every :class:`~django.forms.CharField` (email and tag fields included) gets a
    :class:`PlainText` validator when the form is cleaned, so fields a form adds in its own
    ``__init__`` are covered too; a :class:`~django.forms.Textarea` keeps its line breaks.
    """

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not any(
                isinstance(v, PlainText) for v in field.validators
            ):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(PlainText(multiline=multiline))
        super().full_clean()  # type: ignore[misc]
