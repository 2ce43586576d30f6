"""This app's news for the daily email (:mod:`netweave.web.mail.news`): new messages on a
person's threads (a pair's or their group's), for everyone who reads the thread but the
author. Hidden messages are no news."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from netweave.web.events.models import Registration
from netweave.web.intros.domain.sending import link_for
from netweave.web.intros.models import Post
from netweave.web.mail.news import NewsItem
from netweave.web.matching.models import GroupSeat

__all__ = ["EXCERPT", "thread_news"]

#: characters of a message quoted in the email
EXCERPT = 80


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def thread_news(since: dt.datetime) -> list[NewsItem]:
    """One item per new message and reader (three queries)."""
    posts = list(
        Post.objects.filter(created__gt=since, hidden_at__isnull=True).select_related(
            "author__member", "group"
        )
    )
    seats: dict[int, list[int]] = defaultdict(list)
    for group_id, reg_id in GroupSeat.objects.filter(
        group_id__in={p.group_id for p in posts if p.group_id}
    ).values_list("group_id", "registration_id"):
        seats[group_id].append(reg_id)
    readers_of = {
        p.pk: seats[p.group_id] if p.group_id else [p.pair_low_id, p.pair_high_id] for p in posts
    }
    wanted = {pk for readers in readers_of.values() for pk in readers}
    registrations = Registration.objects.filter(pk__in=wanted).select_related("member")
    by_pk = {r.pk: r for r in registrations}
    items = []
    for post in posts:
        name = post.author.member.name
        for pk in readers_of[post.pk]:
            reader = by_pk.get(pk)
            if reader is None or pk == post.author_id:
                continue
            if post.group_id:
                line = f"{name} wrote to your group {post.group.room}: “{_excerpt(post.text)}”"
                link = link_for("portal:intro_group", reader) + "#thread"
            else:
                line = f"{name} wrote to you: “{_excerpt(post.text)}”"
                link = link_for("portal:intro_talk", reader, partner_pk=post.author_id)
            items.append(NewsItem(reader.member_id, post.created, line, link))
    return items
