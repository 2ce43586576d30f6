"""Next-day digests: on time in each participant's own zone (daylight saving included),
sent once however often ``send-due`` runs, with a follow-up checklist; organizers see it all."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.intros.domain.answers import save_answers
from netweave.web.intros.domain.digests import mark_followed_up, send_digest
from netweave.web.intros.domain.nudges import nudge_authors
from netweave.web.intros.models import Digest, FollowUp, Nudge
from netweave.web.intros.queries.deadlines import digest_due_at, local_moment
from netweave.web.intros.queries.organizer import digest_statuses, follow_up_rate
from netweave.web.mail.due import send_due
from tests.web.factories import (
    AnswersFactory,
    EventFactory,
    IntroSettingsFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def async_person(event: Event, tz: str, **fields) -> Registration:
    return RegistrationFactory(
        event=event, mode=Registration.Mode.ASYNC, member__timezone=tz, **fields
    )


def scheduled(starts_at: dt.datetime, **fields) -> Event:
    """An event of 3 rounds of 8 minutes and 20 minutes of groups: it lasts 44 minutes."""
    return EventFactory(starts_at=starts_at, status=Event.Status.PUBLISHED, **fields)


# --------------------------------------------------------------------------- timing


def test_digest_due_next_morning_new_york_on_daylight_saving_start():
    # Saturday 7 March 2026, 11:00 in New York; clocks go forward on Sunday 8 March
    event = scheduled(at(2026, 3, 7, 16))
    person = async_person(event, "America/New_York")
    assert digest_due_at(person) == at(2026, 3, 8, 13)  # 09:00 EDT, not 09:00 EST


def test_digest_due_next_morning_sydney_on_daylight_saving_end():
    # Saturday 4 April 2026, 11:00 in Sydney; clocks go back on Sunday 5 April
    event = scheduled(at(2026, 4, 4, 0))
    person = async_person(event, "Australia/Sydney")
    assert digest_due_at(person) == at(2026, 4, 4, 23)  # 09:00 AEST, not 09:00 AEDT


def test_digest_due_day_after_the_event_in_the_participants_own_zone():
    # 16:00 UTC on 26 November is already 03:00 on the 27th in Melbourne: "the day after"
    # is the 28th there
    event = scheduled(at(2026, 11, 26, 16))
    person = async_person(event, "Australia/Melbourne")
    assert digest_due_at(person) == at(2026, 11, 27, 22)


def test_digest_due_in_tokyo_without_daylight_saving():
    event = scheduled(at(2026, 7, 1, 12))  # 21:00 in Tokyo
    person = async_person(event, "Asia/Tokyo")
    assert digest_due_at(person) == at(2026, 7, 2, 0)


def test_digest_due_at_configured_time_and_days():
    event = scheduled(at(2026, 6, 10, 15))
    IntroSettingsFactory(event=event, digest_time=dt.time(7, 30), digest_days_after=2)
    person = async_person(event, "Europe/Berlin")
    assert digest_due_at(person) == at(2026, 6, 12, 5, 30)


def test_digest_due_same_day_setting_never_before_the_event_ends():
    # "0 days after" with an event in the participant's afternoon: their next morning
    event = scheduled(at(2026, 6, 10, 15))
    IntroSettingsFactory(event=event, digest_days_after=0)
    person = async_person(event, "Europe/London")
    assert digest_due_at(person) == at(2026, 6, 11, 8)


def test_local_moment_inside_the_spring_forward_gap_comes_out_later():
    moment = local_moment(dt.date(2026, 3, 8), dt.time(2, 30), "America/New_York")
    assert moment == at(2026, 3, 8, 7, 30)  # 03:30 EDT


# --------------------------------------------------------------------------- sending


@pytest.fixture
def met():
    """Kofi (async, Melbourne) met Ana and Ben (live) at an event on 26 November 2026."""
    event = scheduled(at(2026, 11, 26, 16))
    kofi = async_person(event, "Australia/Melbourne", member__name="Kofi")
    ana = RegistrationFactory(event=event, member__name="Ana", consent_share_email=True)
    ben = RegistrationFactory(event=event, member__name="Ben")
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, round=1, room=None, is_async=True, seats=[ana, kofi])
    MeetingFactory(plan=plan, round=2, room=None, is_async=True, seats=[ben, kofi])
    return SimpleNamespace(event=event, kofi=kofi, ana=ana, ben=ben, due=at(2026, 11, 27, 22))


def test_send_due_twice_sends_one_digest(met):
    send_due(met.due)
    send_due(met.due + dt.timedelta(minutes=5))
    assert [m.subject for m in mail.outbox] == [
        f"What your partners at {met.event.title} wrote for you"
    ]


def test_send_due_reports_digests_sent(met):
    assert send_due(met.due)["intros-digests"] == 1


def test_send_due_before_due_sends_nothing(met):
    send_due(met.due - dt.timedelta(minutes=1))
    assert mail.outbox == []


def test_send_digest_marks_sent_at(met):
    send_digest(met.kofi, met.due)
    assert Digest.objects.get(registration=met.kofi).sent_at == met.due


def test_send_digest_again_returns_false(met):
    send_digest(met.kofi, met.due)
    assert send_digest(met.kofi, met.due) is False
    assert len(mail.outbox) == 1


def test_digest_email_has_answers_and_consented_contacts_only(met):
    met.kofi.consent_share_email = True  # both agreed: Ana's address is in Kofi's digest
    met.kofi.save()
    AnswersFactory(subject=met.kofi, author=met.ana, contact="+61 400", share_contact=True)
    AnswersFactory(subject=met.kofi, author=met.ben, contact="secret", share_contact=False)
    send_digest(met.kofi, met.due)
    body = mail.outbox[0].body
    assert "Onboarding." in body
    assert "+61 400" in body
    assert met.ana.member.email in body
    assert "secret" not in body
    assert met.ben.member.email not in body


def test_digest_email_gives_an_address_once_when_the_contact_is_the_email(met):
    met.kofi.consent_share_email = True
    met.kofi.save()
    email = met.ana.member.email
    AnswersFactory(subject=met.kofi, author=met.ana, contact=email.upper(), share_contact=True)
    send_digest(met.kofi, met.due)
    body = mail.outbox[0].body
    assert body.lower().count(email.lower()) == 1


def test_digest_email_hides_email_when_only_the_partner_agreed(met):
    # Ana ticked "share my email", Kofi did not: one-way sharing shows nothing
    send_digest(met.kofi, met.due)
    assert met.ana.member.email not in mail.outbox[0].body


def test_digest_email_goes_to_the_async_participant(met):
    send_digest(met.kofi, met.due)
    assert mail.outbox[0].to == [met.kofi.member.email]


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("mail server down")


def test_digest_not_marked_sent_when_mail_fails(met, settings):
    settings.EMAIL_BACKEND = "tests.web.intros.test_intros_digest.FailingBackend"
    send_digest(met.kofi, met.due)
    digest = Digest.objects.get(registration=met.kofi)
    assert (digest.sent_at, digest.attempts, digest.error) == (None, 1, "mail server down")


def test_digest_failed_once_is_sent_at_next_run(met, settings):
    settings.EMAIL_BACKEND = "tests.web.intros.test_intros_digest.FailingBackend"
    send_due(met.due)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_due(met.due + dt.timedelta(minutes=5))
    assert len(mail.outbox) == 1


def test_digest_not_sent_to_live_participants(met):
    send_due(met.due + dt.timedelta(days=2))
    assert [m.to for m in mail.outbox] == [[met.kofi.member.email]]


def test_digest_not_sent_without_partners(met):
    loner = async_person(met.event, "Europe/London")
    send_due(met.due + dt.timedelta(days=2))
    assert not Digest.objects.filter(registration=loner).exists()


def test_digest_not_sent_before_a_plan_is_published(met):
    met.event.plans.update(published_at=None)
    send_due(met.due)
    assert mail.outbox == []


def test_answers_in_time_make_it_into_the_digest(met):
    save_answers(met.ana, met.kofi, ["See you at the meetup"])
    send_due(met.due)
    assert "See you at the meetup" in mail.outbox[0].body


# --------------------------------------------------------------------------- the digest page


def digest_page(client, registration) -> str:
    return client.get(reverse("portal:intro_digest", args=[registration.token])).content.decode()


def test_digest_page_before_sending_says_when(client, met):
    page = digest_page(client, met.kofi)
    assert "Saturday 28 November, 09:00" in page


def test_digest_page_after_sending_lists_answers(client, met):
    AnswersFactory(subject=met.kofi, author=met.ana)
    send_digest(met.kofi, met.due)
    page = digest_page(client, met.kofi)
    assert "Onboarding." in page
    assert "Mark as followed up" in page


def test_digest_page_for_live_participant_404(client, met):
    response = client.get(reverse("portal:intro_digest", args=[met.ana.token]))
    assert response.status_code == 404


def follow_up(client, owner, partner, done="1", **headers):
    url = reverse("portal:intro_follow_up", args=[owner.token, partner.pk])
    return client.post(url, {"done": done}, **headers)


def test_follow_up_checklist_ticks_partner(client, met):
    follow_up(client, met.kofi, met.ana)
    assert FollowUp.objects.filter(owner=met.kofi, partner=met.ana).exists()


def test_follow_up_checklist_unticks_partner(client, met):
    follow_up(client, met.kofi, met.ana)
    follow_up(client, met.kofi, met.ana, done="0")
    assert not FollowUp.objects.exists()


def test_follow_up_with_htmx_answers_the_button(client, met):
    response = follow_up(client, met.kofi, met.ana, HTTP_HX_REQUEST="true")
    assert "Followed up" in response.content.decode()


def test_follow_up_someone_not_met_404(client, met):
    stranger = RegistrationFactory(event=met.event)
    assert follow_up(client, met.kofi, stranger).status_code == 404


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run what is queued after commit (emails go out from tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --------------------------------------------------------------------------- organizers


def test_follow_up_rate_over_sent_digests(met):
    send_digest(met.kofi, met.due)
    mark_followed_up(met.kofi, met.ana)
    assert follow_up_rate(digest_statuses(met.event)) == 0.5


def test_follow_up_rate_none_before_any_digest(met):
    assert follow_up_rate(digest_statuses(met.event)) is None


def test_digest_status_counts_answers(met):
    AnswersFactory(subject=met.kofi, author=met.ana)
    (status,) = digest_statuses(met.event)
    assert (status.partners, status.answered, status.due_at) == (2, 1, met.due)


def overview(client, event) -> str:
    return client.get(reverse("orga:intros", args=[event.pk])).content.decode()


def test_orga_overview_shows_digest_status_and_follow_up_rate(orga_client, community, met):
    met.event.community = community
    met.event.save()
    send_digest(met.kofi, met.due)
    mark_followed_up(met.kofi, met.ana)
    page = overview(orga_client, met.event)
    assert "sent" in page
    assert "50 %" in page
    assert "1 of 2" in page


def test_orga_overview_lists_missing_forms(orga_client, community, met):
    Event.objects.filter(pk=met.event.pk).update(community=community)
    AnswersFactory(subject=met.kofi, author=met.ana)
    page = overview(orga_client, met.event)
    assert "Remind everyone missing (1)" in page
    assert met.ben.member.name in page


def test_orga_overview_other_organizer_404(outsider_client, met):
    assert outsider_client.get(reverse("orga:intros", args=[met.event.pk])).status_code == 404


def test_nudge_emails_the_author_of_a_missing_form(met, run):
    with run():
        assert nudge_authors(met.event, [(met.ben.pk, met.kofi.pk)]) == 1
    assert mail.outbox[0].to == [met.ben.member.email]
    assert "Kofi" in mail.outbox[0].subject


def test_nudge_links_to_the_partner_form(met, run):
    with run():
        nudge_authors(met.event, [(met.ben.pk, met.kofi.pk)])
    assert reverse("portal:intro_partner", args=[met.ben.token, met.kofi.pk]) in mail.outbox[0].body


def test_nudge_everyone_missing_skips_filled_forms(met, run):
    AnswersFactory(subject=met.kofi, author=met.ana)
    with run():
        nudge_authors(met.event)
    assert [m.to for m in mail.outbox] == [[met.ben.member.email]]


def test_nudge_not_repeated_within_the_hour(met, run):
    with run():
        nudge_authors(met.event)
    with run():
        assert nudge_authors(met.event) == 0
    assert len(mail.outbox) == 2


def test_nudge_button_for_organizer(orga_client, community, met):
    Event.objects.filter(pk=met.event.pk).update(community=community)
    orga_client.post(reverse("orga:intros_nudge", args=[met.event.pk]))
    assert Nudge.objects.count() == 2


def test_nudge_by_other_organizer_404(outsider_client, met):
    response = outsider_client.post(reverse("orga:intros_nudge", args=[met.event.pk]))
    assert response.status_code == 404
    assert not Nudge.objects.exists()


def test_organizer_asks_live_participant_for_an_intro(orga_client, community, met, client, run):
    Event.objects.filter(pk=met.event.pk).update(community=community)
    with run():
        orga_client.post(reverse("orga:intros_ask", args=[met.event.pk, met.ana.pk]))
    page = client.get(reverse("portal:mine", args=[met.ana.token])).content.decode()
    assert mail.outbox[0].to == [met.ana.member.email]
    assert "asked you for a short intro" in page


def test_nudge_after_the_digest_went_out_skipped(met, run):
    send_digest(met.kofi, met.due)
    with run():
        assert nudge_authors(met.event) == 0


def test_orga_overview_missing_form_after_digest_is_closed(orga_client, community, met):
    Event.objects.filter(pk=met.event.pk).update(community=community)
    send_digest(met.kofi, met.due)
    page = overview(orga_client, met.event)
    assert "closed: the digest went out" in page
    assert "Remind everyone missing" not in page
