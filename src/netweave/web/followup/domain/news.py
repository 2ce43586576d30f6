"""The daily news email: at most one a day per person, in their own morning.

Apps register what is news (:mod:`netweave.web.mail.news`): new messages on one's threads,
a "stay in touch" that became mutual. ``netweave send-due`` runs :func:`send_due_news`; news
is due at the member's next :data:`MORNING` (their zone, like digests at 09:00); each member
with news due gets all they have not heard of in one email, unless one went to them on that
local day already. A member who
turned optional emails off gets nothing, and that news is dropped rather than saved up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from netweave.web.common.timezones import zone
from netweave.web.community.models import Member
from netweave.web.followup.models import DailyNews
from netweave.web.mail.domain import send_email, wants_optional_email
from netweave.web.mail.models import OutboxMessage
from netweave.web.mail.news import NewsItem, news_since

__all__ = ["LOOK_BACK", "MORNING", "morning_after", "send_due_news", "send_news"]

#: local time from which a day's news email may go, as for digests
MORNING = dt.time(9, 0)
#: news older than this is not looked at (nobody wants a month-old "new message")
LOOK_BACK = dt.timedelta(days=14)


def morning_after(moment: dt.datetime, tz: str) -> dt.datetime:
    """The first :data:`MORNING` in zone ``tz`` at or after ``moment``: when news of that
    moment is due.

    >>> utc = dt.timezone.utc
    >>> morning_after(dt.datetime(2026, 11, 27, 10, tzinfo=utc), "Europe/Berlin").isoformat()
    '2026-11-28T09:00:00+01:00'
    >>> morning_after(dt.datetime(2026, 11, 27, 5, tzinfo=utc), "Europe/Berlin").isoformat()
    '2026-11-27T09:00:00+01:00'
    """
    local = moment.astimezone(zone(tz))
    day = local.date() if local.time() <= MORNING else local.date() + dt.timedelta(days=1)
    # a morning inside a daylight-saving gap does not exist; fold=0 lands just after it
    return dt.datetime.combine(day, MORNING, tzinfo=zone(tz))


def send_news(member: Member, items: list[NewsItem], now: dt.datetime) -> bool:
    """Email ``member`` the ``items`` they have not heard of, if one of them is due (its
    morning came) and no email went to them on this local day; whether one went now."""
    today = now.astimezone(zone(member.timezone)).date()
    with transaction.atomic():
        DailyNews.objects.get_or_create(member=member)
        state = DailyNews.objects.select_for_update().get(member=member)
        fresh = [i for i in items if state.sent_through is None or i.at > state.sent_through]
        due = any(morning_after(i.at, member.timezone) <= now for i in fresh)
        if not due or state.last_on == today:
            return False
        emailed = wants_optional_email(member) and _email(member, fresh)
        state.last_on = today
        # unsubscribed: the news is dropped, not saved up; a failed email is tried tomorrow
        if emailed or not wants_optional_email(member):
            state.sent_through = max(i.at for i in fresh)
        state.save()
    return emailed


def _email(member: Member, items: list[NewsItem]) -> bool:
    record = send_email(
        member.email,
        "news",
        {"member": member, "items": items},
        tz=member.timezone,
        community=member.community,
        kind="news",
    )
    return record.state == OutboxMessage.State.SENT


def send_due_news(now: dt.datetime) -> int:
    """Send every member's news that is due at ``now`` (registered with ``send-due``).

    Who has fresh news due is worked out in memory from one read of the states, so a run
    every few minutes locks and writes only the rows of the people it emails.
    """
    by_member: dict[int, list[NewsItem]] = defaultdict(list)
    for item in news_since(now - LOOK_BACK):
        if item.at <= now:
            by_member[item.member_id].append(item)
    states = {
        s.member_id: s.sent_through for s in DailyNews.objects.filter(member_id__in=by_member)
    }
    members = Member.objects.filter(pk__in=by_member).select_related("community")
    sent = 0
    for member in members:
        through = states.get(member.pk)
        fresh = [i for i in by_member[member.pk] if through is None or i.at > through]
        if any(morning_after(i.at, member.timezone) <= now for i in fresh):
            sent += send_news(member, fresh, now)
    return sent
