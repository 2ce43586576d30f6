"""Writing on threads: posting to a small group's or a pair's thread, editing and deleting
one's own posts, reporting a post, and the organizers hiding one.

A post is plain text of at most :data:`MESSAGE_MAX` characters (templates escape it when they
show it). Who may write where is :mod:`netweave.web.intros.queries.threads`' rule.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.models import Post, PostReport
from netweave.web.intros.queries.groups import group_of
from netweave.web.intros.queries.threads import may_use_post, pair_key, pair_thread_open

__all__ = [
    "MESSAGE_MAX",
    "REASON_MAX",
    "delete_post",
    "edit_post",
    "hide_post",
    "post_group_message",
    "post_to_pair",
    "report_post",
]

#: a post's longest text: a few paragraphs, not a document
MESSAGE_MAX = 2000
REASON_MAX = 300


def _clean(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("Write a message first.")
    if len(text) > MESSAGE_MAX:
        raise ValueError(f"Messages are at most {MESSAGE_MAX} characters.")
    return text


def post_group_message(registration: Registration, text: str) -> Post:
    """Post ``text`` to the thread of ``registration``'s small group."""
    text = _clean(text)
    group = group_of(registration)
    if group is None:
        raise NotPartnerError(registration.pk)
    with transaction.atomic():
        return Post.objects.create(group=group, author=registration, text=text)


def post_to_pair(author: Registration, partner: Registration, text: str) -> Post:
    """Post ``text`` to the thread of ``author`` and ``partner`` (open after a first answer)."""
    text = _clean(text)
    if not pair_thread_open(author, partner):
        raise NotPartnerError(author.pk)
    low, high = pair_key(author, partner)
    with transaction.atomic():
        return Post.objects.create(pair_low_id=low, pair_high_id=high, author=author, text=text)


def _own(author: Registration, post: Post) -> Post:
    if post.author_id != author.pk:
        raise NotPartnerError(author.pk)
    return post


def edit_post(author: Registration, post: Post, text: str) -> Post:
    """Replace the text of ``author``'s own ``post`` (marked edited)."""
    text = _clean(text)
    _own(author, post)
    with transaction.atomic():
        post.text, post.edited_at = text, timezone.now()
        post.save(update_fields=["text", "edited_at"])
    return post


def delete_post(author: Registration, post: Post) -> None:
    """Delete ``author``'s own ``post`` for good (its reports go with it)."""
    _own(author, post)
    with transaction.atomic():
        post.delete()


def report_post(reporter: Registration, post: Post, reason: str = "") -> PostReport:
    """``reporter`` (a reader of the thread) reports ``post`` to the organizers; reporting
    again updates the reason."""
    if not may_use_post(reporter, post) or post.author_id == reporter.pk:
        raise NotPartnerError(reporter.pk)
    with transaction.atomic():
        report, _ = PostReport.objects.update_or_create(
            post=post, reporter=reporter, defaults={"reason": reason.strip()[:REASON_MAX]}
        )
    return report


def hide_post(event: Event, post: Post, hidden: bool = True) -> Post:
    """An organizer of ``event`` hides ``post`` from its thread (or shows it again)."""
    if post.author.event_id != event.pk:
        raise NotPartnerError(post.author_id)
    with transaction.atomic():
        post.hidden_at = timezone.now() if hidden else None
        post.save(update_fields=["hidden_at"])
    return post
