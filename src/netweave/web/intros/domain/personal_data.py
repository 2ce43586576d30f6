"""The intros app's part of a person's data (:mod:`netweave.web.common.personal_data`): their
intro, the answers they wrote about partners and their posts on group and pair threads.

The rows go with the registration by the database's cascade; the intro's video and captions
files do not, and are deleted from storage once the erasure or the purge has committed (a
rolled-back deletion must not have lost them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from netweave.web.common.personal_data import PersonalData, iso
from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.intros.models import Answers, CallProposal, Intro, Post
from netweave.web.intros.storage import intro_storage

__all__ = ["INTROS_DATA", "counts", "erase", "purge", "registration"]


def _intro(registration: Registration) -> dict[str, Any] | None:
    intro = Intro.objects.filter(registration=registration).first()
    if intro is None:
        return None
    return {
        "text": intro.text,
        "video_file": intro.video_name,
        "video_type": intro.video_type,
        "video_bytes": intro.video_size,
        "video_seconds": intro.video_seconds,
        "captions_file": intro.captions_name,
        "link": intro.link_url,
        "requested_by_organizers_at": iso(intro.requested_at),
        "updated": iso(intro.updated),
    }


def _answers_written(registration: Registration) -> list[dict[str, Any]]:
    # what the person wrote; answers others wrote about them are the authors' data
    written = Answers.objects.filter(author=registration).select_related("subject__member")
    return [
        {
            "about": a.subject.member.name,
            "answers": a.answers,
            "contact": a.contact,
            "share_contact": a.share_contact,
            "updated": iso(a.updated),
        }
        for a in written
    ]


def registration(registration: Registration) -> dict[str, Any]:
    """The person's intro, the answers they wrote and their posts on threads."""
    return {
        "intro": _intro(registration),
        "answers_written": _answers_written(registration),
        "posts_written": [
            {
                "thread": "group" if m.group_id else "pair",
                "text": m.text,
                "created": iso(m.created),
                "edited": iso(m.edited_at),
            }
            for m in Post.objects.filter(author=registration)
        ],
        "calls_proposed": [
            {"times": c.slots, "link": c.link, "picked": iso(c.chosen), "created": iso(c.created)}
            for c in CallProposal.objects.filter(proposer=registration)
        ],
    }


def _delete_media_after_commit(registrations: Sequence[Registration]) -> None:
    intros = Intro.objects.filter(registration__in=list(registrations))
    names = [n for i in intros for n in (i.video_name, i.captions_name) if n]
    if not names:
        return

    def delete() -> None:
        storage = intro_storage()
        for name in names:
            storage.delete(name)

    # after commit: a rolled-back erasure or purge must not have lost the files
    transaction.on_commit(delete)


def erase(member: Member, registrations: Sequence[Registration]) -> None:
    """Delete the erased member's intro files once the erasure committed."""
    _delete_media_after_commit(registrations)


def purge(event: Event, registrations: Sequence[Registration]) -> None:
    """Delete the intro files of an expired event's registrations once the purge committed."""
    _delete_media_after_commit(registrations)


def counts(event: Event) -> dict[str, int]:
    """The intros and partner answers an expired event had."""
    return {
        "intros": Intro.objects.filter(registration__event=event).count(),
        "answers": Answers.objects.filter(subject__event=event).count(),
    }


INTROS_DATA = PersonalData(
    "intros", registration=registration, erase=erase, purge=purge, counts=counts
)
