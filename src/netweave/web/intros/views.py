"""Pages of async participation: a participant's intro, partner forms, digest and group page
(by their token), and the organizers' overview (logged in).

Views validate and delegate to the verbs in :mod:`netweave.web.intros.domain` and the reads in
:mod:`netweave.web.intros.queries`. A token, a partner or a file that the viewer may not see is
a 404, like any unknown page: it tells a guesser nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from netweave.web.common.timezones import zone
from netweave.web.events.links import registration_for_token
from netweave.web.events.models import Registration
from netweave.web.events.partners import partner_views
from netweave.web.events.permissions import event_for, registration_for
from netweave.web.intros.domain.answers import save_answers
from netweave.web.intros.domain.intros import remove_intro_video, save_intro_video, update_intro
from netweave.web.intros.domain.met_check import answer_met_check
from netweave.web.intros.domain.nudges import nudge_authors, request_intro
from netweave.web.intros.domain.settings import update_intro_settings
from netweave.web.intros.domain.threads import post_group_message
from netweave.web.intros.errors import AnswersClosedError, IntroError, NotPartnerError
from netweave.web.intros.forms import AnswersForm, IntroForm, IntroSettingsForm, MessageForm
from netweave.web.intros.media import CAPTIONS_MAX_BYTES
from netweave.web.intros.queries.calls import call_box, group_thread
from netweave.web.intros.queries.deadlines import async_timing, digest_due_at, format_moment
from netweave.web.intros.queries.digests import digest_entries, digest_sent
from netweave.web.intros.queries.groups import group_members, group_of
from netweave.web.intros.queries.intros import duration_text, intro_of, open_intro_media
from netweave.web.intros.queries.meetings import can_watch
from netweave.web.intros.queries.organizer import (
    DigestStatus,
    digest_statuses,
    follow_up_rate,
    form_statuses,
)
from netweave.web.intros.queries.participants import is_async_participant
from netweave.web.intros.queries.partners import PartnerCard, partner_card
from netweave.web.intros.queries.settings import (
    DETAILS_MAX_BYTES,
    intro_settings,
    max_request_bytes,
    max_upload_bytes,
)
from netweave.web.intros.queries.threads import group_posts, pair_thread_open
from netweave.web.intros.uploads import LimitedUploadHandler, announced_size

CHUNK = 64 * 1024
# 19 digits hold any file size (2**63 has 19); a longer number is no position in our files,
# and int() refuses more than 4,300 digits with an error of its own
_RANGE_SPEC = re.compile(r"(\d{0,19})-(\d{0,19})")
#: ranges in one header before it counts as an attack (browsers send one)
_MAX_RANGES = 16


def _registration(token: str) -> Registration:
    # one lookup for every participant page: unknown, revoked and expired links all 404
    return registration_for_token(token)


def _other(viewer: Registration, pk: int) -> Registration:
    """Someone of the viewer's event whose intro the viewer may see; 404 for anyone else."""
    other = get_object_or_404(
        Registration.objects.select_related("member", "event"), pk=pk, event=viewer.event_id
    )
    if not can_watch(viewer, other):
        raise Http404
    return other


# --------------------------------------------------------------------------- media


def _chunks(f: IO[bytes], length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            data = f.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        f.close()


class _RangeNotSatisfiableError(Exception):
    """The Range header asks for nothing this file has, or is malformed: 416."""


def _range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range ``header`` asks for (browsers seek in videos this way), or None
    for the whole file: no ``bytes`` range, or several (we send no multipart answers, and
    RFC 9110 lets a server ignore a Range). Raises :class:`_RangeNotSatisfiableError` when no range
    fits the file or one is malformed (``bytes=10-5``, ``bytes=x``).
    """
    unit, sep, specs = header.strip().partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    found: list[tuple[int, int]] = []
    asked = 0
    for spec in specs.split(","):
        if not spec.strip():
            continue  # the list syntax allows empty elements
        asked += 1
        if asked > _MAX_RANGES:
            raise _RangeNotSatisfiableError
        if fits := _one_range(spec.strip(), size):
            found.append(fits)
    if not found:
        raise _RangeNotSatisfiableError
    return found[0] if asked == 1 else None


def _one_range(spec: str, size: int) -> tuple[int, int] | None:
    match = _RANGE_SPEC.fullmatch(spec)
    if match is None or not (match[1] or match[2]):
        raise _RangeNotSatisfiableError
    if not match[1]:  # "-500": the last 500 bytes, or all of a smaller file
        length = int(match[2])
        return (max(size - length, 0), size - 1) if length and size else None
    start = int(match[1])
    end = int(match[2]) if match[2] else size - 1
    if end < start:
        raise _RangeNotSatisfiableError  # "10-5" is no range at all
    return (start, min(end, size - 1)) if start < size else None


def _media_response(request: HttpRequest, intro, which: str) -> HttpResponseBase:
    """Stream the intro's file, whole or the asked range, never cached by shared caches."""
    try:
        f, size, content_type = open_intro_media(intro, which)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    try:
        asked = _range(request.headers.get("Range", ""), size)
    except _RangeNotSatisfiableError:
        f.close()
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        response = _file_response(f, size, content_type, asked)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _file_response(
    f: IO[bytes], size: int, content_type: str, asked: tuple[int, int] | None
) -> HttpResponseBase:
    if asked is None:
        response = FileResponse(f, content_type=content_type)
        response["Content-Length"] = str(size)
        return response
    start, end = asked
    f.seek(start)
    partial = StreamingHttpResponse(
        _chunks(f, end - start + 1), status=206, content_type=content_type
    )
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    return partial


@require_GET
def media(request: HttpRequest, token: str, owner_pk: int, which: str) -> HttpResponseBase:
    viewer = _registration(token)
    owner = _other(viewer, owner_pk)
    intro = intro_of(owner)
    if intro is None or which not in ("video", "captions"):
        raise Http404
    return _media_response(request, intro, which)


# --------------------------------------------------------------------------- my intro


def _intro_page(
    request: HttpRequest,
    registration: Registration,
    form: IntroForm,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    limits = intro_settings(registration.event)
    context = {
        "registration": registration,
        "event": registration.event,
        "member": registration.member,
        "intro": intro_of(registration),
        "form": form,
        "limits": limits,
        "max_bytes": max_upload_bytes(registration.event),
        "zone": zone(registration.member.timezone),
        "upload_error": error,
    }
    return render(request, "intros/intro.html", context, status=status)


@csrf_exempt  # checked in _intro_details, once the size is known to be reasonable
@never_cache
@require_http_methods(["GET", "POST"])
def intro(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's intro page; a POST saves the text, the link and the captions."""
    registration = _registration(token)
    size = announced_size(request) or 0
    if request.method == "POST" and size > DETAILS_MAX_BYTES:
        message = (
            f"That is too much to send at once (the captions file may be at most "
            f"{CAPTIONS_MAX_BYTES // 1024} KB). Nothing was changed."
        )
        return _intro_page(
            request, registration, IntroForm(initial=_initial(registration)), 413, message
        )
    return _intro_details(request, registration)


@csrf_protect
def _intro_details(request: HttpRequest, registration: Registration) -> HttpResponse:
    token = registration.token
    form = IntroForm(request.POST or None, request.FILES or None, initial=_initial(registration))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_intro(
                registration,
                text=data["text"],
                link=data["link"],
                captions=data["captions"],
                remove_captions=data["remove_captions"],
            )
        except IntroError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved. Your partners see your intro as shown below.")
            return redirect("portal:intro", token=token)
    return _intro_page(request, registration, form, 400 if form.errors else 200)


def _upload_answer(
    request: HttpRequest, registration: Registration, message: str, status: int
) -> HttpResponse:
    """The outcome of an upload: JSON for the page's script, else the page with a message."""
    ok = status < 400
    if "application/json" in request.headers.get("Accept", ""):
        if ok:  # the script goes to the intro page next, which shows this
            messages.success(request, message)
        target = reverse("portal:intro", kwargs={"token": registration.token})
        return JsonResponse({"ok": ok, "message": message, "redirect": target}, status=status)
    if ok:
        messages.success(request, message)
        return redirect("portal:intro", token=registration.token)
    form = IntroForm(initial=_initial(registration))
    return _intro_page(request, registration, form, status, error=message)


def _initial(registration: Registration) -> dict[str, str]:
    current = intro_of(registration)
    return {"text": current.text, "link": current.link_url} if current else {}


@csrf_exempt  # the CSRF check runs in _receive_video, after our upload handler is in place
@never_cache
@require_POST
def upload(request: HttpRequest, token: str) -> HttpResponse:
    """Receive a video. Too large by its Content-Length: refused before reading the body."""
    registration = _registration(token)
    size = announced_size(request)
    if size is None:  # a body without a length cannot be limited before it is read
        message = "The upload did not say how large it is. Try again, or use another browser."
        return _upload_answer(request, registration, message, 411)
    if size > max_request_bytes(registration.event):
        limits = intro_settings(registration.event)
        message = (
            f"The video is too large: intros are at most {limits.max_video_mb} MB."
            f"{_kept(registration)}"
        )
        return _upload_answer(request, registration, message, 413)
    # must be set before anything reads request.POST (the CSRF check does)
    handler = LimitedUploadHandler(request, limit=max_upload_bytes(registration.event))
    request.upload_handlers = [handler]
    return _receive_video(request, registration, handler)


@csrf_protect
def _receive_video(
    request: HttpRequest, registration: Registration, handler: LimitedUploadHandler
) -> HttpResponse:
    video = request.FILES.get("video")
    if handler.exceeded:
        message = f"The video is too large for this event.{_kept(registration)}"
        return _upload_answer(request, registration, message, 413)
    if video is None:
        return _upload_answer(request, registration, "Choose a video file first.", 400)
    try:
        saved = save_intro_video(registration, video)
    except IntroError as exc:
        return _upload_answer(request, registration, f"{exc}{_kept(registration)}", 400)
    return _upload_answer(request, registration, _saved_message(registration, saved), 200)


def _kept(registration: Registration) -> str:
    """ " Your previous intro is kept." only when there is one: a first upload that fails
    keeps nothing."""
    intro = intro_of(registration)
    return " Your previous intro is kept." if intro is not None and intro.has_content else ""


def _saved_message(registration: Registration, saved) -> str:
    if saved.video_seconds is not None:
        return "Your video is saved. Your partners can watch it now."
    limits = intro_settings(registration.event)
    return (
        "Your video is saved. We could not read its length from the file, so please make "
        f"sure it is at most {duration_text(limits.max_video_seconds)}: partners have "
        "only a few minutes."
    )


@require_POST
def remove_video(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    remove_intro_video(registration)
    messages.info(request, "Your video is removed. Your written intro stays.")
    return redirect("portal:intro", token=token)


# --------------------------------------------------------------------------- partner form


def _card(viewer: Registration, partner_pk: int) -> PartnerCard:
    partner = _other(viewer, partner_pk)
    try:
        return partner_card(viewer, partner)
    except NotPartnerError:
        raise Http404 from None


@never_cache
@require_http_methods(["GET", "POST"])
def partner(request: HttpRequest, token: str, partner_pk: int) -> HttpResponse:
    """A partner's intro and the form for them, as a page of its own (works without JS)."""
    viewer = _registration(token)
    card = _card(viewer, partner_pk)
    form = AnswersForm(request.POST or None, card=card)
    if request.method == "POST" and card.has_form and form.is_valid():
        try:
            _save(viewer, card, form)
        except AnswersClosedError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Saved. {card.partner.member.name} reads it in their digest."
            )
        return redirect("portal:intro_partner", token=token, partner_pk=partner_pk)
    context = {
        "registration": viewer,
        "event": viewer.event,
        "partner": card.partner,
        "card": card,
        "form": form,
        "zone": zone(viewer.member.timezone),
        "talk_open": pair_thread_open(viewer, card.partner),
    }
    return render(request, "intros/partner.html", context)


def _save(viewer: Registration, card: PartnerCard, form: AnswersForm):
    return save_answers(
        viewer,
        card.partner,
        form.answers(),
        contact=form.cleaned_data.get("contact", ""),
        share_contact=form.cleaned_data.get("share_contact", False),
    )


@never_cache
@require_POST
def answer(request: HttpRequest, token: str, partner_pk: int) -> HttpResponse:
    """Autosave of the partner form (htmx, at each pause in typing): a one-line status."""
    viewer = _registration(token)
    card = _card(viewer, partner_pk)
    if not card.has_form:
        raise Http404
    form = AnswersForm(request.POST, card=card)
    context = {"zone": zone(viewer.member.timezone)}
    if not form.is_valid():
        context["error"] = "Not saved: " + " ".join(
            str(e) for errors in form.errors.values() for e in errors
        )
        return render(request, "intros/_save_status.html", context)
    try:
        saved = _save(viewer, card, form)
    except AnswersClosedError as exc:
        context["error"] = str(exc)
        return render(request, "intros/_save_status.html", context)
    response = render(request, "intros/_save_status.html", {**context, "saved_at": saved.updated})
    response["X-Answers-Saved"] = "1"  # the page's script drops its local draft on this
    return response


# --------------------------------------------------------------------------- digest


@never_cache
@require_GET
def digest(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if not is_async_participant(registration):
        raise Http404
    sent = digest_sent(registration)
    context = {
        "registration": registration,
        "event": registration.event,
        "member": registration.member,
        "sent": sent,
        "due_at": digest_due_at(registration),
        "entries": digest_entries(registration) if sent else [],
        "zone": zone(registration.member.timezone),
    }
    return render(request, "intros/digest.html", context)


@require_POST
def follow_up(request: HttpRequest, token: str, partner_pk: int) -> HttpResponse:
    registration = _registration(token)
    partner = _other(registration, partner_pk)
    done = request.POST.get("done") == "1"
    try:
        answer_met_check(registration, partner, done)
    except NotPartnerError:
        raise Http404 from None
    if request.htmx:
        context = {"registration": registration, "partner": partner, "done": done}
        return render(request, "intros/_follow_up.html", context)
    return redirect("portal:intro_digest", token=token)


# --------------------------------------------------------------------------- group


@never_cache
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, token: str) -> HttpResponse:
    """A small group's shared page: everyone's intro and a message thread."""
    registration = _registration(token)
    found = group_of(registration)
    if found is None:
        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post_group_message(registration, form.cleaned_data["text"])
        return redirect(reverse("portal:intro_group", kwargs={"token": token}) + "#thread")
    members = group_members(found)
    profiles = partner_views(registration, members)
    context = {
        "registration": registration,
        "event": registration.event,
        "group": found,
        "members": [(m, intro_of(m), p) for m, p in zip(members, profiles, strict=True)],
        "thread": group_posts(found),
        "form": form,
        "zone": zone(registration.member.timezone),
        "call": call_box(group_thread(found), registration, timezone.now()),
        "call_url": reverse("portal:intro_group_call", args=[token]),
    }
    return render(request, "intros/group.html", context)


# --------------------------------------------------------------------------- organizers


@login_required
def overview(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    statuses = digest_statuses(event)
    now = timezone.now()
    timing = async_timing(event, now)
    # before the forms open nothing is missing yet: only what is due now is shown
    forms = form_statuses(event) if timing.forms_open else []
    missing = [f for f in forms if not f.filled]
    query = request.GET.get("q", "").strip()[:100]
    show = request.GET.get("show", "")
    params = request.GET.copy()
    for key in ("missing_page", "people_page"):
        params.pop(key, None)
    context = {
        "timing": timing,
        "event": event,
        "community": event.community,
        "limits": intro_settings(event),
        "statuses": statuses,
        "forms": forms,
        "missing": missing,
        # the tables page and filter (800 people owe 2,400 forms); the figures above count all
        "missing_page": _page(
            [f for f in missing if _matches(query, f.author, f.subject)], request, "missing_page"
        ),
        "people_page": _page(
            [s for s in statuses if _matches(query, s.registration) and _shown(show, s)],
            request,
            "people_page",
        ),
        "query": query,
        "show": show,
        "query_string": params.urlencode(),
        "to_remind": sum(1 for f in forms if not f.filled and f.open and f.is_due(now)),
        "follow_up_rate": follow_up_rate(statuses),
        "sent": sum(1 for s in statuses if s.sent_at),
        "with_intro": sum(1 for s in statuses if s.has_intro),
        "zone": zone(event.timezone),
        "now": now,
    }
    return render(request, "intros/orga_overview.html", context)


#: rows per page of the Async tab's tables
TABLE_PAGE = 50
#: the people table's filters: ``?show=`` -> which rows
SHOW = {
    "no-intro": lambda s: not s.has_intro,
    "not-sent": lambda s: s.sent_at is None,
    "failed": lambda s: bool(s.error),
}


def _page(rows: list, request: HttpRequest, key: str) -> Page:
    return Paginator(rows, TABLE_PAGE).get_page(request.GET.get(key))


def _matches(query: str, *people: Registration) -> bool:
    """Whether ``query`` is in the name or email of one of ``people`` (no query: all)."""
    q = query.casefold()
    return not q or any(q in f"{p.member.name} {p.member.email}".casefold() for p in people)


def _shown(show: str, status: DigestStatus) -> bool:
    keep = SHOW.get(show)
    return keep is None or keep(status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    form = IntroSettingsForm(request.POST or None, instance=intro_settings(event))
    if request.method == "POST" and form.is_valid():
        update_intro_settings(event, **form.values())
        messages.success(request, "Saved. The new settings apply from now on.")
        return redirect("orga:intros", event_pk=event.pk)
    context = {"event": event, "community": event.community, "form": form}
    return render(request, "intros/orga_settings.html", context)


@login_required
@require_POST
def nudge(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    try:
        pairs = (
            [(int(request.POST["author"]), int(request.POST["subject"]))]
            if "author" in request.POST
            else None
        )
    except (KeyError, ValueError):
        raise Http404 from None
    now = timezone.now()
    count = nudge_authors(event, pairs, now)
    timing = async_timing(event, now)
    if count:
        messages.success(request, f"Sent {count} reminder{'s' if count != 1 else ''} by email.")
    elif not timing.forms_open:
        # the true reason: nothing is due yet, not "filled or closed"
        when = format_moment(timing.forms_open_at, event.timezone)
        messages.info(request, f"Partner forms open on {when}: nobody is reminded before.")
    else:
        messages.info(
            request,
            "Nobody to remind: forms are filled, closed, not due yet (their round has not "
            "started), or were nudged within the last hour.",
        )
    return redirect("orga:intros", event_pk=event.pk)


@login_required
@require_POST
def ask_for_intro(request: HttpRequest, event_pk: int, registration_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    registration = registration_for(request.user, event, registration_pk)
    request_intro(registration)
    messages.success(request, f"Asked {registration.member.name} for an intro by email.")
    return redirect("orga:intros", event_pk=event.pk)


@login_required
@require_GET
def watch(request: HttpRequest, event_pk: int, registration_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    registration = registration_for(request.user, event, registration_pk)
    context = {
        "event": event,
        "community": event.community,
        "owner": registration,
        "intro": intro_of(registration),
    }
    return render(request, "intros/orga_watch.html", context)


@login_required
@require_GET
def orga_media(
    request: HttpRequest, event_pk: int, registration_pk: int, which: str
) -> HttpResponseBase:
    event = event_for(request.user, event_pk)  # another community's event: 404
    registration = registration_for(request.user, event, registration_pk)
    intro = intro_of(registration)
    if intro is None or which not in ("video", "captions"):
        raise Http404
    return _media_response(request, intro, which)
