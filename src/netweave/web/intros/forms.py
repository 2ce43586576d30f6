"""Forms of async participation: the intro, the partner form, the organizers' settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator

from netweave.web.common.validators import PlainTextMixin
from netweave.web.events.partners import CONSENT_SENTENCE
from netweave.web.intros.domain.answers import ANSWER_MAX
from netweave.web.intros.domain.intros import TEXT_MAX
from netweave.web.intros.domain.threads import MESSAGE_MAX, REASON_MAX
from netweave.web.intros.media import CAPTIONS_MAX_BYTES
from netweave.web.intros.models import IntroSettings
from netweave.web.intros.queries.partners import PartnerCard


class IntroForm(PlainTextMixin, forms.Form):
    """Everything of an intro but the video file (which has its own streaming upload)."""

    text = forms.CharField(
        label="Written intro",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A few lines about you and what you hope to find. Partners read it next to "
        "your video, or instead of one.",
    )
    link = forms.CharField(
        label="Or a link to a video hosted elsewhere",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://youtu.be/…", "inputmode": "url"}),
        help_text="YouTube and Vimeo videos play on the page; Google Drive, Dropbox, OneDrive, "
        "Box and iCloud links are shown as links (share them with “anyone with the link”).",
    )
    captions = forms.FileField(
        label="Captions for your uploaded video (optional, WebVTT .vtt)",
        required=False,
        help_text=f"Up to {CAPTIONS_MAX_BYTES // 1024} KB. Captions help partners who are deaf, "
        "hard of hearing, or in a noisy place.",
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,text/vtt"}),
    )
    remove_captions = forms.BooleanField(label="Remove the captions", required=False)

    def clean_captions(self) -> bytes | None:
        upload = self.cleaned_data.get("captions")
        if not upload:
            return None
        if upload.size > CAPTIONS_MAX_BYTES:
            raise forms.ValidationError(
                f"The captions file is larger than {CAPTIONS_MAX_BYTES // 1024} KB."
            )
        return upload.read()


class AnswersForm(PlainTextMixin, forms.Form):
    """The partner form: one field per question, then the contact answer and its consent."""

    def __init__(self, *args: Any, card: PartnerCard, **kwargs: Any) -> None:
        initial = {f"q{q.index}": q.answer for q in card.questions}
        initial.update(contact=card.contact, share_contact=card.share_contact)
        super().__init__(*args, initial=initial, **kwargs)
        for q in card.questions:
            self.fields[f"q{q.index}"] = forms.CharField(
                label=q.question,
                required=False,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if card.contact_question:
            self.fields["contact"] = forms.CharField(
                label=card.contact_question, required=False, max_length=300
            )
            self.fields["share_contact"] = forms.BooleanField(
                label=f"Share this and my email with {card.partner.member.name}",
                help_text=CONSENT_SENTENCE,
                required=False,
            )
        self.card = card

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"q{q.index}", "") for q in self.card.questions]


class IntroSettingsForm(PlainTextMixin, forms.ModelForm):
    questions_text = forms.CharField(
        label="Questions of the partner form, one per line",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="{name} stands for the async participant's name.",
    )

    class Meta:
        model = IntroSettings
        fields = [
            "max_video_seconds",
            "max_video_mb",
            "contact_question",
            "digest_time",
            "digest_days_after",
            "answer_window_days",
            "call_day_starts",
            "call_day_ends",
            "call_days_ahead",
            "met_check_days",
        ]
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            for name in ("digest_time", "call_day_starts", "call_day_ends")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questions_text"].initial = "\n".join(self.instance.questions)
        bounds = {
            "max_video_seconds": (10, 1800),
            # the server reads no bigger body at all (netweave serve, NETWEAVE_MAX_UPLOAD_MB)
            "max_video_mb": (1, settings.NETWEAVE_MAX_UPLOAD_MB),
            "digest_days_after": (0, 14),
            "answer_window_days": (1, 21),
            "call_days_ahead": (1, 14),
            "met_check_days": (0, 60),
        }
        for name, (low, high) in bounds.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("call_day_starts"), data.get("call_day_ends")
        if starts and ends and not starts < ends:
            self.add_error(
                "call_day_ends", "The waking day must end after it starts (for example 21:00)."
            )
        return data

    def clean_questions_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions_text"].splitlines()]
        questions = [line[:300] for line in lines if line]
        if not questions:
            raise forms.ValidationError("Ask at least one question.")
        return questions[:10]

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return {**values, "questions": self.cleaned_data["questions_text"]}


class MessageForm(PlainTextMixin, forms.Form):
    text = forms.CharField(
        label="Write to your group",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PostForm(PlainTextMixin, forms.Form):
    """A post on a pair's thread, or an edit of one's own post."""

    text = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label="What is wrong (optional)", required=False, max_length=REASON_MAX
    )
