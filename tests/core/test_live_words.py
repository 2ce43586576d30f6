"""chat_lines and conversation_prompt: the host's chat lines and a first question per meeting."""

from __future__ import annotations

from netweave.core.live_words import chat_lines, conversation_prompt
from netweave.core.plan import Meeting


def test_chat_lines_name_rooms_trios_host_and_intros():
    names = {"a": "Ana", "k": "Kofi", "b": "Bo", "d": "Dee", "e": "Eve"}
    meetings = [
        Meeting("Room 1", ("a", "k", "b")),
        Meeting("Room 2", ("d",)),
        Meeting(None, ("e", "a"), is_async=True),
    ]

    assert chat_lines(3, meetings, names) == [
        "Round 3: Room 01 - Ana, Kofi & Bo",
        "Round 3: Room 02 - Dee with the host",
        "Round 3: Eve - watch Ana's intro on your page (no room)",
    ]


def test_conversation_prompt_uses_a_looking_for_reason():
    reason = "Ana is looking for someone who knows about grants: Kofi works on that"

    assert "grants" in conversation_prompt([reason])


def test_conversation_prompt_uses_the_seeking_reason_with_names():
    reason = "Kofi knows about grant funding, which Ana is looking for"
    assert conversation_prompt([reason]) == (
        "Ana is looking for help with grant funding: Kofi, where would you start?"
    )


def test_conversation_prompt_for_a_trio_says_all():
    prompt = conversation_prompt(["Ana, Bo and Cy all wrote about volunteer burnout"])
    assert prompt == "You all wrote about volunteer burnout: how did you come to it?"


def test_conversation_prompt_reads_the_older_wording():
    assert conversation_prompt(["You both run data science communities"]).startswith(
        "You both run data science communities:"
    )


def test_conversation_prompt_without_reasons_changes_by_round():
    assert conversation_prompt([], 1) != conversation_prompt([], 2)
