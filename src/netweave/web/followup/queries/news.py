"""This app's news for the daily email (:mod:`netweave.web.mail.news`): a "stay in touch"
that became mutual, told to the person who wished it first (the second just said so)."""

from __future__ import annotations

import datetime as dt

from netweave.web.followup.models import StayInTouch
from netweave.web.followup.queries.summary import summary_url
from netweave.web.mail.news import NewsItem

__all__ = ["mutual_wish_news"]


def mutual_wish_news(since: dt.datetime) -> list[NewsItem]:
    """The wishes made after ``since`` that answered an earlier wish of the other person
    (two queries); a wish made again for another meeting of the same two is no news."""
    recent = list(
        StayInTouch.objects.filter(created__gt=since).select_related(
            "from_registration__member", "to_registration__member", "to_registration__event"
        )
    )
    if not recent:
        return []
    earlier: dict[tuple[int, int], StayInTouch] = {}
    for wish in StayInTouch.objects.filter(
        from_registration_id__in={w.to_registration_id for w in recent}
    ).order_by("created", "pk"):
        earlier.setdefault((wish.from_registration_id, wish.to_registration_id), wish)
    items: dict[tuple[int, int], NewsItem] = {}
    for wish in recent:
        first = earlier.get((wish.to_registration_id, wish.from_registration_id))
        if first is None or (first.created, first.pk) > (wish.created, wish.pk):
            continue  # one-sided so far, or this is the first of the two
        told = wish.to_registration
        items.setdefault(
            (told.pk, wish.from_registration_id),
            NewsItem(
                member_id=told.member_id,
                at=wish.created,
                line=f"{wish.from_registration.member.name} would like to stay in touch too: "
                "you can see each other's email now",
                link=summary_url(told),
            ),
        )
    return list(items.values())
