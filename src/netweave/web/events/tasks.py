"""Background work of registering: thin tasks that take ids and call the email verb they run.

Only the requesting side (:mod:`.registering`) imports this module; it imports
:mod:`.invites` and nothing that imports it back. A registration deleted between
enqueueing and running is simply skipped: there is nobody left to write to.
"""

from __future__ import annotations

from django_tasks import task

from netweave.web.events import invites
from netweave.web.events.models import Event, Registration, RegistrationRequest


def _registration(pk: int) -> Registration | None:
    return Registration.objects.select_related("member", "event__community").filter(pk=pk).first()


@task()
def send_registration_email_task(
    registration_id: int, updated: bool, consents_id: int | None = None
) -> None:
    registration = _registration(registration_id)
    if registration is not None:
        consents = RegistrationRequest.objects.filter(pk=consents_id).first()
        invites.send_registration_email(registration, updated=updated, consents=consents)


@task()
def send_link_email_task(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is not None:
        invites.send_link_email(registration)


@task()
def send_registration_request_task(request_id: int) -> None:
    """The owner's confirmation link; the secret is made here, right before the email."""
    request = RegistrationRequest.objects.select_related("event__community").filter(pk=request_id)
    if (found := request.first()) is not None:
        invites.send_registration_request(found)


@task()
def send_dates_changed_task(event_id: int) -> None:
    """Tell everyone registered for the event that its dates changed (one email each)."""
    event = Event.objects.select_related("community").filter(pk=event_id).first()
    if event is not None:
        invites.send_dates_changed(event)
