"""A participant's own data: download it as JSON, or delete it. Token pages only.

Views validate and delegate to :mod:`netweave.web.privacy.domain`. An unknown token is a 404
like any unknown page.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from netweave.web.events.models import Registration
from netweave.web.privacy import domain
from netweave.web.security import registration_for_token


def _registration(token: str) -> Registration:
    # the lookup every app shares: it also refuses revoked and expired links
    return registration_for_token(token)


@never_cache
@require_GET
def overview(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    return render(request, "privacy/overview.html", {"registration": registration})


@never_cache
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    data = domain.member_data(registration.member)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-netweave-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        context = {"registration": registration, "unconfirmed": request.method == "POST"}
        return render(request, "privacy/delete.html", context, status=200)
    community = registration.event.community
    domain.erase_member(registration.member)
    # the token died with the registration: this page is the last thing it shows
    return render(request, "privacy/deleted.html", {"community": community})
