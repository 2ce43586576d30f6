"""Extension point: news a person hears about by email, batched into one email a day.

Apps register a source in their ``AppConfig.ready`` (``register_news("threads", source)``); a
source gets a moment and returns what happened since then, one :class:`NewsItem` per person to
tell. The follow-up app's daily sender (``netweave send-due``) gathers every source's items,
and sends each member at most one email a day, in their own morning, with all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["NewsItem", "NewsSource", "news_since", "register_news"]


@dataclass(frozen=True)
class NewsItem:
    """One line of news for one member of a community."""

    member_id: int
    #: when it happened: a member hears of it once, in the first email after that moment
    at: dt.datetime
    line: str
    #: the absolute address where the member reads more (their personal page)
    link: str


NewsSource = Callable[[dt.datetime], Iterable[NewsItem]]
_sources: dict[str, NewsSource] = {}


def register_news(name: str, source: NewsSource) -> None:
    _sources[name] = source


def news_since(moment: dt.datetime) -> list[NewsItem]:
    """Every registered source's news after ``moment``, oldest first."""
    items = [item for _, source in sorted(_sources.items()) for item in source(moment)]
    return sorted(items, key=lambda i: i.at)
