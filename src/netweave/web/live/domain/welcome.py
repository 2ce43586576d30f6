"""The welcome a walk-in gets: made for an event that is on now.

Not the "you asked for your link" email (that one is for somebody who typed their address on
the event's page, before the plan is out): a walk-in was added by the host during the event,
so the email says what to do right now (their room if a round already has them, else where
to wait), with their live page and their personal page, in their time zone.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from netweave.web.events.links import personal_url
from netweave.web.events.models import Registration
from netweave.web.live.models import LiveState
from netweave.web.live.queries.page import live_page
from netweave.web.mail.domain import send_email
from netweave.web.mail.models import OutboxMessage

__all__ = ["live_url", "send_walk_in_welcome"]

Phase = LiveState.Phase


def live_url(registration: Registration) -> str:
    """The absolute address of the participant's live page (the one to keep open today)."""
    return settings.BASE_URL + reverse("portal:live", args=[registration.token])


def send_walk_in_welcome(registration: Registration) -> OutboxMessage:
    """Email a walk-in what to do now, their live page and their personal page."""
    member, event = registration.member, registration.event
    page = live_page(registration)
    state = page.state
    coming = state.round + 1 if state.phase == Phase.ROUND and state.round < event.rounds else None
    context = {
        "member": member,
        "event": event,
        "state": state,
        "meetings": page.meetings,
        "group": page.group,
        "next_round": coming,
        "live_link": live_url(registration),
        "link": personal_url(registration),
        "tz_name": member.timezone,
    }
    return send_email(
        member.email,
        "walk_in",
        context,
        tz=member.timezone,
        community=event.community,
        kind="walk_in",
    )
