"""The daily news email: new messages and a mutual "stay in touch", batched into at most one
email a day per person, in their own morning, never to someone who turned optional emails
off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.followup.domain.consent import set_optional_emails
from netweave.web.followup.domain.news import send_due_news
from netweave.web.followup.models import StayInTouch
from netweave.web.intros.domain.threads import post_group_message, post_to_pair
from netweave.web.intros.models import Post
from netweave.web.mail.due import send_due
from tests.web.factories import (
    EventFactory,
    HeldMeetingFactory,
    StayInTouchFactory,
    talking_pair,
)

pytestmark = pytest.mark.django_db


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def world():
    """Kofi (Melbourne, UTC+11 in November) and Ana (Berlin, UTC+1) met and talk; Ben
    (Toronto) is in their group."""
    event = EventFactory(starts_at=at(2026, 11, 26, 16), status=Event.Status.PUBLISHED)
    return talking_pair(event, "Europe/Berlin", "America/Toronto")


def posted(post: Post, moment: dt.datetime) -> Post:
    Post.objects.filter(pk=post.pk).update(created=moment)
    return post


def to(person: Registration) -> list:
    return [m for m in mail.outbox if m.to == [person.member.email]]


# Melbourne 09:30 on Saturday 28 November is Friday 27 November, 22:30 UTC
KOFI_MORNING = at(2026, 11, 27, 22, 30)


def test_two_messages_in_a_day_make_one_email(world):
    posted(post_to_pair(world.ana, world.kofi, "Hello Kofi"), at(2026, 11, 27, 10))
    posted(post_to_pair(world.ana, world.kofi, "Coffee next week?"), at(2026, 11, 27, 12))
    send_due_news(KOFI_MORNING)
    [email] = to(world.kofi)
    assert "Hello Kofi" in email.body
    assert "Coffee next week?" in email.body
    assert f"/p/{world.kofi.token}/talk/{world.ana.pk}/" in email.body


def test_at_most_one_email_a_day_then_the_next_morning(world):
    posted(post_to_pair(world.ana, world.kofi, "First"), at(2026, 11, 27, 10))
    send_due_news(KOFI_MORNING)
    posted(post_to_pair(world.ana, world.kofi, "Second"), KOFI_MORNING + dt.timedelta(hours=1))
    send_due_news(KOFI_MORNING + dt.timedelta(hours=2))  # same day in Melbourne
    assert len(to(world.kofi)) == 1
    send_due_news(KOFI_MORNING + dt.timedelta(days=1))
    _first, second = to(world.kofi)
    assert "Second" in second.body
    assert "First" not in second.body


def test_no_email_before_the_persons_morning(world):
    posted(post_to_pair(world.ana, world.kofi, "Early"), at(2026, 11, 27, 10))
    send_due_news(at(2026, 11, 27, 21))  # 08:00 in Melbourne
    assert to(world.kofi) == []


def test_each_person_in_their_own_morning(world):
    posted(post_group_message(world.ben, "Hi group"), at(2026, 11, 27, 10))
    send_due_news(KOFI_MORNING)  # 23:30 in Berlin
    assert (len(to(world.kofi)), len(to(world.ana))) == (1, 0)
    send_due_news(at(2026, 11, 28, 8, 5))  # 09:05 in Berlin
    assert len(to(world.ana)) == 1


def test_the_author_hears_nothing_of_their_own_message(world):
    posted(post_group_message(world.ben, "Hi group"), at(2026, 11, 27, 10))
    send_due_news(at(2026, 11, 28, 18))  # everyone's morning has begun
    assert to(world.ben) == []
    assert "Ben wrote to your group" in to(world.kofi)[0].body


def test_unsubscribed_person_gets_nothing_and_news_is_not_saved_up(world):
    set_optional_emails(world.kofi.member, False)
    posted(post_to_pair(world.ana, world.kofi, "Hello"), at(2026, 11, 27, 10))
    send_due_news(KOFI_MORNING)
    set_optional_emails(world.kofi.member, True)
    send_due_news(KOFI_MORNING + dt.timedelta(days=1))
    assert to(world.kofi) == []


def test_hidden_message_is_no_news(world):
    post = posted(post_to_pair(world.ana, world.kofi, "Spam"), at(2026, 11, 27, 10))
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    send_due_news(KOFI_MORNING)
    assert to(world.kofi) == []


def test_send_due_runs_the_news_once(world):
    posted(post_to_pair(world.ana, world.kofi, "Hello"), at(2026, 11, 27, 10))
    assert send_due(KOFI_MORNING)["followup-news"] == 1
    assert send_due(KOFI_MORNING)["followup-news"] == 0


def wish(meeting, a: Registration, b: Registration, moment: dt.datetime) -> None:
    row = StayInTouchFactory(meeting=meeting, from_registration=a, to_registration=b)
    StayInTouch.objects.filter(pk=row.pk).update(created=moment)


def test_mutual_stay_in_touch_tells_the_first_wisher(world):
    held = HeldMeetingFactory(event=world.event, seats=[world.ana, world.kofi])
    wish(held, world.kofi, world.ana, at(2026, 11, 27, 9))
    wish(held, world.ana, world.kofi, at(2026, 11, 27, 11))
    send_due_news(at(2026, 11, 28, 18))
    assert "Ana would like to stay in touch too" in to(world.kofi)[0].body
    assert to(world.ana) == []


def test_one_sided_stay_in_touch_tells_nobody(world):
    held = HeldMeetingFactory(event=world.event, seats=[world.ana, world.kofi])
    wish(held, world.kofi, world.ana, at(2026, 11, 27, 9))
    send_due_news(at(2026, 11, 28, 18))
    assert mail.outbox == []
