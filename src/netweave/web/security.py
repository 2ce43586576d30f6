"""Protections shared by the web apps: rate limits on public forms and participant links
that can be revoked and that expire after the event.

Participant pages have no password: the personal link's token *is* the key. So every app
that serves a page by token looks it up through :func:`registration_for_token`, the one
place that knows when a link stops working.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from netweave.web.events.models import Event, Registration, new_token
from netweave.web.orga.permissions import event_for, registration_for
from netweave.web.proxy import client_address

__all__ = [
    "LinkExpiredError",
    "LoginGuardBackend",
    "link_expires_at",
    "rate_limit",
    "registration_for_token",
    "revoke_link",
    "revoke_link_view",
]

View = Callable[..., HttpResponse]


# --------------------------------------------------------------------------- rate limits


def ip_and_page(group: str, request: HttpRequest) -> str:
    """The client address on this very page: a busy form of one event cannot lock people
    out of another event's form."""
    return f"{client_address(request)}|{request.path}"


def this_page(group: str, request: HttpRequest) -> str:
    """The page alone, from any address: for a personal page that sends mail to its owner,
    so that whoever holds the link cannot flood that inbox from many machines."""
    return request.path


def posted_email(group: str, request: HttpRequest) -> str:
    """The email typed into the form, however it is capitalised: one inbox, one counter."""
    return request.POST.get("email", "").strip().lower()


def rate_limit(*limits: tuple[Callable[[str, HttpRequest], str], str]) -> Callable[[View], View]:
    """Answer POSTs beyond any ``(key, name)`` limit with a friendly 429 page; the rate of
    each name is in ``settings.NETWEAVE_RATE_LIMITS`` (e.g. ``"10/m"``), read per request.

    GETs are never counted: reading a form costs nothing and must always work.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method == "POST" and any(_over(request, k, n) for k, n in limits):
                return rate_limited(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _over(request: HttpRequest, key: Callable[[str, HttpRequest], str], name: str) -> bool:
    return is_ratelimited(
        request,
        group=f"netweave:{name}",
        key=key,
        rate=settings.NETWEAVE_RATE_LIMITS[name],
        method="POST",
        increment=True,
    )


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "security/rate_limited.html", status=429)


# --------------------------------------------------------------------------- organizer login


class LoginGuardBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a web request.

    Password guessing comes over the web, and every web sign-in (Django's LoginView) passes
    its request. Code on the server (the demo, the shell, ``Client.login`` in tests) calls
    ``authenticate()`` without one; axes would raise there, so it is left to the next backend.
    """

    def authenticate(self, request: HttpRequest | None, *args: object, **kwargs: object) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


# --------------------------------------------------------------------------- participant links


class LinkExpiredError(Http404):
    """A personal link of an event long past (``NETWEAVE_LINK_DAYS_AFTER_EVENT``)."""


def link_expires_at(event: Event) -> datetime | None:
    """When personal links of ``event`` stop working; None when they never do."""
    days = settings.NETWEAVE_LINK_DAYS_AFTER_EVENT
    return event.starts_at + timedelta(days=days) if days > 0 else None


def registration_for_token(token: str) -> Registration:
    """The registration whose personal link carries ``token``.

    Raises :class:`~django.http.Http404` for an unknown (or revoked) token, which tells a
    guesser nothing, and :class:`LinkExpiredError` (also a 404) for an expired link.
    """
    registration = (
        Registration.objects.select_related("member", "event__community")
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise Http404("No such link.")
    expires = link_expires_at(registration.event)
    if expires is not None and timezone.now() >= expires:
        raise LinkExpiredError("This link has expired.")
    return registration


def revoke_link(registration: Registration) -> Registration:
    """Give ``registration`` a new personal link; the old one answers 404 from now on.

    For a leaked or forwarded link. The participant gets the new one by "send me my link
    again" (or the organizer sends it).
    """
    with transaction.atomic():
        registration.token = new_token()
        registration.save(update_fields=["token", "updated"])
    return registration


@login_required
@require_POST
def revoke_link_view(request: HttpRequest, event_pk: int, registration_pk: int) -> HttpResponse:
    """The organizer's "revoke this person's link" button (POST only)."""
    event = event_for(request.user, event_pk)
    registration = revoke_link(registration_for(request.user, event, registration_pk))
    messages.success(
        request,
        f"The old personal link of {registration.member.name} no longer works. They can ask "
        "for the new one with “send me my link again”.",
        fail_silently=True,  # also callable without the messages middleware
    )
    return redirect("orga:registration_edit", event_pk=event.pk, registration_pk=registration.pk)
