"""Who may see what: an organizer sees only the communities they belong to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from netweave.web.community.models import Community, Member
from netweave.web.events.models import Event, Registration

__all__ = ["communities_of", "event_for", "events_of", "member_for", "registration_for"]

User = AbstractBaseUser | AnonymousUser


def communities_of(user: User) -> QuerySet[Community]:
    """The communities ``user`` organizes (superusers: all)."""
    if not user.is_authenticated:
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(organizers=user)


def events_of(user: User) -> QuerySet[Event]:
    return Event.objects.filter(community__in=communities_of(user)).select_related("community")


def event_for(user: User, pk: int) -> Event:
    """The event ``pk`` if ``user`` organizes its community; 404 otherwise (never 403: an
    outsider learns nothing, not even that the event exists)."""
    return get_object_or_404(events_of(user), pk=pk)


def member_for(user: User, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.filter(community__in=communities_of(user)).select_related("community"),
        pk=pk,
    )


def registration_for(user: User, event: Event, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.filter(event=event).select_related("member"), pk=pk
    )
