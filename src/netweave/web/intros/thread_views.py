"""Pages of threads: a pair's conversation, editing, deleting and reporting one's posts (by
the participant's token), and the organizers' page of reported posts (logged in).

A post or a partner the viewer may not see is a 404, like any unknown page. Text is plain
(:class:`~netweave.web.common.validators.PlainTextMixin`, at most ``MESSAGE_MAX`` characters)
and escaped by the templates; every change is a POST behind Django's CSRF check.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from netweave.web.common.timezones import zone
from netweave.web.events.links import registration_for_token
from netweave.web.events.models import Registration
from netweave.web.events.partners import partner_view
from netweave.web.events.permissions import event_for
from netweave.web.intros.domain.calls import CallError, choose_call, propose_call
from netweave.web.intros.domain.met_check import answer_met_check, decline_met_check
from netweave.web.intros.domain.threads import (
    delete_post,
    edit_post,
    hide_post,
    post_to_pair,
    report_post,
)
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.forms import PostForm, ReportForm
from netweave.web.intros.models import Post
from netweave.web.intros.queries.calls import CallThread, call_box, group_thread, pair_thread
from netweave.web.intros.queries.digests import followed_up_with
from netweave.web.intros.queries.groups import group_of
from netweave.web.intros.queries.meetings import partners_of
from netweave.web.intros.queries.threads import (
    may_use_post,
    pair_posts,
    pair_thread_open,
    reported_posts,
)


def _partner(viewer: Registration, partner_pk: int) -> Registration:
    partner = get_object_or_404(
        Registration.objects.select_related("member", "event"), pk=partner_pk, event=viewer.event_id
    )
    if not pair_thread_open(viewer, partner):
        raise Http404
    return partner


def _thread_url(token: str, viewer: Registration, post: Post) -> str:
    if post.group_id is not None:
        return reverse("portal:intro_group", kwargs={"token": token}) + "#thread"
    other = post.pair_high_id if viewer.pk == post.pair_low_id else post.pair_low_id
    return reverse("portal:intro_talk", kwargs={"token": token, "partner_pk": other}) + "#thread"


def _post(viewer: Registration, post_pk: int) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("pair_low", "pair_high"),
        pk=post_pk,
        author__event=viewer.event_id,
    )
    if not may_use_post(viewer, post):
        raise Http404
    return post


@never_cache
@require_http_methods(["GET", "POST"])
def talk(request: HttpRequest, token: str, partner_pk: int) -> HttpResponse:
    """The thread of the viewer and one partner (open once one of them answered the other)."""
    viewer = registration_for_token(token)
    partner = _partner(viewer, partner_pk)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post = post_to_pair(viewer, partner, form.cleaned_data["text"])
        return redirect(_thread_url(token, viewer, post))
    context = {
        "registration": viewer,
        "event": viewer.event,
        "partner": partner,
        # contact details by the one rule: shown only where both agreed
        "profile": partner_view(viewer, partner),
        "thread": pair_posts(viewer, partner),
        "form": form,
        "zone": zone(viewer.member.timezone),
        "call": call_box(pair_thread(viewer, partner), viewer, timezone.now()),
        "call_url": reverse("portal:intro_talk_call", args=[token, partner.pk]),
    }
    return render(request, "intros/talk.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, token: str, post_pk: int) -> HttpResponse:
    viewer = registration_for_token(token)
    post = _post(viewer, post_pk)
    if post.author_id != viewer.pk:
        raise Http404
    form = PostForm(request.POST or None, initial={"text": post.text})
    if request.method == "POST" and form.is_valid():
        edit_post(viewer, post, form.cleaned_data["text"])
        messages.success(request, "Your message is changed.")
        return redirect(_thread_url(token, viewer, post))
    context = {
        "registration": viewer,
        "event": viewer.event,
        "post": post,
        "form": form,
        "back": _thread_url(token, viewer, post),
    }
    return render(request, "intros/post_edit.html", context)


@require_POST
def delete(request: HttpRequest, token: str, post_pk: int) -> HttpResponse:
    viewer = registration_for_token(token)
    post = _post(viewer, post_pk)
    back = _thread_url(token, viewer, post)
    try:
        delete_post(viewer, post)
    except NotPartnerError:
        raise Http404 from None
    messages.success(request, "Your message is deleted.")
    return redirect(back)


@require_POST
def report(request: HttpRequest, token: str, post_pk: int) -> HttpResponse:
    viewer = registration_for_token(token)
    post = _post(viewer, post_pk)
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        report_post(viewer, post, reason)
    except NotPartnerError:
        raise Http404 from None
    messages.success(request, "Thank you: the organizers will look at this message.")
    return redirect(_thread_url(token, viewer, post))


# --------------------------------------------------------------------------- calls


def _slots(values: list[str]) -> list[dt.datetime]:
    try:
        found = [dt.datetime.fromisoformat(v) for v in values]
    except ValueError:
        raise Http404 from None
    if any(s.tzinfo is None for s in found):
        raise Http404
    return found


def _call(request: HttpRequest, viewer: Registration, thread: CallThread, back: str):
    """Propose times (``action=propose``, up to three ``slot``) or pick one (``action=pick``,
    one ``slot`` of ``proposal``)."""
    slots = _slots(request.POST.getlist("slot"))
    try:
        if request.POST.get("action") == "pick":
            if len(slots) != 1 or not request.POST.get("proposal", "").isdigit():
                raise CallError("Pick one of the proposed times.")
            choose_call(viewer, thread, int(request.POST["proposal"]), slots[0])
            messages.success(request, "Done: everyone gets a calendar invite by email.")
        else:
            propose_call(viewer, thread, slots, request.POST.get("link", ""))
            messages.success(request, "Proposed: the others pick one of your times.")
    except CallError as exc:
        messages.error(request, str(exc))
    except NotPartnerError:
        raise Http404 from None
    return redirect(back + "#call")


@require_POST
def talk_call(request: HttpRequest, token: str, partner_pk: int) -> HttpResponse:
    viewer = registration_for_token(token)
    partner = _partner(viewer, partner_pk)
    back = reverse("portal:intro_talk", args=[token, partner.pk])
    return _call(request, viewer, pair_thread(viewer, partner), back)


@require_POST
def group_call(request: HttpRequest, token: str) -> HttpResponse:
    viewer = registration_for_token(token)
    group = group_of(viewer)
    if group is None:
        raise Http404
    back = reverse("portal:intro_group", args=[token])
    return _call(request, viewer, group_thread(group), back)


# --------------------------------------------------------------------------- did you meet?


@never_cache
@require_http_methods(["GET", "POST"])
def met(request: HttpRequest, token: str) -> HttpResponse:
    """'Did you meet?': one press per partner (``partner`` and ``done``), or ``none``."""
    viewer = registration_for_token(token)
    partners = partners_of(viewer)
    if not partners:
        raise Http404
    if request.method == "POST":
        if request.POST.get("none") == "1":
            decline_met_check(viewer)
            messages.success(request, "Thank you: noted that you followed up with none of them.")
        else:
            by_pk = {str(p.pk): p for p in partners}
            partner = by_pk.get(request.POST.get("partner", ""))
            if partner is None:
                raise Http404
            done = request.POST.get("done") == "1"
            answer_met_check(viewer, partner, done)
            messages.success(
                request, f"Thank you: noted for {partner.member.name}." if done else "Undone."
            )
        return redirect("portal:intro_met", token=token)
    followed = followed_up_with(viewer)
    context = {
        "registration": viewer,
        "event": viewer.event,
        "partners": [(p, p.pk in followed) for p in partners],
    }
    return render(request, "intros/met.html", context)


# --------------------------------------------------------------------------- organizers


@login_required
@require_GET
def reports(request: HttpRequest, event_pk: int) -> HttpResponse:
    """The reported posts of an event, to hide (or show again)."""
    event = event_for(request.user, event_pk)
    context = {
        "event": event,
        "community": event.community,
        "reported": reported_posts(event),
        "zone": zone(event.timezone),
    }
    return render(request, "intros/orga_threads.html", context)


@login_required
@require_POST
def hide(request: HttpRequest, event_pk: int, post_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)  # another community's event: 404
    post = get_object_or_404(Post, pk=post_pk, author__event=event)
    hidden = request.POST.get("hidden", "1") == "1"
    hide_post(event, post, hidden)
    messages.success(request, "The message is hidden." if hidden else "The message is shown again.")
    return redirect("orga:intros_threads", event_pk=event.pk)
