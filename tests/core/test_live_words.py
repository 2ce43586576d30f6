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
        "Round 3: Room 1 - Ana, Kofi & Bo",
        "Round 3: Room 2 - Dee with the host",
        "Round 3: Eve - watch Ana's intro on your page (no room)",
    ]


def test_conversation_prompt_uses_a_looking_for_reason():
    reason = "Ana is looking for someone who knows about grants: Kofi works on that"

    assert "grants" in conversation_prompt([reason])


def test_conversation_prompt_without_reasons_changes_by_round():
    assert conversation_prompt([], 1) != conversation_prompt([], 2)
