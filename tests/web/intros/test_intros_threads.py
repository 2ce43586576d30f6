"""Threads: a pair's conversation after the first answer, a group's thread, editing,
deleting, reporting, and the organizers hiding a post."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.intros.domain.threads import (
    MESSAGE_MAX,
    delete_post,
    edit_post,
    post_group_message,
    post_to_pair,
    report_post,
)
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.models import Post, PostReport
from netweave.web.intros.queries.threads import open_pair_threads, pair_thread_open
from tests.web.factories import (
    AnswersFactory,
    EventFactory,
    GroupFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(community):
    """Kofi (async, Melbourne) met Ana and Ben; Ana answered Kofi's form; all three and Cy
    share a small group."""
    event = EventFactory(
        community=community,
        starts_at=dt.datetime(2026, 11, 26, 16, tzinfo=dt.UTC),
        status=Event.Status.PUBLISHED,
    )
    kofi = RegistrationFactory(
        event=event,
        mode=Registration.Mode.ASYNC,
        member__timezone="Australia/Melbourne",
        member__name="Kofi",
    )
    ana = RegistrationFactory(event=event, member__name="Ana")
    ben = RegistrationFactory(event=event, member__name="Ben")
    cy = RegistrationFactory(event=event, member__name="Cy")
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, round=1, room=None, is_async=True, seats=[ana, kofi])
    MeetingFactory(plan=plan, round=2, room=None, is_async=True, seats=[ben, kofi])
    GroupFactory(plan=plan, seats=[kofi, ana, ben, cy])
    AnswersFactory(subject=kofi, author=ana)
    return SimpleNamespace(event=event, kofi=kofi, ana=ana, ben=ben, cy=cy)


def talk_url(viewer: Registration, partner: Registration) -> str:
    return reverse("portal:intro_talk", args=[viewer.token, partner.pk])


# --------------------------------------------------------------------------- who may talk


def test_pair_thread_open_after_the_first_answer_for_both_sides(pair):
    assert pair_thread_open(pair.kofi, pair.ana)
    assert pair_thread_open(pair.ana, pair.kofi)


def test_pair_thread_closed_before_any_answer(pair):
    assert not pair_thread_open(pair.kofi, pair.ben)


def test_pair_thread_closed_for_people_who_did_not_meet(pair):
    AnswersFactory(subject=pair.kofi, author=pair.cy)  # an answer alone opens nothing
    assert not pair_thread_open(pair.kofi, pair.cy)


def test_pair_thread_closed_by_an_empty_answer(pair):
    AnswersFactory(subject=pair.kofi, author=pair.ben, answers=[{"question": "q", "answer": " "}])
    assert not pair_thread_open(pair.kofi, pair.ben)


def test_open_pair_threads_lists_partners_with_post_counts(pair):
    post_to_pair(pair.ana, pair.kofi, "Hello Kofi")
    threads = open_pair_threads(pair.kofi)
    assert [(t.partner.pk, t.posts) for t in threads] == [(pair.ana.pk, 1)]


def test_post_to_pair_refused_before_the_thread_opens(pair):
    with pytest.raises(NotPartnerError):
        post_to_pair(pair.kofi, pair.ben, "Hi")


@pytest.mark.parametrize("text", ["", "   ", "x" * (MESSAGE_MAX + 1)])
def test_post_to_pair_refuses_empty_and_long_text(pair, text):
    with pytest.raises(ValueError, match=r"Write a message|at most"):
        post_to_pair(pair.kofi, pair.ana, text)


# --------------------------------------------------------------------------- the pages


def test_talk_page_posts_and_shows_the_thread_to_both(client, pair):
    client.post(talk_url(pair.kofi, pair.ana), {"text": "Coffee over video next week?"})
    assert Post.objects.get().pair_low_id == min(pair.kofi.pk, pair.ana.pk)
    assert "Coffee over video" in client.get(talk_url(pair.ana, pair.kofi)).content.decode()


def test_talk_page_404_when_the_thread_is_not_open(client, pair):
    assert client.get(talk_url(pair.kofi, pair.ben)).status_code == 404
    assert client.get(talk_url(pair.kofi, pair.cy)).status_code == 404


def test_talk_page_escapes_the_text(client, pair):
    post_to_pair(pair.ana, pair.kofi, "<script>alert(1)</script>")
    page = client.get(talk_url(pair.kofi, pair.ana)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_talk_page_post_needs_csrf(pair):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(talk_url(pair.kofi, pair.ana), {"text": "Hi"})
    assert response.status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize(("mine", "theirs", "shown"), [(True, False, False), (True, True, True)])
def test_talk_page_email_only_when_both_agreed(client, pair, mine, theirs, shown):
    Registration.objects.filter(pk=pair.kofi.pk).update(consent_share_email=mine)
    Registration.objects.filter(pk=pair.ana.pk).update(consent_share_email=theirs)
    page = client.get(talk_url(pair.kofi, pair.ana)).content.decode()
    assert (pair.ana.member.email in page) is shown


def test_partner_page_links_to_the_open_thread(client, pair):
    page = client.get(reverse("portal:intro_partner", args=[pair.kofi.token, pair.ana.pk]))
    assert talk_url(pair.kofi, pair.ana) in page.content.decode()


def test_own_page_lists_the_conversations(client, pair):
    page = client.get(reverse("portal:mine", args=[pair.kofi.token])).content.decode()
    assert talk_url(pair.kofi, pair.ana) in page
    assert talk_url(pair.kofi, pair.ben) not in page


# --------------------------------------------------------------------------- edit, delete


def test_author_edits_their_post(client, pair):
    post = post_to_pair(pair.kofi, pair.ana, "Helo")
    url = reverse("portal:intro_post_edit", args=[pair.kofi.token, post.pk])
    client.post(url, {"text": "Hello"})
    post.refresh_from_db()
    assert (post.text, post.edited_at is not None) == ("Hello", True)


def test_nobody_else_edits_a_post(client, pair):
    post = post_to_pair(pair.kofi, pair.ana, "Mine")
    url = reverse("portal:intro_post_edit", args=[pair.ana.token, post.pk])
    assert client.post(url, {"text": "Yours"}).status_code == 404
    with pytest.raises(NotPartnerError):
        edit_post(pair.ana, post, "Yours")
    post.refresh_from_db()
    assert post.text == "Mine"


def test_author_deletes_their_post(client, pair):
    post = post_to_pair(pair.kofi, pair.ana, "Oops")
    client.post(reverse("portal:intro_post_delete", args=[pair.kofi.token, post.pk]))
    assert not Post.objects.exists()


def test_nobody_else_deletes_a_post(client, pair):
    post = post_to_pair(pair.kofi, pair.ana, "Stays")
    client.post(reverse("portal:intro_post_delete", args=[pair.ana.token, post.pk]))
    with pytest.raises(NotPartnerError):
        delete_post(pair.ana, post)
    assert Post.objects.filter(pk=post.pk).exists()


def test_outsider_cannot_see_or_touch_a_pair_post(client, pair):
    post = post_to_pair(pair.kofi, pair.ana, "Private")
    for name in ("portal:intro_post_delete", "portal:intro_post_report"):
        assert client.post(reverse(name, args=[pair.ben.token, post.pk])).status_code == 404
    assert not PostReport.objects.exists()


def test_group_members_edit_and_report_group_posts(client, pair):
    post = post_group_message(pair.kofi, "Hello group")
    client.post(reverse("portal:intro_post_report", args=[pair.cy.token, post.pk]), {"reason": "x"})
    assert PostReport.objects.get().reporter == pair.cy
    page = client.get(reverse("portal:intro_group", args=[pair.kofi.token])).content.decode()
    assert reverse("portal:intro_post_edit", args=[pair.kofi.token, post.pk]) in page


# --------------------------------------------------------------------------- moderation


def test_report_then_organizer_sees_it_and_hides_it(client, orga_client, pair):
    post = post_to_pair(pair.ana, pair.kofi, "Buy my course")
    client.post(
        reverse("portal:intro_post_report", args=[pair.kofi.token, post.pk]), {"reason": "spam"}
    )
    page = orga_client.get(reverse("orga:intros_threads", args=[pair.event.pk])).content.decode()
    assert "Buy my course" in page
    assert "spam" in page
    orga_client.post(
        reverse("orga:intros_threads_hide", args=[pair.event.pk, post.pk]), {"hidden": "1"}
    )
    post.refresh_from_db()
    assert post.hidden_at is not None
    thread = orga_client.get(talk_url(pair.kofi, pair.ana)).content.decode()
    assert "Buy my course" not in thread
    assert "Hidden by the organizers" in thread


def test_organizer_shows_a_hidden_post_again(orga_client, pair):
    post = post_to_pair(pair.ana, pair.kofi, "Fine after all")
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    orga_client.post(
        reverse("orga:intros_threads_hide", args=[pair.event.pk, post.pk]), {"hidden": "0"}
    )
    post.refresh_from_db()
    assert post.hidden_at is None


def test_reports_page_needs_login(client, pair):
    response = client.get(reverse("orga:intros_threads", args=[pair.event.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_other_communities_organizers_cannot_hide(outsider_client, pair):
    post = post_to_pair(pair.ana, pair.kofi, "Stays visible")
    url = reverse("orga:intros_threads_hide", args=[pair.event.pk, post.pk])
    assert outsider_client.post(url).status_code == 404
    post.refresh_from_db()
    assert post.hidden_at is None


def test_nobody_reports_their_own_post(pair):
    post = post_to_pair(pair.ana, pair.kofi, "Mine")
    with pytest.raises(NotPartnerError):
        report_post(pair.ana, post)
