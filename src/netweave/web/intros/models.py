"""Asynchronous participation: intros, partner forms, digests, reminders and group threads.

Media are stored through :func:`netweave.web.intros.storage.intro_storage` under random names
kept in plain ``CharField`` columns (not ``FileField``): nothing here ever builds a public URL
for them, and every read goes through a view that checks who is asking.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from netweave.web.events.models import Event, Registration
from netweave.web.matching.models import Group

DEFAULT_QUESTIONS = [
    "What would you like {name} to know about you?",
    "What could you two talk about or work on?",
]
DEFAULT_CONTACT_QUESTION = "How can {name} reach you? (only shared if you agree)"


def default_questions() -> list[str]:
    return list(DEFAULT_QUESTIONS)


class IntroSettings(models.Model):
    """An event's rules for async participation; events without a row use the defaults."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="intro_settings")
    max_video_seconds = models.PositiveIntegerField(
        "longest video (seconds)", default=180, help_text="Longer videos are refused."
    )
    max_video_mb = models.PositiveIntegerField(
        "largest video file (MB)",
        default=200,
        help_text="A phone records about 10-40 MB per minute.",
    )
    #: ``{name}`` is replaced by the async participant's name
    questions = models.JSONField(default=default_questions, blank=True)
    contact_question = models.CharField(
        max_length=300,
        blank=True,
        default=DEFAULT_CONTACT_QUESTION,
        help_text="Its answer is shared only when the partner agrees. Leave empty to skip it.",
    )
    digest_time = models.TimeField(
        "digest at (local time)",
        default=dt.time(9, 0),
        help_text="In each async participant's own time zone.",
    )
    digest_days_after = models.PositiveSmallIntegerField(
        "days after the event",
        default=1,
        help_text="1 = the morning after the event in the participant's own zone.",
    )
    answer_window_days = models.PositiveSmallIntegerField(
        "answer window (days)",
        default=3,
        help_text="Fully asynchronous events: how long everyone has to watch and answer.",
    )
    call_day_starts = models.TimeField(
        "calls: waking day starts",
        default=dt.time(8, 0),
        help_text="Partners who plan a call are offered hours inside everyone's waking day, "
        "in each person's own time zone.",
    )
    call_day_ends = models.TimeField("calls: waking day ends", default=dt.time(21, 0))
    call_days_ahead = models.PositiveSmallIntegerField(
        "calls: days ahead", default=5, help_text="How many days of hours to offer."
    )
    met_check_days = models.PositiveSmallIntegerField(
        '"did you meet?" after (days)',
        default=7,
        help_text="Days after the digest (or the window's end) that one email asks each person "
        "whom they followed up with. 0 = never ask.",
    )

    def __str__(self) -> str:
        return f"async settings of {self.event}"


class Intro(models.Model):
    """A participant's introduction: a video (file or link), a text, optional captions.

    One row per registration, created when the participant first saves something or when an
    organizer asks them for an intro.
    """

    class LinkKind(models.TextChoices):
        NONE = "", "No link"
        YOUTUBE = "youtube", "YouTube"
        VIMEO = "vimeo", "Vimeo"
        DRIVE = "drive", "Cloud drive"

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="intro"
    )
    text = models.TextField(blank=True)
    #: storage name of the uploaded or recorded video (random, never the uploaded name)
    video_name = models.CharField(max_length=200, blank=True)
    #: the type found in the file's first bytes: video/mp4, video/quicktime or video/webm
    video_type = models.CharField(max_length=40, blank=True)
    video_size = models.PositiveBigIntegerField(default=0)
    #: read from the container; None when the container does not say
    video_seconds = models.FloatField(null=True, blank=True)
    captions_name = models.CharField(max_length=200, blank=True)
    link_url = models.URLField(max_length=500, blank=True)
    link_kind = models.CharField(max_length=8, choices=LinkKind.choices, blank=True)
    #: the provider's privacy-friendly player address (YouTube, Vimeo); empty for drives
    embed_url = models.URLField(max_length=500, blank=True)
    #: an organizer asked this (possibly live) participant for an intro
    requested_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"intro of {self.registration}"

    @property
    def has_video(self) -> bool:
        return bool(self.video_name)

    @property
    def has_content(self) -> bool:
        return bool(self.video_name or self.link_url or self.text.strip())

    @property
    def kind(self) -> str:
        """``video``, ``link``, ``text`` or ``none``: what a partner gets to see."""
        if self.video_name:
            return "video"
        if self.link_url:
            return "link"
        return "text" if self.text.strip() else "none"


class Answers(models.Model):
    """What ``author`` wrote in the partner form for ``subject`` (whose digest shows it)."""

    subject = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="answers_received"
    )
    author = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="answers_written"
    )
    #: ``[{"question": ..., "answer": ...}]``: the questions as the author saw them
    answers = models.JSONField(default=list, blank=True)
    contact = models.CharField(max_length=300, blank=True)
    share_contact = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "author"], name="answers_unique_pair")
        ]

    def __str__(self) -> str:
        return f"answers of {self.author_id} for {self.subject_id}"

    @property
    def is_filled(self) -> bool:
        return any(str(a.get("answer", "")).strip() for a in self.answers) or bool(
            self.contact.strip()
        )


class Nudge(models.Model):
    """An organizer's reminder to ``author`` to fill in the form for ``subject``."""

    subject = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="nudges")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]


class Digest(models.Model):
    """The next-day digest of one participant. ``sent_at`` is set in the transaction that
    sent it, under a row lock: the one guard against sending it twice."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="digest"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"digest of {self.registration}"


class FollowUp(models.Model):
    """``owner`` ticked "followed up" for ``partner`` in their digest."""

    owner = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="follow_ups")
    partner = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "partner"], name="follow_up_unique_pair")
        ]


class Reminder(models.Model):
    """A reminder email of one kind to one registration, sent at most once."""

    class Kind(models.TextChoices):
        INTRO = "intro", "Record your intro"
        OPEN = "open", "Your matches are ready"
        CLOSING = "closing", "The answer window closes soon"
        MISSED = "missed", "No intro by the deadline: partners re-planned"
        MET = "met", "Did you meet?"

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="async_reminders"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: "did you meet?": when the person answered (a partner confirmed, or "none of them")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="reminder_unique_kind")
        ]


class Post(models.Model):
    """A post on a thread: a small group's (``group``) or an async pair's (``pair_low`` and
    ``pair_high``, the two registrations by primary key, so each pair has one thread).

    Its author may edit or delete it (deleting removes the row); an organizer may hide it
    (``hidden_at``), which keeps it for them and shows the thread "hidden by the organizers".
    """

    # the author first: the backup finds a post's community through its first relation
    author = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    pair_low = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pair_high = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            # a post is on exactly one thread: a group's, or one pair's (low pk first)
            models.CheckConstraint(
                condition=(
                    models.Q(group__isnull=False, pair_low__isnull=True, pair_high__isnull=True)
                    | models.Q(
                        group__isnull=True,
                        pair_low__isnull=False,
                        pair_high__isnull=False,
                        pair_low__lt=models.F("pair_high"),
                    )
                ),
                name="post_on_one_thread",
            )
        ]
        indexes = [models.Index(fields=["pair_low", "pair_high"], name="post_pair_thread")]

    def __str__(self) -> str:
        return f"post {self.pk} by {self.author_id}"


class PostReport(models.Model):
    """A participant's report of a post to the organizers (one per person and post)."""

    # the reporter first: the backup finds the community through the first relation
    reporter = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="post_report_unique")
        ]


class CallProposal(models.Model):
    """Up to three times for a call that one person of a thread (a pair's or a group's)
    proposed; another member picks one (``chosen``) and everyone gets a calendar invite.
    Proposing again replaces a proposal nobody picked from yet."""

    proposer = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pair_low = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pair_high = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: the proposed starts, ISO 8601 in UTC, in time order
    slots = models.JSONField(default=list)
    #: an https address for the call; empty means the event's video link, if it has one
    link = models.URLField(max_length=500, blank=True)
    chosen = models.DateTimeField(null=True, blank=True)
    chosen_by = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"call proposal {self.pk} by {self.proposer_id}"
