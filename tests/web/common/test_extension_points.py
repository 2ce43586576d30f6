"""The participant-page panels and the organizer event tabs that other apps extend."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.common import panels
from netweave.web.common.tabs import EventTab, event_tabs
from tests.web.factories import EventFactory, RegistrationFactory


def test_event_tab_current_for_its_prefixed_pages():
    assert EventTab("Plan", "orga:plan", ("plan",)).is_current("plan_diff")


def test_event_tab_not_current_for_similar_names():
    assert not EventTab("Plan", "orga:plan", ("plan",)).is_current("planet")


def test_event_tabs_sorted_by_order():
    orders = [t.order for t in event_tabs()]
    assert orders == sorted(orders)


@pytest.fixture
def greeting_panel():
    def greet(request, registration):
        return panels.Panel("portal/_event_time.html", {"hello": registration.member.name}, 10)

    panels.register_panel(greet)
    yield greet
    panels._sources.remove(greet)


@pytest.mark.django_db
def test_panels_for_splits_before_and_after_schedule(rf, greeting_panel):
    registration = RegistrationFactory()
    before, _ = panels.panels_for(rf.get("/"), registration)
    ours = [p for p in before if "hello" in p.context]  # the apps' own panels come too
    assert [p.context["hello"] for p in ours] == [registration.member.name]


@pytest.mark.django_db
def test_orga_event_page_shows_registered_tabs(orga_client, community):
    event = EventFactory(community=community)
    page = orga_client.get(reverse("orga:event", kwargs={"event_pk": event.pk})).content.decode()
    assert all(tab.label in page for tab in event_tabs())
