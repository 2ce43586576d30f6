"""Protections shared by the web apps: rate limits on public forms and a guard on organizer
sign-ins. Personal links (the participant's key) are the events app's:
:mod:`netweave.web.events.links`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from netweave.web.common.proxy import client_address

__all__ = [
    "LoginGuardBackend",
    "ip_and_page",
    "posted_email",
    "rate_limit",
    "rate_limited",
    "this_page",
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
