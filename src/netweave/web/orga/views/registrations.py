"""An event's registrations: the list with search and filters, editing, switching mode."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from netweave.web.events.domain import (
    FullyAsyncModeError,
    registration_counts,
    registration_requests,
    search_registrations,
    switch_mode,
    update_registration,
)
from netweave.web.events.forms import RegistrationFilterForm, RegistrationForm
from netweave.web.events.links import revoke_link
from netweave.web.events.permissions import event_for, registration_for

PAGE_SIZE = 50


@login_required
def listing(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    form = RegistrationFilterForm(request.GET or None)
    query = mode = ""
    if form.is_valid():
        query, mode = form.cleaned_data["q"], form.cleaned_data["mode"]
    registrations = search_registrations(event, query, mode, form.has_requests())
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "event": event,
        "community": event.community,
        "form": form,
        "page": page,
        "counts": registration_counts(event),
        "requests": registration_requests(event),
        "filtered": bool(query or mode or form.has_requests() is not None),
        "query_string": params.urlencode(),
        "here": request.get_full_path(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "orga/registrations_results.html" if partial else "orga/registrations.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def edit(request: HttpRequest, event_pk: int, registration_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    registration = registration_for(request.user, event, registration_pk)
    form = RegistrationForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            update_registration(registration, **form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved the registration of {registration.member.name}.")
            return redirect("orga:registrations", event_pk=event.pk)
    context = {
        "event": event,
        "community": event.community,
        "registration": registration,
        "form": form,
    }
    return render(request, "orga/registration_edit.html", context)


@login_required
@require_POST
def switch(request: HttpRequest, event_pk: int, registration_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    registration = registration_for(request.user, event, registration_pk)
    try:
        switch_mode(registration)
    except FullyAsyncModeError as error:
        messages.error(request, error.message)
        return redirect("orga:registrations", event_pk=event.pk)
    if request.htmx:
        # swap just this row; the counts above refresh on the next page load
        row = search_registrations(event).get(pk=registration.pk)
        context = {"event": event, "registration": row, "here": request.POST.get("next", "")}
        return render(request, "orga/registration_row.html", context)
    how = "joins live" if registration.mode == registration.Mode.LIVE else "takes part async"
    messages.success(request, f"{registration.member.name} now {how}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("orga:registrations", event_pk=event.pk)
    return redirect(target)


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
