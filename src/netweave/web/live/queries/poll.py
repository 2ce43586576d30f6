"""The live page's poll: has anything changed? Answered from the cache almost always."""

from __future__ import annotations

from django.core.cache import cache

from netweave.web.events.models import Registration
from netweave.web.live.domain.state import version_key
from netweave.web.live.models import LiveState

__all__ = ["POLL_CACHE_SECONDS", "TOKEN_CACHE_SECONDS", "poll_version"]


#: how long a live page may go on seeing the previous version: every open page asks every
#: few seconds, so a thousand of them would otherwise be hundreds of queries a second
POLL_CACHE_SECONDS = 1


#: how long a personal link's event is remembered for polling (an unknown link never is)
TOKEN_CACHE_SECONDS = 300


def poll_version(token: str) -> int | None:
    """The live state's version for the registration with ``token``: 0 before the event has a
    live state, None for an unknown token.

    Answered from the cache for all but one poll per event and second (and one per link and
    five minutes): the live page polls all the time, and its answer is almost always "no
    change". A change made in this process is seen at once (a state change forgets the
    version); one made elsewhere within :data:`POLL_CACHE_SECONDS`. Pages that show anything
    look the registration up afresh.
    """
    token_key = f"netweave:poll-event:{token}"
    event_id = cache.get(token_key)
    if event_id is None:
        rows = Registration.objects.filter(token=token).order_by().values_list("event_id")
        event_id = next(iter(rows[:1]), (None,))[0]
        if event_id is None:
            return None
        cache.set(token_key, event_id, TOKEN_CACHE_SECONDS)
    version = cache.get(version_key(event_id))
    if version is None:
        row = LiveState.objects.filter(event_id=event_id).values_list("version").first()
        version = row[0] if row else 0
        cache.set(version_key(event_id), version, POLL_CACHE_SECONDS)
    return version
