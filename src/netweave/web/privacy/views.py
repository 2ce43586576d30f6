"""A participant's own data: download it as JSON, or delete it.

The personal link may have been forwarded, so its pages only *ask*: each action is done
from a single-use link emailed to the member's address (``privacy_confirm``), shown by a
GET and done by a POST, because mail scanners open links. Views validate and delegate to
:mod:`netweave.web.privacy.domain`. An unknown token or secret is a 404 like any unknown
page.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from netweave.web.common.security import rate_limit, this_page
from netweave.web.events.links import registration_for_token
from netweave.web.events.models import Registration
from netweave.web.privacy import domain, tasks
from netweave.web.privacy.models import PrivacyConfirmation

Action = PrivacyConfirmation.Action

#: what the page says once the link is on its way
ASKED = {
    Action.DOWNLOAD: "We have emailed {email} a link to download your data. It works once, "
    "for the next {minutes} minutes.",
    Action.DELETE: "We have emailed {email} a link to delete your data. It works once, "
    "for the next {minutes} minutes.",
}


def _registration(token: str) -> Registration:
    # the lookup every app shares: it also refuses revoked and expired links
    return registration_for_token(token)


def _ask(request: HttpRequest, token: str, action: str) -> HttpResponse:
    registration = _registration(token)
    row = domain.ask_owner(registration.member, action)
    tasks.send_confirmation_task.enqueue(row.pk)
    minutes = settings.NETWEAVE_CONFIRM_PRIVACY_MINUTES
    messages.info(request, ASKED[action].format(email=registration.member.email, minutes=minutes))
    return redirect("portal:privacy", token=token)


@never_cache
@require_GET
def overview(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    return render(request, "privacy/overview.html", {"registration": registration})


# it sends mail: per page, so a forwarded link cannot flood the owner's inbox
@rate_limit((this_page, "privacy_email"))
@never_cache
@require_POST
def ask_download(request: HttpRequest, token: str) -> HttpResponse:
    return _ask(request, token, Action.DOWNLOAD)


@rate_limit((this_page, "privacy_email"))
@never_cache
@require_http_methods(["GET", "POST"])
def ask_delete(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        return _ask(request, token, Action.DELETE)
    registration = _registration(token)
    return render(request, "privacy/delete.html", {"registration": registration})


def _download(data: dict) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-netweave-data.json"'
    return response


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/confirm_invalid.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, secret: str) -> HttpResponse:
    row = domain.confirmation(secret)
    if row is None:
        return _invalid(request)
    unticked = request.method == "POST" and (
        row.action == Action.DELETE and request.POST.get("confirm") != "yes"
    )
    if request.method == "GET" or unticked:
        context = {"confirmation": row, "member": row.member, "unconfirmed": unticked}
        return render(request, "privacy/confirm.html", context)
    if row.action == Action.DOWNLOAD:
        data = domain.confirmed_download(secret)
        return _invalid(request) if data is None else _download(data)
    community = domain.confirmed_erasure(secret)
    if community is None:
        return _invalid(request)
    # the member's links died with them: this page is the last thing they show
    return render(request, "privacy/deleted.html", {"community": community})
