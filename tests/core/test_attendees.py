"""parse_attendees and match_attendees: who is here, from a list pasted from Zoom."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netweave.core.attendees import MAX_LINES, match_attendees, parse_attendees

PANEL = """Ana Lima (Host, me)
Kofi Mensah (Co-host)
  1. Bo Carter (she/her)
* Dee <dee@x.org>"""

REPORT = """Meeting ID,Topic,Start Time,User Email
85412345678,Forum,2024-05-01 10:00,host@x.org

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Ana (Ana Lima),,05/01/2024 10:00:01 AM,05/01/2024 11:00:00 AM,60,Yes
"Mensah, Kofi",kofi@x.org,05/01/2024 10:01:00 AM,05/01/2024 11:00:00 AM,59,No
Ana (Ana Lima),,05/01/2024 10:30:00 AM,05/01/2024 11:00:00 AM,30,Yes
"""


def test_parse_zoom_panel_drops_roles_and_pronouns():
    found = parse_attendees(PANEL)

    assert [a.names for a in found] == [("Ana Lima",), ("Kofi Mensah",), ("Bo Carter",), ("Dee",)]
    assert found[3].email == "dee@x.org"


def test_parse_zoom_report_reads_columns_after_the_header():
    found = parse_attendees(REPORT)

    assert [(a.names, a.email) for a in found] == [
        (("Ana", "Ana Lima"), ""),
        (("Mensah, Kofi",), "kofi@x.org"),
    ]


def test_parse_first_and_last_name_columns():
    found = parse_attendees("First Name\tLast Name\tEmail\nAna\tLima\tANA@x.org")

    assert [(a.names, a.email) for a in found] == [(("Ana Lima",), "ana@x.org")]


def test_parse_several_names_on_one_line():
    found = parse_attendees("Ana Lima, Kofi Mensah; Bo Carter")

    assert len(found) == 3


def test_parse_emails_on_one_line():
    found = parse_attendees("ana@x.org, kofi@x.org")

    assert [a.email for a in found] == ["ana@x.org", "kofi@x.org"]


def test_parse_a_headerless_report_row_is_one_person():
    found = parse_attendees("Kofi Mensah, kofi@x.org, 10:02, 10:45, 43")

    assert [(a.names, a.email) for a in found] == [(("Kofi Mensah",), "kofi@x.org")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parse_any_text_never_raises(text):
    for attendee in parse_attendees(text):
        assert attendee.names or attendee.email


def test_parse_bounds_an_enormous_paste():
    found = parse_attendees("\n".join(f"Person {k}" for k in range(20_000)))

    assert len(found) == MAX_LINES


PEOPLE = ["Ana Lima", "Kofi Mensah", "Ana Souza", "José García"]
EMAILS = ["ana@x.org", "kofi@x.org", "souza@x.org", "jose@x.org"]


def _matched(text: str) -> list[tuple[int | None, tuple[int, ...]]]:
    return [
        (m.index, m.suggestions) for m in match_attendees(parse_attendees(text), PEOPLE, EMAILS)
    ]


def test_match_email_in_any_case():
    assert _matched("KOFI@X.ORG") == [(1, ())]


def test_match_name_without_accents():
    assert _matched("jose garcia") == [(3, ())]


def test_match_swapped_names_and_initials():
    assert _matched("Mensah Kofi\nKofi M.") == [(1, ()), (1, ())]


def test_match_ambiguous_first_name_suggests():
    assert _matched("Ana") == [(None, (0, 2))]


def test_match_unknown_name_is_unmatched():
    assert _matched("iPhone") == [(None, ())]


def test_match_unregistered_email_tries_the_name_in_it():
    assert _matched("ana.lima@gmail.com") == [(0, ())]


def test_match_apostrophe_pronouns_and_device_to_the_registered_name():
    people, mails = ["Liam O'Brien", "Lia Obi"], ["liam@x.org", "lia@x.org"]

    found = match_attendees(parse_attendees("liam o’brien (he/him) - iPhone"), people, mails)

    assert [(m.index, m.score) for m in found] == [(0, 100.0)]


def test_parse_keeps_the_apostrophe_of_a_name():
    found = parse_attendees("Liam O'Brien (he/him) - iPhone")

    assert [a.names for a in found] == [("Liam O'Brien",)]


def test_parse_a_device_in_parentheses_is_no_second_name():
    found = parse_attendees("Bo Carter (iPhone)\nAna's iPad")

    assert [a.names for a in found] == [("Bo Carter",), ("Ana",)]


def test_parse_pronouns_after_a_comma_are_no_person():
    assert [a.names for a in parse_attendees("Ana Lima, she/her")] == [("Ana Lima",)]


@settings(max_examples=200, deadline=None)
@given(
    first=st.from_regex(r"[A-Z][a-zé]{1,8}", fullmatch=True),
    last=st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True),
    apostrophe=st.sampled_from("'’‘ʼ`"),
    suffix=st.sampled_from(["", " (she/her)", " - iPhone", "’s iPad", " (iPhone) - Zoom"]),
    case=st.sampled_from([str.lower, str.upper, str]),
)
def test_match_a_registered_name_however_zoom_shows_it(first, last, apostrophe, suffix, case):
    shown = case(f"{first} O{apostrophe}{last}") + suffix

    found = match_attendees(
        parse_attendees(shown), [f"{first} O'{last}", "Someone Else"], ["a@x.org", "b@x.org"]
    )

    assert [m.index for m in found] == [0]
