"""Posting to a small group's thread."""

from __future__ import annotations

from django.db import transaction

from netweave.web.events.models import Registration
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.models import GroupMessage
from netweave.web.intros.queries.groups import group_of

__all__ = [
    "post_group_message",
]


MESSAGE_MAX = 2000


def post_group_message(registration: Registration, text: str) -> GroupMessage:
    """Post ``text`` to the thread of ``registration``'s small group."""
    text = text.strip()
    if not text:
        raise ValueError("Write a message first.")
    if len(text) > MESSAGE_MAX:
        raise ValueError(f"Messages are at most {MESSAGE_MAX} characters.")
    group = group_of(registration)
    if group is None:
        raise NotPartnerError(registration.pk)
    with transaction.atomic():
        return GroupMessage.objects.create(group=group, author=registration, text=text)
