"""The outbox: every email sent on behalf of a community, as its organizers can see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from netweave.web.events.permissions import communities_of
from netweave.web.mail.outbox import outbox_kinds, outbox_messages

PER_PAGE = 50


@login_required
def listing(request: HttpRequest, community_pk: int) -> HttpResponse:
    # another community's outbox is a 404, not a 403: outsiders learn nothing
    community = get_object_or_404(communities_of(request.user), pk=community_pk)
    kind = request.GET.get("kind", "").strip()
    page = Paginator(outbox_messages(community, kind), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "page": page,
        "kind": kind,
        "kinds": outbox_kinds(community),
    }
    return render(request, "orga/outbox.html", context)


@login_required
def message(request: HttpRequest, community_pk: int, pk: int) -> HttpResponse:
    community = get_object_or_404(communities_of(request.user), pk=community_pk)
    sent = get_object_or_404(outbox_messages(community), pk=pk)
    return render(request, "orga/outbox_message.html", {"community": community, "sent": sent})
