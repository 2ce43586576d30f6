"""A participant's own timeline: what they have to do by when, and when their digest comes.

The one owner of what a person is *told* about their deadlines: their page and the "Your
matches are ready" email both read :func:`timeline_for`. Each form closes when its
*subject's* window closes (:func:`~netweave.web.intros.queries.deadlines.form_closes_at`), not
the writer's, so a person with partners in other zones has several closing times: the
timeline lists each, the earliest first, so nobody is told a time after a form has closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from netweave.web.events.models import Registration
from netweave.web.events.timeline import intro_deadline
from netweave.web.intros.queries.deadlines import digest_due_at, form_closes_at, format_moment
from netweave.web.intros.queries.intros import intro_of
from netweave.web.intros.queries.participants import is_async_participant
from netweave.web.intros.queries.partners import Match, matches_of

__all__ = ["Step", "timeline_for"]


@dataclass(frozen=True)
class Step:
    """One moment of a person's timeline."""

    at: dt.datetime
    #: "intro", "form" (one per partner owed a form) or "digest"
    kind: str
    #: what happens then, as the page and the email write it
    text: str
    #: the step is already done (an intro recorded, a form answered): still shown, ticked
    done: bool = False
    partner: Registration | None = None

    def line(self, tz: str) -> str:
        """The step as one line of an email: "Friday 4 December, 17:00 (tz): text"."""
        return f"{format_moment(self.at, tz)}: {self.text}{' (done)' if self.done else ''}"


def timeline_for(
    registration: Registration,
    now: dt.datetime | None = None,
    matches: list[Match] | None = None,
) -> list[Step]:
    """``registration``'s steps still to come at ``now``, in time order (past ones drop off).

    The intro due (async participants), each partner's form closing (earliest first) and
    their own digest. ``matches`` spares a second read when the caller has them.
    """
    now = now or timezone.now()
    event = registration.event
    steps: list[Step] = []
    is_async = is_async_participant(registration)
    if is_async:
        intro = intro_of(registration)
        done = intro is not None and intro.has_content
        steps.append(Step(intro_deadline(event), "intro", "your intro is due", done))
    matches = matches_of(registration) if matches is None else matches
    for m in matches:
        if m.owes_form:
            name = m.partner.member.name
            text = f"your answers for {name} close ({name} reads them then)"
            steps.append(Step(form_closes_at(m.partner), "form", text, m.answered, m.partner))
    if is_async and matches:
        text = "your digest arrives: what your matches wrote for you"
        steps.append(Step(digest_due_at(registration), "digest", text))
    return sorted((s for s in steps if s.at > now), key=lambda s: (s.at, s.kind != "intro"))
