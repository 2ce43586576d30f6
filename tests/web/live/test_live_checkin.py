"""Check-in on the live console: ticks, a pasted Zoom list with review, walk-ins."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from netweave.web.community.models import Member
from netweave.web.events.models import Registration
from netweave.web.live.forms import PASTE_MAX
from netweave.web.live.models import Attendance
from tests.web.factories import EventFactory, MemberFactory, RegistrationFactory, published_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_event(community):
    regs, _ = published_example(EventFactory(community=community))
    return regs[0].event, regs


def _url(name: str, event, **kwargs) -> str:
    return reverse(f"orga:{name}", kwargs={"event_pk": event.pk, **kwargs})


def _status(registration: Registration) -> str:
    return Attendance.objects.get(registration=registration).status


def test_tick_present_without_javascript_returns_to_the_row(orga_client, live_event):
    event, regs = live_event

    response = orga_client.post(
        _url("live_attendance", event, registration_pk=regs[0].pk), {"status": "present"}
    )

    assert response.url.endswith(f"#person-{regs[0].pk}")


def test_tick_present_is_recorded(orga_client, live_event):
    event, regs = live_event

    orga_client.post(
        _url("live_attendance", event, registration_pk=regs[0].pk), {"status": "present"}
    )

    assert _status(regs[0]) == "present"


def test_tick_with_htmx_returns_only_the_row(orga_client, live_event):
    event, regs = live_event

    response = orga_client.post(
        _url("live_attendance", event, registration_pk=regs[1].pk),
        {"status": "absent"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert (html.lstrip().startswith(f'<tr id="person-{regs[1].pk}"'), "Absent" in html) == (
        True,
        True,
    )


def test_tick_unknown_status_changes_nothing(orga_client, live_event):
    event, regs = live_event

    orga_client.post(_url("live_attendance", event, registration_pk=regs[0].pk), {"status": "here"})

    assert not Attendance.objects.filter(registration=regs[0]).exists()


def test_tick_registration_of_another_event_is_404(orga_client, live_event):
    event, _ = live_event
    stranger = RegistrationFactory(event=EventFactory(community=event.community))

    response = orga_client.post(
        _url("live_attendance", event, registration_pk=stranger.pk), {"status": "present"}
    )

    assert response.status_code == 404


def test_paste_shows_sure_matches_ticked(orga_client, live_event):
    event, regs = live_event
    text = f"{regs[0].member.name} (Host, me)\n{regs[1].member.email.upper()}"

    page = orga_client.post(_url("live_paste", event), {"text": text}).content.decode()

    assert page.count("checked>") == 2


def test_paste_review_marks_nobody_present_yet(orga_client, live_event):
    event, regs = live_event

    orga_client.post(_url("live_paste", event), {"text": regs[0].member.name})

    assert not Attendance.objects.exists()


def test_paste_lists_unknown_names_for_walk_in(orga_client, live_event):
    event, _ = live_event

    page = orga_client.post(_url("live_paste", event), {"text": "Ursula Unknown"}).content.decode()

    assert 'value="Ursula Unknown"' in page


def test_paste_suggests_people_for_a_shared_first_name(orga_client, live_event):
    event, regs = live_event
    regs[0].member.name, regs[1].member.name = "Ana Lima", "Ana Souza"
    for reg in regs[:2]:
        reg.member.save()

    page = orga_client.post(_url("live_paste", event), {"text": "Ana"}).content.decode()

    assert "“Ana” could be:" in page


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02",
        '"unterminated, quote\n,,,;;;\t\t',
        "Name (Original Name),User Email\n" + "x," * 400,
        "(((((((((((\n)))))))]]]]>>>><<<",
        "🙂 (🙂) <🙂@🙂>",
        "\n".join(f"Person {k}, p{k}@example.org, 10:0{k % 10}" for k in range(3000)),
    ],
)
def test_paste_of_any_shape_never_crashes(orga_client, live_event, text):
    event, _ = live_event

    response = orga_client.post(_url("live_paste", event), {"text": text})

    assert response.status_code == 200


def test_paste_longer_than_the_limit_is_refused(orga_client, live_event):
    event, _ = live_event

    page = orga_client.post(
        _url("live_paste", event), {"text": "x" * (PASTE_MAX + 1)}
    ).content.decode()

    assert "Paste a participant list" in page


def test_confirm_marks_ticked_people_present(orga_client, live_event):
    event, regs = live_event

    orga_client.post(_url("live_confirm", event), {"registrations": [regs[0].pk, regs[2].pk]})

    assert set(Attendance.objects.values_list("registration_id", "status")) == {
        (regs[0].pk, "present"),
        (regs[2].pk, "present"),
    }


def test_confirm_ignores_other_events_people(orga_client, live_event):
    event, _ = live_event
    stranger = RegistrationFactory()

    orga_client.post(_url("live_confirm", event), {"registrations": [stranger.pk]})

    assert not Attendance.objects.filter(registration=stranger).exists()


def test_walk_in_is_registered_and_present(orga_client, live_event):
    event, _ = live_event

    orga_client.post(_url("live_walk_in", event), {"name": "Zed Walker", "email": "ZED@x.org"})

    attendance = Attendance.objects.get(registration__member__email="zed@x.org")
    assert (attendance.status, attendance.walk_in, attendance.registration.mode) == (
        "present",
        True,
        "live",
    )


def test_walk_in_who_is_a_member_keeps_their_profile(orga_client, live_event):
    event, _ = live_event
    member = MemberFactory(community=event.community, name="Zoe Known", about="Runs a guild")

    orga_client.post(_url("live_walk_in", event), {"name": "Zoe", "email": member.email})

    member.refresh_from_db()
    assert (Member.objects.filter(email=member.email).count(), member.about) == (1, "Runs a guild")


def test_walk_in_already_registered_is_just_checked_in(orga_client, live_event):
    event, regs = live_event

    orga_client.post(
        _url("live_walk_in", event), {"name": "Someone", "email": regs[0].member.email}
    )

    assert Attendance.objects.get(registration=regs[0]).walk_in is False


def test_walk_in_with_bad_email_shows_the_form_again(orga_client, live_event):
    event, _ = live_event

    response = orga_client.post(_url("live_walk_in", event), {"name": "Zed", "email": "nope"})

    assert (response.status_code, Registration.objects.filter(event=event).count()) == (200, 9)


def test_check_in_forms_need_the_csrf_token(organizer, live_event):
    event, regs = live_event
    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)

    response = client.post(
        _url("live_attendance", event, registration_pk=regs[0].pk), {"status": "present"}
    )

    assert response.status_code == 403


def test_walk_in_gets_their_link_by_email(
    orga_client, live_event, mailoutbox, django_capture_on_commit_callbacks
):
    event, _ = live_event

    with django_capture_on_commit_callbacks(execute=True):
        orga_client.post(_url("live_walk_in", event), {"name": "Zed Walker", "email": "zed@x.org"})

    assert [m.to for m in mailoutbox] == [["zed@x.org"]]


def test_paste_matches_an_apostrophe_name_shown_with_pronouns_and_a_device(orga_client, live_event):
    event, regs = live_event
    regs[0].member.name = "Liam O'Brien"
    regs[0].member.save()

    page = orga_client.post(
        _url("live_paste", event), {"text": "liam o’brien (he/him) - iPhone"}
    ).content.decode()

    assert f'value="{regs[0].pk}" checked' in page


def test_paste_prefills_a_walk_in_with_the_name_as_spelt(orga_client, live_event):
    event, _ = live_event

    page = orga_client.post(
        _url("live_paste", event), {"text": "Liam O'Brien (he/him) - iPhone"}
    ).content.decode()

    assert 'value="Liam O&#x27;Brien"' in page
