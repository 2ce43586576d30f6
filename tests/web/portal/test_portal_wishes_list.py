"""A long list of who is coming, through the real pages: searched by name or community,
paged by name, narrowed to one's own choices; saving one page leaves the others alone and
comes back to the same rows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from netweave.web.events.models import Event, Registration, Wish
from netweave.web.events.wishes import COMING_PAGE_SIZE, QUERY_MAX_LENGTH, coming_page
from tests.web.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

#: more than one page and a bit: page 2 holds the last few
CROWD = COMING_PAGE_SIZE + 7


@pytest.fixture
def event(community) -> Event:
    return EventFactory(community=community, rounds=2, wishes_open=True)


@pytest.fixture
def reader(event) -> Registration:
    return RegistrationFactory(event=event, member__name="Zara Reader", member__listed=True)


@pytest.fixture
def crowd(event) -> list[Registration]:
    """Person 00 ... Person 56, listed, managing "Guild 00" ...; in name order."""
    return [
        RegistrationFactory(
            event=event,
            member__name=f"Person {n:02}",
            member__manages=f"Guild {n:02}",
            member__listed=True,
        )
        for n in range(CROWD)
    ]


def _mine(client, registration: Registration, **query: str) -> str:
    url = reverse("portal:mine", args=[registration.token])
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def _names(page: str) -> list[str]:
    """The people listed on ``page``, in order."""
    return re.findall(r'<label for="id_wish-\d+">([^<]*)</label>', page)


def _chosen(page: str) -> dict[int, str]:
    """Target pk -> the choice selected on ``page``, for the rows that have one."""
    selects = re.findall(r'<select name="wish-(\d+)".*?</select>', page, flags=re.S)
    found = re.findall(
        r'<select name="wish-(\d+)"[^>]*>(?:(?!</select>).)*?<option value="(\w*)" selected>',
        page,
        flags=re.S,
    )
    assert selects  # the page lists people at all
    return {int(pk): kind for pk, kind in found if kind}


def _save(client, registration: Registration, choices: dict[int, str], **place: str):
    url = reverse("portal:wishes", args=[registration.token])
    return client.post(url, {**{f"wish-{pk}": kind for pk, kind in choices.items()}, **place})


def test_search_by_name_lists_only_the_matches_with_the_count(client, reader, crowd):
    page = _mine(client, reader, q="person 42")
    assert _names(page) == ["Person 42"]
    assert f"1 of {CROWD} people" in page
    assert 'value="person 42"' in page  # the box keeps the search


def test_search_by_managed_community(client, event, reader, crowd):
    RegistrationFactory(
        event=event, member__name="Bo", member__manages="PyLadies Lisboa", member__listed=True
    )
    page = _mine(client, reader, q="pyladies")
    assert _names(page) == ["Bo"]
    assert f"1 of {CROWD + 1} people" in page


def test_search_needs_every_word_in_name_or_community(client, reader, crowd):
    fours = [f"Person {n:02}" for n in range(CROWD) if "4" in f"{n:02}"]
    page = _mine(client, reader, q="PERSON 4")
    assert _names(page) == fours
    assert f"{len(fours)} of {CROWD} people" in page
    assert _names(_mine(client, reader, q="  Guild   07  person ")) == ["Person 07"]
    assert _names(_mine(client, reader, q="person guild 99")) == []


def test_search_does_not_look_at_what_the_list_does_not_show(client, event, reader):
    # being listed shows name and community: a search by location, email or interests
    # would tell where someone lives or what they care about
    RegistrationFactory(
        event=event,
        member__name="Bo",
        member__listed=True,
        member__location="Lisbon",
        member__email="bo.secret@example.org",
        member__interests=["beekeeping"],
    )
    for hidden in ("Lisbon", "bo.secret", "beekeeping"):
        page = _mine(client, reader, q=hidden)
        assert _names(page) == [], hidden
        assert f"No one matches “{hidden}”" in page
    assert _names(_mine(client, reader, q="bo")) == ["Bo"]


def test_no_match_says_so_and_offers_everyone(client, reader, crowd):
    page = _mine(client, reader, q="xyz")
    assert "No one matches “xyz”" in page
    assert f"0 of {CROWD} people" in page
    assert "Save my choices" not in page


def test_pages_hold_fifty_in_name_order_and_link_onwards_keeping_the_search(client, reader, crowd):
    first = _mine(client, reader, q="person")
    assert _names(first) == [f"Person {n:02}" for n in range(COMING_PAGE_SIZE)]
    assert f"page 1 of 2 (people 1–{COMING_PAGE_SIZE})" in first
    assert 'href="?q=person&amp;page=2#wishes-panel">Next</a>' in first
    second = _mine(client, reader, q="person", page="2")
    assert _names(second) == [f"Person {n:02}" for n in range(COMING_PAGE_SIZE, CROWD)]
    assert 'href="?q=person&amp;page=1#wishes-panel">Previous</a>' in second
    assert ">Next</a>" not in second


def test_one_page_lists_no_pager(client, reader, crowd):
    page = _mine(client, reader, q="person 3")
    assert "Pages of who is coming" not in page
    assert "page 1 of" not in page


@pytest.mark.parametrize("asked", ["3", "999", "0", "-1"])
def test_a_page_past_either_end_shows_the_last(client, reader, crowd, asked):
    page = _mine(client, reader, page=asked)
    assert _names(page)[-1] == f"Person {CROWD - 1:02}"
    assert "page 2 of 2" in page


@pytest.mark.parametrize("asked", ["abc", "", "1.5", "9" * 5000])
def test_a_page_that_is_no_number_shows_the_first(client, reader, crowd, asked):
    page = _mine(client, reader, page=asked)
    assert _names(page)[0] == "Person 00"
    assert "page 1 of 2" in page


def test_saving_one_page_keeps_the_choices_on_the_other(client, reader, crowd):
    early, late = crowd[3], crowd[-1]
    _save(client, reader, {early.pk: "love"})
    # the second page posts only its own rows, each as it stands, one of them changed
    rows = {r.pk: "" for r in crowd[COMING_PAGE_SIZE:]}
    response = _save(client, reader, {**rows, late.pk: "no"}, page="2")
    assert response.status_code == 302
    assert dict(Wish.objects.values_list("target_id", "kind")) == {early.pk: "love", late.pk: "no"}
    assert _chosen(_mine(client, reader)) == {early.pk: "love"}
    assert _chosen(_mine(client, reader, page="2")) == {late.pk: "no"}


def test_saving_comes_back_to_the_same_search_filter_and_page(client, reader, crowd):
    response = _save(client, reader, {crowd[-1].pk: "love"}, q="person", page="2", show="mine")
    token = reader.token
    assert response["Location"] == f"/p/{token}/?q=person&show=mine&page=2#wishes-panel"


def test_saving_without_a_place_comes_back_to_the_panel(client, reader, crowd):
    response = _save(client, reader, {crowd[0].pk: "love"})
    assert response["Location"] == f"/p/{reader.token}/#wishes-panel"


@pytest.mark.parametrize(
    ("place", "kept"),
    [
        ({"next": "https://evil.example/", "page": "//evil.example"}, ""),
        ({"q": "a&b=c#x", "show": "everything", "page": "2"}, "?q=a%26b%3Dc%23x&page=2"),
        ({"q": "x" * 10_000}, f"?q={'x' * QUERY_MAX_LENGTH}"),
    ],
)
def test_saving_comes_back_to_cleaned_values_only(client, reader, crowd, place, kept):
    response = _save(client, reader, {crowd[0].pk: "love"}, **place)
    assert response["Location"] == f"/p/{reader.token}/{kept}#wishes-panel"


def test_only_the_people_i_marked(client, reader, crowd):
    _save(client, reader, {crowd[5].pk: "love", crowd[55].pk: "no", crowd[9].pk: "love"})
    everyone = _mine(client, reader)
    assert "You marked 3: " in everyone
    assert 'href="?show=mine#wishes-panel">show only them</a>' in everyone
    page = _mine(client, reader, show="mine")
    assert _names(page) == ["Person 05", "Person 09", "Person 55"]
    assert f"3 of {CROWD} people" in page
    assert 'name="show" value="mine" checked' in page
    assert _names(_mine(client, reader, show="mine", q="person 5")) == ["Person 05", "Person 55"]


def test_only_mine_before_marking_anyone_says_so(client, reader, crowd):
    page = _mine(client, reader, show="mine")
    assert "You have not marked anyone yet." in page
    assert _names(page) == []


def test_taking_a_choice_back_in_the_filter_drops_the_person_from_it(client, reader, crowd):
    _save(client, reader, {crowd[5].pk: "love", crowd[6].pk: "no"})
    _save(client, reader, {crowd[5].pk: "", crowd[6].pk: "no"}, show="mine")
    assert _names(_mine(client, reader, show="mine")) == ["Person 06"]


def test_a_name_with_markup_is_shown_as_text(client, event, reader):
    RegistrationFactory(
        event=event,
        member__name="<script>alert(1)</script>",
        member__manages='"><img src=x onerror=alert(2)>',
        member__listed=True,
    )
    page = _mine(client, reader, q="<script>")
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'value="&lt;script&gt;"' in page  # the search echoed back, escaped too


def test_a_very_long_search_is_cut_and_says_so(client, reader, crowd):
    page = _mine(client, reader, q="person " + "x" * 10_000)
    assert f"only its first {QUERY_MAX_LENGTH} characters were used" in page
    kept = "person " + "x" * (QUERY_MAX_LENGTH - len("person "))
    assert f'value="{kept}"' in page
    assert "No one matches" in page


def test_coming_page_orders_by_name_whatever_the_registration_order(event, reader):
    for name in ("Cy", "Ana", "Bo"):
        RegistrationFactory(event=event, member__name=name, member__listed=True)
    shown = coming_page(reader)
    assert [r.member.name for r, _ in shown.rows] == ["Ana", "Bo", "Cy"]
    assert (shown.everyone, shown.marked, shown.matches) == (3, 0, 3)


def test_coming_page_orders_names_regardless_of_case(event, reader):
    # SQLite compares bytes: without lower-casing "bo" came after "Cy"
    for name in ("Cy", "bo", "Ana", "élodie", "Dan"):
        RegistrationFactory(event=event, member__name=name, member__listed=True)
    assert [r.member.name for r, _ in coming_page(reader).rows][:4] == ["Ana", "bo", "Cy", "Dan"]
