"""Threads: a small group's, and the one of two one-on-one partners of an async event.

Who may read and write a pair's thread: the two partners (met in the plan or in reality, by the
one rule of :mod:`netweave.web.intros.queries.meetings`), once one of them has answered the
other's partner form: the first answer opens the conversation. A group's thread is for the
members of the group in the published plan. Everything else is a 404 for the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from netweave.web.events.models import Event, Registration
from netweave.web.intros.models import Answers, Post, PostReport
from netweave.web.intros.queries.groups import group_of
from netweave.web.intros.queries.meetings import meetings_of_event
from netweave.web.matching.models import Group, GroupSeat

__all__ = [
    "PairThread",
    "Reported",
    "group_posts",
    "may_use_post",
    "open_pair_threads",
    "pair_key",
    "pair_posts",
    "pair_thread_open",
    "reported_posts",
    "thread_members",
]


def pair_key(a: Registration | int, b: Registration | int) -> tuple[int, int]:
    """The two primary keys, low first: how a pair's thread is stored."""
    x, y = (r if isinstance(r, int) else r.pk for r in (a, b))
    return (x, y) if x < y else (y, x)


@dataclass(frozen=True)
class PairThread:
    """One of a person's pair threads, for their pages."""

    partner: Registration
    posts: int


def _answered_between(viewer: Registration, partner_pks: list[int]) -> set[int]:
    rows = Answers.objects.filter(
        Q(author=viewer, subject_id__in=partner_pks) | Q(subject=viewer, author_id__in=partner_pks)
    )
    return {a.subject_id if a.author_id == viewer.pk else a.author_id for a in rows if a.is_filled}


def pair_thread_open(viewer: Registration, partner: Registration) -> bool:
    """Whether ``viewer`` and ``partner`` have a thread: partners, one of them answered."""
    if viewer.pk == partner.pk or viewer.event_id != partner.event_id:
        return False
    if partner.pk not in meetings_of_event(viewer.event).get(viewer.pk, []):
        return False
    return partner.pk in _answered_between(viewer, [partner.pk])


def open_pair_threads(viewer: Registration) -> list[PairThread]:
    """The viewer's open pair threads, in round order, with how many posts each holds."""
    ids = meetings_of_event(viewer.event).get(viewer.pk, [])
    open_ = _answered_between(viewer, ids)
    partners = Registration.objects.filter(pk__in=open_).select_related("member")
    by_pk = {p.pk: p for p in partners}
    counts: dict[tuple[int, int], int] = {}
    for low, high in Post.objects.filter(
        Q(pair_low=viewer, pair_high_id__in=open_) | Q(pair_high=viewer, pair_low_id__in=open_)
    ).values_list("pair_low_id", "pair_high_id"):
        counts[(low, high)] = counts.get((low, high), 0) + 1
    return [
        PairThread(by_pk[pk], counts.get(pair_key(viewer.pk, pk), 0)) for pk in ids if pk in by_pk
    ]


def pair_posts(a: Registration, b: Registration) -> QuerySet[Post]:
    low, high = pair_key(a, b)
    return Post.objects.filter(pair_low_id=low, pair_high_id=high).select_related("author__member")


def group_posts(group: Group) -> QuerySet[Post]:
    return Post.objects.filter(group=group).select_related("author__member")


def thread_members(post: Post) -> list[int]:
    """Registration pks of whoever reads ``post``'s thread."""
    if post.group_id is not None:
        return list(
            GroupSeat.objects.filter(group_id=post.group_id).values_list(
                "registration_id", flat=True
            )
        )
    return [post.pair_low_id, post.pair_high_id]


def may_use_post(viewer: Registration, post: Post) -> bool:
    """Whether ``viewer`` reads ``post``'s thread (so may see and report it)."""
    if post.group_id is not None:
        group = group_of(viewer)
        return group is not None and group.pk == post.group_id
    if viewer.pk not in (post.pair_low_id, post.pair_high_id):
        return False
    other = post.pair_high if viewer.pk == post.pair_low_id else post.pair_low
    return pair_thread_open(viewer, other)


@dataclass(frozen=True)
class Reported:
    """A reported post, for the organizers."""

    post: Post
    reports: tuple[PostReport, ...]


def reported_posts(event: Event) -> list[Reported]:
    """Every reported post of ``event``, the most recently reported first (two queries)."""
    reports = (
        PostReport.objects.filter(post__author__event=event)
        .select_related("post__author__member", "reporter__member", "post__group")
        .order_by("-created", "-pk")
    )
    by_post: dict[int, list[PostReport]] = {}
    posts: dict[int, Post] = {}
    for report in reports:
        by_post.setdefault(report.post_id, []).append(report)
        posts[report.post_id] = report.post
    return [Reported(posts[pk], tuple(rs)) for pk, rs in by_post.items()]
