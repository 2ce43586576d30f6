"""The personal-data registry: apps above the privacy app add their part of a person's data
download, erasure and purge without the privacy app importing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from netweave.web.common import personal_data
from netweave.web.common.personal_data import PersonalData
from netweave.web.events.models import Event, Registration
from netweave.web.privacy.domain import erase_member, member_data, purge_expired
from netweave.web.privacy.models import PurgeRecord
from tests.web.factories import EventFactory, RegistrationFactory


@pytest.fixture
def register() -> Iterator:
    """Register providers for one test and remove them afterwards."""
    added: list[str] = []

    def add(provider: PersonalData) -> PersonalData:
        added.append(provider.name)
        return personal_data.register_personal_data(provider)

    yield add
    for name in added:
        personal_data.unregister_personal_data(name)


def _old_event() -> Event:
    return EventFactory(starts_at=timezone.now() - dt.timedelta(days=800), status="done")


def test_installed_apps_register_their_parts_sorted_by_name():
    names = [p.name for p in personal_data.personal_data_providers()]
    assert names == ["followup", "intros"]


def test_providers_sorted_by_name_not_by_registration(register):
    register(PersonalData("zz-late"))
    register(PersonalData("aa-early"))
    names = [p.name for p in personal_data.personal_data_providers()]
    assert names.index("aa-early") < names.index("followup") < names.index("zz-late")


def test_registering_a_name_again_replaces_it(register):
    register(PersonalData("example", counts=lambda event: {"one": 1}))
    register(PersonalData("example", counts=lambda event: {"two": 2}))
    (example,) = [p for p in personal_data.personal_data_providers() if p.name == "example"]
    assert example.counts(None) == {"two": 2}


@pytest.mark.django_db
def test_registered_provider_adds_its_sections_to_the_download(register):
    registration = RegistrationFactory()
    register(
        PersonalData(
            "example",
            profile=lambda member: {"example_badge": member.name},
            registration=lambda r: {"example_notes": [r.event.title]},
        )
    )

    data = member_data(registration.member)

    assert data["profile"]["example_badge"] == registration.member.name
    assert data["registrations"][0]["example_notes"] == [registration.event.title]


@pytest.mark.django_db
def test_download_sections_follow_provider_names(register):
    registration = RegistrationFactory()
    register(PersonalData("zz-late", registration=lambda r: {"zz_section": 1}))
    register(PersonalData("aa-early", registration=lambda r: {"aa_section": 1}))

    keys = list(member_data(registration.member)["registrations"][0])

    # the privacy app's own keys first, then the providers' in name order (followup, intros)
    assert keys[keys.index("held_meetings") :] == [
        "held_meetings",
        "aa_section",
        "feedback",
        "intro",
        "answers_written",
        "posts_written",
        "calls_proposed",
        "zz_section",
    ]


@pytest.mark.django_db
def test_provider_key_clashing_with_the_download_raises(register):
    registration = RegistrationFactory()
    register(PersonalData("example", registration=lambda r: {"feedback": "mine"}))
    with pytest.raises(ValueError, match="'followup' gives 'feedback', as does provider 'example'"):
        member_data(registration.member)


@pytest.mark.django_db
def test_provider_key_clashing_with_the_privacy_apps_own_raises(register):
    registration = RegistrationFactory()
    register(PersonalData("example", registration=lambda r: {"event": "mine"}))
    with pytest.raises(ValueError, match="'event', as does the privacy app"):
        member_data(registration.member)


@pytest.mark.django_db
def test_registered_provider_erasure_runs_before_the_rows_go(register):
    registration = RegistrationFactory()
    seen: list[tuple[str, int]] = []

    def erase(member, registrations):
        still_there = Registration.objects.filter(pk__in=[r.pk for r in registrations]).count()
        seen.append((member.email, still_there))

    register(PersonalData("example", erase=erase))

    erase_member(registration.member)

    assert seen == [(registration.member.email, 1)]
    assert not Registration.objects.filter(pk=registration.pk).exists()


@pytest.mark.django_db
def test_registered_provider_purge_runs_and_counts_land_in_the_record(register):
    event = _old_event()
    RegistrationFactory.create_batch(2, event=event)
    purged: list[tuple[int, int]] = []
    register(
        PersonalData(
            "example",
            purge=lambda ev, regs: purged.append((ev.pk, len(regs))),
            counts=lambda ev: {"examples": 7},
        )
    )

    report = purge_expired()

    assert purged == [(event.pk, 2)]
    assert report.events[f"{event.community.slug}/{event.slug}"]["examples"] == 7
    assert PurgeRecord.objects.get(event=event).counts["examples"] == 7


@pytest.mark.django_db
def test_purge_dry_run_counts_but_does_not_purge(register):
    event = _old_event()
    RegistrationFactory(event=event)
    purged: list[int] = []
    register(PersonalData("example", purge=lambda ev, regs: purged.append(ev.pk)))

    purge_expired(dry_run=True)

    assert (purged, Registration.objects.filter(event=event).count()) == ([], 1)


@pytest.mark.django_db
def test_purge_report_keys_keep_their_order():
    event = _old_event()
    RegistrationFactory(event=event)

    (counts,) = purge_expired(dry_run=True).events.values()

    assert list(counts) == [
        "registrations",
        "live",
        "async",
        "held_meetings",
        "event_feedback",
        "meeting_feedback",
        "intros",
        "answers",
    ]
