"""The partner form: a live partner watches the async participant's intro and answers; the
answers save as they type and stay editable until the digest goes out."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Registration
from netweave.web.intros.domain.answers import ANSWER_MAX, save_answers
from netweave.web.intros.domain.intros import update_intro
from netweave.web.intros.models import Answers, Digest
from netweave.web.intros.queries.digests import digest_entries
from netweave.web.intros.queries.partners import partner_card
from tests.web.factories import (
    AnswersFactory,
    EventFactory,
    IntroFactory,
    IntroSettingsFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Kofi (async, in Melbourne) meets Ana (live) in round 1 of a published plan."""
    event = EventFactory()
    kofi = RegistrationFactory(
        event=event,
        mode=Registration.Mode.ASYNC,
        member__name="Kofi",
        member__timezone="Australia/Melbourne",
    )
    ana = RegistrationFactory(event=event, member__name="Ana")
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, room=None, is_async=True, seats=[ana, kofi])
    IntroFactory(registration=kofi)
    return SimpleNamespace(event=event, kofi=kofi, ana=ana)


def save_url(viewer, partner):
    return reverse("portal:intro_answer", kwargs={"token": viewer.token, "partner_pk": partner.pk})


def page_url(viewer, partner):
    return reverse("portal:intro_partner", kwargs={"token": viewer.token, "partner_pk": partner.pk})


def autosave(client, viewer, partner, **data):
    return client.post(save_url(viewer, partner), data, HTTP_HX_REQUEST="true")


def test_autosave_stores_answers_with_their_questions(client, pair):
    autosave(client, pair.ana, pair.kofi, q0="I run a book club.", q1="Onboarding volunteers")
    answers = Answers.objects.get(author=pair.ana, subject=pair.kofi).answers
    assert answers[1] == {
        "question": "What could you two talk about or work on?",
        "answer": "Onboarding volunteers",
    }


def test_autosave_answers_with_saved_time_and_header(client, pair):
    response = autosave(client, pair.ana, pair.kofi, q0="Hello")
    assert "Saved at" in response.content.decode()
    assert response["X-Answers-Saved"] == "1"


def test_autosave_again_updates_the_same_row(client, pair):
    autosave(client, pair.ana, pair.kofi, q0="Hel")
    autosave(client, pair.ana, pair.kofi, q0="Hello there")
    assert Answers.objects.get().answers[0]["answer"] == "Hello there"


def test_autosave_for_someone_not_met_404(client, pair):
    stranger = RegistrationFactory(event=pair.event)
    assert autosave(client, stranger, pair.kofi, q0="Hi").status_code == 404
    assert not Answers.objects.exists()


def test_autosave_after_digest_went_out_refused_and_answers_kept(client, pair):
    AnswersFactory(subject=pair.kofi, author=pair.ana)
    Digest.objects.create(registration=pair.kofi, sent_at=timezone.now())
    response = autosave(client, pair.ana, pair.kofi, q0="Changed")
    assert "digest has gone out" in response.content.decode()
    assert Answers.objects.get().answers[0]["answer"] == "Onboarding."


def test_autosave_too_long_answer_not_saved(client, pair):
    response = autosave(client, pair.ana, pair.kofi, q0="x" * (ANSWER_MAX + 1))
    assert "Not saved" in response.content.decode()
    assert not Answers.objects.exists()


def test_partner_page_submit_without_javascript_saves(client, pair):
    response = client.post(page_url(pair.ana, pair.kofi), {"q0": "Hi Kofi", "q1": ""})
    assert response.status_code == 302
    assert Answers.objects.get().answers[0]["answer"] == "Hi Kofi"


def test_partner_page_shows_saved_answers_again(client, pair):
    save_answers(pair.ana, pair.kofi, ["Glad to meet you"])
    assert "Glad to meet you" in client.get(page_url(pair.ana, pair.kofi)).content.decode()


def test_partner_page_autosaves_as_you_type(client, pair):
    page = client.get(page_url(pair.ana, pair.kofi)).content.decode()
    assert 'hx-trigger="input changed delay:800ms' in page
    assert save_url(pair.ana, pair.kofi) in page


def test_partner_page_keeps_a_local_draft(client, pair):
    page = client.get(page_url(pair.ana, pair.kofi)).content.decode()
    assert f'data-draft-key="answers-{pair.ana.pk}-{pair.kofi.pk}"' in page


def test_partner_page_questions_name_the_partner(client, pair):
    IntroSettingsFactory(event=pair.event, questions=["What should {name} read next?"])
    assert (
        "What should Kofi read next?" in client.get(page_url(pair.ana, pair.kofi)).content.decode()
    )


def test_partner_page_text_intro_beside_video_without_captions(client, pair):
    intro = pair.kofi.intro
    intro.video_name, intro.video_type = "1/abc.mp4", "video/mp4"
    intro.save()
    page = client.get(page_url(pair.ana, pair.kofi)).content.decode()
    assert 'class="intro intro-side"' in page
    assert intro.text in page


def test_partner_page_video_with_captions_has_caption_track(client, pair):
    intro = pair.kofi.intro
    intro.video_name, intro.captions_name = "1/abc.mp4", "1/abc.vtt"
    intro.save()
    page = client.get(page_url(pair.ana, pair.kofi)).content.decode()
    assert '<track kind="captions"' in page
    assert 'class="intro intro-side"' not in page


def test_partner_page_embeds_linked_video_privately(client, pair):
    update_intro(pair.kofi, text="Hi", link="https://youtu.be/dQw4w9WgXcQ")
    page = client.get(page_url(pair.ana, pair.kofi)).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page


def test_partner_inline_template_for_the_live_page(pair, rf):
    html = render_to_string(
        "intros/_partner_inline.html",
        {"registration": pair.ana, "partner": pair.kofi},
        request=rf.get("/"),
    )
    assert save_url(pair.ana, pair.kofi) in html
    assert pair.kofi.intro.text in html


def test_partner_inline_template_empty_when_not_matched(pair, rf):
    stranger = RegistrationFactory(event=pair.event)
    html = render_to_string(
        "intros/_partner_inline.html", {"registration": stranger, "partner": pair.kofi}
    )
    assert html.strip() == ""


def test_contact_answer_shared_only_with_consent(pair):
    save_answers(pair.ana, pair.kofi, ["Hi"], contact="@ana on Mastodon", share_contact=False)
    assert digest_entries(pair.kofi)[0].contact == ""


def test_contact_answer_shared_when_agreed(pair):
    # Ana's tick is her yes to Kofi; Kofi's tick when registering is his yes to everyone met
    Registration.objects.filter(pk=pair.kofi.pk).update(consent_share_email=True)
    save_answers(pair.ana, pair.kofi, ["Hi"], contact="@ana on Mastodon", share_contact=True)
    assert digest_entries(Registration.objects.get(pk=pair.kofi.pk))[0].contact == (
        "@ana on Mastodon"
    )


def test_contact_answer_not_shared_on_a_yes_that_is_not_returned(pair):
    save_answers(pair.ana, pair.kofi, ["Hi"], contact="@ana on Mastodon", share_contact=True)
    entry = digest_entries(pair.kofi)[0]
    assert (entry.contact, entry.profile.email) == ("", "")


def test_save_answers_live_partner_has_no_form(pair):
    # live people get no digest: nobody would read a form written for them
    card = partner_card(pair.kofi, pair.ana)
    assert not card.has_form


def test_my_page_lists_async_partner_to_watch(client, pair):
    page = client.get(reverse("portal:mine", args=[pair.ana.token])).content.decode()
    assert f"Watch {pair.kofi.member.name}'s intro and answer" in page


def test_my_page_asks_async_participant_for_intro(client):
    registration = RegistrationFactory(mode=Registration.Mode.ASYNC)
    page = client.get(reverse("portal:mine", args=[registration.token])).content.decode()
    assert reverse("portal:intro", args=[registration.token]) in page
