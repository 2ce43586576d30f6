"""Reading the outbox: what a community's organizers may see of the mail netweave sent."""

from __future__ import annotations

from django.db.models import QuerySet

from netweave.web.community.models import Community
from netweave.web.mail.models import OutboxMessage

__all__ = ["outbox_kinds", "outbox_messages"]


def outbox_messages(community: Community, kind: str = "") -> QuerySet[OutboxMessage]:
    """The community's sent mail, newest first, optionally of one ``kind``."""
    messages = OutboxMessage.objects.filter(community=community)
    if kind:
        messages = messages.filter(kind=kind)
    return messages.order_by("-created", "-pk")


def outbox_kinds(community: Community) -> list[str]:
    """The kinds of mail this community has sent, for the filter."""
    kinds = OutboxMessage.objects.filter(community=community).exclude(kind="")
    return sorted(set(kinds.values_list("kind", flat=True)))
