"""The participant's forms know what people offer and seek and which rounds they attend."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.community.models import Member
from netweave.web.events.answers import pending_changes
from netweave.web.events.models import Event, Registration, RegistrationRequest
from netweave.web.matching.domain.inputs import event_people
from tests.web.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> Event:
    return EventFactory(rounds=4)


def _answers(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "name": "Ana Pereira",
        "email": "ana@example.org",
        "timezone": "Europe/Lisbon",
        "mode": "live",
        "offers": "Grant writing; running a meetup, grant writing",
        "seeks": "finding funders",
        "available": ["1", "2"],
    }
    answers.update(overrides)
    return answers


def _register(client, event: Event, **overrides: object):
    url = reverse("portal:register", args=[event.community.slug, event.slug])
    return client.post(url, _answers(**overrides))


def test_register_form_asks_offers_seeks_and_one_box_per_round(client, event):
    url = reverse("portal:register", args=[event.community.slug, event.slug])
    page = client.get(url).content.decode()
    assert "What can you help others with?" in page
    assert "What are you looking for help with?" in page
    assert [f"Round {n}" in page for n in range(1, 6)] == [True] * 4 + [False]


def test_register_stores_offers_seeks_and_rounds_for_the_planner(client, event):
    _register(client, event)
    member = Member.objects.get(community=event.community)
    assert (member.offers, member.seeks) == (
        ["grant writing", "running a meetup"],
        ["finding funders"],
    )
    assert Registration.objects.get(event=event).available == [1, 2]
    (person,) = event_people(event)
    assert (person.offers, person.available, person.first_time) == (
        ("grant writing", "running a meetup"),
        (1, 2),
        True,
    )


def test_register_every_round_ticked_means_all(client, event):
    _register(client, event, available=["1", "2", "3", "4"])
    assert Registration.objects.get(event=event).available == []


def test_register_a_round_the_event_lacks_is_refused(client, event):
    response = _register(client, event, available=["9"])
    assert "available" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_register_form_of_a_fully_async_event_asks_no_rounds(client):
    event = EventFactory(rounds=3, fully_async=True)
    url = reverse("portal:register", args=[event.community.slug, event.slug])
    assert "Which rounds can you attend?" not in client.get(url).content.decode()


def test_edit_shows_and_changes_rounds_offers_and_seeks(client, event):
    registration = RegistrationFactory(
        event=event, available=[2], member__offers=["maps"], member__seeks=[]
    )
    url = reverse("portal:edit", args=[registration.token])
    form = client.get(url).context["form"]
    assert (form["available"].value(), form["offers"].value()) == ([2], "maps")
    client.post(url, _answers(offers="", seeks="maps", available=["3", "4"]))
    registration.refresh_from_db()
    registration.member.refresh_from_db()
    assert (registration.available, registration.member.offers, registration.member.seeks) == (
        [3, 4],
        [],
        ["maps"],
    )


def test_mine_shows_offers_seeks_and_rounds(client, event):
    registration = RegistrationFactory(
        event=event, available=[1, 3], member__offers=["maps"], member__seeks=["grants"]
    )
    page = client.get(reverse("portal:mine", args=[registration.token])).content.decode()
    assert "<dt>You can help with</dt><dd>maps</dd>" in page
    assert "<dt>You are looking for help with</dt><dd>grants</dd>" in page
    assert "rounds 1, 3" in page


def test_known_address_changes_offers_and_rounds_only_once_confirmed(client, event, mailoutbox):
    member = RegistrationFactory(event=event, member__email="ana@example.org").member
    _register(client, event)
    member.refresh_from_db()
    assert member.offers == []
    request = RegistrationRequest.objects.get()
    labels = [c.label for c in pending_changes(request)]
    assert "What you can help with" in labels
    assert "Rounds you can attend" in labels
