"""Participant pages after the event: the summary, feedback, sharing, email preferences.

As on every participant page, an unknown token is a 404 and a token only ever shows its own
registration. Views validate and call one domain verb each.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from netweave.web.common.timezones import zone
from netweave.web.community.models import Member
from netweave.web.events.links import registration_for_token
from netweave.web.events.models import Registration
from netweave.web.events.partners import CONSENT_SENTENCE
from netweave.web.followup.domain.consent import (
    set_email_sharing,
    set_optional_emails,
    withdraw_consent,
)
from netweave.web.followup.domain.feedback import give_event_feedback, give_meeting_feedback
from netweave.web.followup.errors import FollowupError
from netweave.web.followup.forms import (
    EventFeedbackForm,
    MeetingFeedbackForm,
    PreferencesForm,
    SharingForm,
)
from netweave.web.followup.queries.held import event_is_over, meeting_of
from netweave.web.followup.queries.summary import Conversation, summary_for
from netweave.web.mail.domain import member_for_preferences_token, wants_optional_email

NOT_YET = "Your summary is ready once the event is over."


def _registration(token: str) -> Registration:
    # one lookup for every participant page: unknown, revoked and expired links all 404
    return registration_for_token(token)


def _member(token: str) -> Member:
    member = member_for_preferences_token(token)
    if member is None:
        raise Http404("This link is not valid.")
    return member


@never_cache
@require_GET
def summary(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    event = registration.event
    over = event_is_over(event)
    context = {
        "registration": registration,
        "event": event,
        "member": registration.member,
        "zone": zone(registration.member.timezone),
        "over": over,
        "summary": summary_for(registration) if over else None,
        "sharing": SharingForm(initial={"share_email": registration.consent_share_email}),
        "consent_sentence": CONSENT_SENTENCE,
    }
    return render(request, "followup/summary.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def meeting_feedback(request: HttpRequest, token: str, meeting_pk: int) -> HttpResponse:
    registration = _registration(token)
    try:
        meeting = meeting_of(registration, meeting_pk)
    except FollowupError as exc:
        raise Http404(str(exc)) from exc
    talk = _talk(registration, meeting.pk)
    form = MeetingFeedbackForm(request.POST or None, people=talk.people, initial=_initial(talk))
    if request.method == "POST" and form.is_valid():
        try:
            give_meeting_feedback(registration, meeting, form.answer())
        except FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you: your answer is saved. You can change it here.")
            return redirect("portal:summary", token=token)
    context = {"registration": registration, "event": registration.event, "talk": talk}
    return render(request, "followup/feedback_meeting.html", {**context, "form": form})


def _talk(registration: Registration, meeting_pk: int) -> Conversation:
    found = summary_for(registration)
    talks = [*found.conversations, *([found.group] if found.group else [])]
    return next(t for t in talks if t.meeting_pk == meeting_pk)


def _initial(talk: Conversation) -> dict[str, object]:
    if talk.feedback is None:
        return {"stay_in_touch": sorted(talk.wishes)}
    return {
        "valuable": talk.feedback.valuable,
        "note": talk.feedback.note,
        "stay_in_touch": sorted(talk.wishes),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def event_feedback(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if not event_is_over(registration.event):
        messages.info(request, NOT_YET)
        return redirect("portal:mine", token=token)
    given = getattr(registration, "event_feedback", None)
    initial = {"overall": given.overall, "comment": given.comment} if given else {}
    form = EventFeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            give_event_feedback(
                registration, form.cleaned_data["overall"], form.cleaned_data["comment"]
            )
        except FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you for your feedback on the event.")
            return redirect("portal:summary", token=token)
    context = {"registration": registration, "event": registration.event, "form": form}
    return render(request, "followup/feedback_event.html", context)


@require_POST
def sharing(request: HttpRequest, token: str) -> HttpResponse:
    """Give or withdraw the up-front consent; "withdraw" also drops every stay-in-touch wish."""
    registration = _registration(token)
    if request.POST.get("withdraw_all"):
        withdraw_consent(registration)
        messages.success(
            request,
            "Done: your email is no longer shared with anyone, and your stay-in-touch "
            "wishes are withdrawn.",
        )
        return redirect("portal:summary", token=token)
    form = SharingForm(request.POST)
    if form.is_valid():
        set_email_sharing(registration, form.cleaned_data["share_email"])
        messages.success(request, "Saved your choice about sharing your email.")
    return redirect("portal:summary", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest, token: str) -> HttpResponse:
    member = _member(token)
    form = PreferencesForm(
        request.POST or None, initial={"optional_emails": wants_optional_email(member)}
    )
    if request.method == "POST" and form.is_valid():
        set_optional_emails(member, form.cleaned_data["optional_emails"])
        messages.success(request, "Saved your email preferences.")
        return redirect("portal:email_preferences", token=token)
    context = {"member": member, "community": member.community, "form": form}
    return render(request, "followup/email_preferences.html", context)


@csrf_exempt  # mail clients POST here without a session (RFC 8058); the signed token is the key
@never_cache
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe. A GET only asks to confirm: link checkers and mail scanners
    open links, and must not unsubscribe anyone by doing so."""
    member = _member(token)
    if request.method == "POST":
        set_optional_emails(member, False)
    context = {
        "member": member,
        "community": member.community,
        "done": request.method == "POST",
        "token": token,
    }
    return render(request, "followup/email_unsubscribe.html", context)
