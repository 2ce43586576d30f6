"""A "no thanks" is never shown to anyone but its author: no page, email, export or JSON
tells who said it to whom, organizers included (they see counts).

The pages are fetched before and after Ana says "no thanks" to Bo, through her page: every
one of them must read the same (the organizers' event page only counts one more choice;
the participants' pages also with their list of who is coming searched for her, narrowed to
their own choices and paged), and no email is sent. Then a plan pairing them by hand: the
board says they cannot be paired without saying whose wish it is, and the exports and the
people's data say nothing more.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from netweave.web.events.models import Registration
from netweave.web.events.wishes import close_wishes
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.domain.storage import save_plan
from netweave.web.privacy.domain import member_data
from tests.web.factories import EventFactory, example_plan, example_registrations

pytestmark = pytest.mark.django_db

#: what differs between two renderings of one page anyway
_VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value="|nonce="|"X-CSRFToken": ")[^"]+')
_COUNTS = re.compile(
    r": \d+ participants? said \d+ “would love to meet” and \d+ “no thanks” "
    r'<span class="muted">\(private: nobody sees who said what\)</span>'
)


@pytest.fixture
def world(community):
    event = EventFactory(community=community, rounds=2, wishes_open=True)
    regs = example_registrations(event)
    for r in regs:
        r.member.listed = True
        r.member.save()
    return event, regs


def _pages(event, regs: list[Registration]) -> dict[str, str]:
    """Every page an organizer or another participant could read about Ana and Bo."""
    ana, bo = regs[5], regs[6]
    e = event.pk
    orga = [
        reverse("orga:event", args=[e]),
        reverse("orga:registrations", args=[e]),
        reverse("orga:members", args=[event.community_id]),
        reverse("orga:members_export", args=[event.community_id]),
        *(reverse("orga:registration_edit", args=[e, r.pk]) for r in (ana, bo)),
        *(reverse("orga:member_edit", args=[r.member_id]) for r in (ana, bo)),
    ]
    portal = [
        reverse(name, args=[r.token])
        for r in (bo, regs[0])  # the one she said it about, and a bystander
        for name in ("portal:mine", "portal:edit")
    ]
    # the list of who is coming searched for her, and narrowed to their own choices
    portal += [
        f"{reverse('portal:mine', args=[r.token])}?{query}"
        for r in (bo, regs[0])
        for query in (f"q={ana.member.name}", "show=mine", "q=member&page=2")
    ]
    return {url: url for url in (*orga, *portal)}


def _read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    return _VOLATILE.sub(r"\1", body)


def _snapshot(orga_client, client, event, regs) -> dict[str, str]:
    out = {}
    for url in _pages(event, regs):
        reader = orga_client if url.startswith("/orga") else client
        out[url] = _COUNTS.sub("", _read(reader, url))
    for r in regs:
        data = member_data(r.member)
        data.pop("exported_at")
        out[f"data of {r.member.name}"] = json.dumps(data, sort_keys=True)
    return out


def _no_thanks(ana: Registration, bo: Registration) -> None:
    """Ana, in her own browser, says "no thanks" to Bo on her page."""
    url = reverse("portal:wishes", args=[ana.token])
    assert Client().post(url, {f"wish-{bo.pk}": "no"}).status_code == 302


def test_no_page_email_export_or_data_changes_for_anyone_else(orga_client, world):
    event, regs = world
    ana, bo = regs[5], regs[6]
    participant = Client()
    before = _snapshot(orga_client, participant, event, regs)
    outbox, sent = OutboxMessage.objects.count(), len(mail.outbox)
    _no_thanks(ana, bo)
    after = _snapshot(orga_client, participant, event, regs)
    own = f"data of {ana.member.name}"
    assert {k: v for k, v in after.items() if k != own} == {
        k: v for k, v in before.items() if k != own
    }
    assert (OutboxMessage.objects.count(), len(mail.outbox)) == (outbox, sent)
    # her own data holds her own choice, and only hers
    assert json.loads(after[own]) != json.loads(before[own])
    assert "No thanks" in after[own]
    assert bo.member.name in after[own]
    assert all(
        "No thanks" not in v for k, v in after.items() if k.startswith("data of") and k != own
    )


def test_organizers_see_the_count_not_the_people(orga_client, client, world):
    event, regs = world
    _no_thanks(regs[5], regs[6])
    page = _read(orga_client, reverse("orga:event", args=[event.pk]))
    assert "1 participant said 0 “would love to meet” and 1 “no thanks”" in page


def test_a_plan_pairing_them_says_they_cannot_meet_without_saying_whose_wish(
    orga_client, client, world
):
    event, regs = world
    ana, bo = regs[5], regs[6]
    _no_thanks(ana, bo)
    close_wishes(event)  # as generating a plan does
    save_plan(event, example_plan(regs), note="Generated")  # Ana and Bo share Room 3 and Group 2
    board = _read(orga_client, reverse("orga:plan", args=[event.pk]))
    assert "a participant&#x27;s private wish; netweave does not say whose" in board
    assert "asked not to meet" not in board
    exports = [
        reverse(f"orga:{name}", args=[event.pk]) + "?version=1"
        for name in ("export_schedule_csv", "export_groups", "runsheet")
    ]
    for url in exports:
        text = _read(orga_client, url)
        assert "no thanks" not in text.lower(), url
        assert "asked not to meet" not in text, url
    for r in (bo, regs[0]):
        mine = _read(client, reverse("portal:mine", args=[r.token]))
        assert "No thanks" not in mine
        assert "asked not to meet" not in mine


def test_a_swap_into_a_no_thanks_pair_is_refused_without_saying_whose_wish(orga_client, world):
    event, regs = world
    _no_thanks(regs[0], regs[4])
    close_wishes(event)
    save_plan(event, example_plan(regs), note="Generated")
    data = {"swap-round": "2", "swap-a": regs[3].pk, "swap-b": regs[4].pk}
    response = orga_client.post(reverse("orga:plan_swap", args=[event.pk, 1]), data)
    page = response.content.decode()
    assert "would break" in page
    assert "netweave does not say whose" in page
    assert "asked not to meet" not in page
