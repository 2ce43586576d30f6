"""The words of the live day: what the host pastes in Zoom's chat, and a first question for
each meeting.

Text only: this module loads no numpy, so the web layer may import it where pages are made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from netweave.core.plan import Meeting
from netweave.core.rooms import room_label

__all__ = ["chat_lines", "conversation_prompt"]


def _names_joined(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " & " + names[-1]


def chat_lines(number: int, meetings: Sequence[Meeting], names: Mapping[str, str]) -> list[str]:
    """What the host pastes in Zoom's chat: one line per room, then the async meetings.

    Rooms are named as on every page (:func:`netweave.core.rooms.room_label`).

    Examples
    --------
    >>> chat_lines(2, [Meeting("Room 3", ("ana", "kofi"))], {"ana": "Ana", "kofi": "Kofi"})
    ['Round 2: Room 03 - Ana & Kofi']
    """
    lines = []
    for m in meetings:
        who = [names.get(p, p) for p in m.members]
        if m.is_async:
            continue
        if len(who) == 1:
            lines.append(f"Round {number}: {room_label(m.room)} - {who[0]} with the host")
        else:
            lines.append(f"Round {number}: {room_label(m.room)} - {_names_joined(who)}")
    for m in meetings:
        if m.is_async and len(m.members) == 2:
            watcher, watched = (names.get(p, p) for p in m.members)
            lines.append(
                f"Round {number}: {watcher} - watch {watched}'s intro on your page (no room)"
            )
    return lines


_PROMPTS = (
    "What is one thing that worked better than expected in your community this year?",
    "What is the hardest part of your work right now, and who could help with it?",
    "Which event, tool or habit would you recommend to someone in your role?",
    "What would you do with one extra day a month for your community?",
    "What question do you wish more people asked you about your work?",
)
# the planner's sentences (see netweave.core.reason_words), and the older "You both ..."
# wording that plans published before names were used still hold
_SHARED = re.compile(r"^(?:You|.+? (both|all)) work on (.+)$")
_SEEKING = re.compile(r"^(.+?) knows about (.+?), which (.+?) is looking for$")
_OLD_SEEKING = re.compile(
    r"^(.+?) is looking for someone who knows about (.+?): (.+) works on that$"
)
_ASKED = re.compile(r"asked to meet")
_COMMUNITY = re.compile(r"^(?:You|.+? (both|all)) run (.+)$")
_WROTE = re.compile(r"^.+? (both|all) wrote about (.+)$")


def conversation_prompt(reasons: Sequence[str], round_number: int = 1) -> str:
    """A first question for a meeting, from its reasons (the planner's sentences) when one
    fits, else one of a few general questions (a different one each round).

    Examples
    --------
    >>> conversation_prompt(["Ana and Bo both work on mentoring and events"])
    'You both work on mentoring and events: what is working for you there right now, and what is not?'
    >>> conversation_prompt(["Kofi knows about grants, which Ana is looking for"])
    'Ana is looking for help with grants: Kofi, where would you start?'
    """  # noqa: E501
    for reason in reasons:
        if m := _SEEKING.match(reason):
            return f"{m.group(3)} is looking for help with {m.group(2)}: {m.group(1)}, where would you start?"  # noqa: E501
        if m := _OLD_SEEKING.match(reason):
            return f"{m.group(1)} is looking for help with {m.group(2)}: {m.group(3)}, where would you start?"  # noqa: E501
        if _ASKED.search(reason):
            return "One of you asked for this meeting: start with why."
        if m := _SHARED.match(reason):
            return (
                f"You {m.group(1) or 'both'} work on {m.group(2)}: what is working for you "
                "there right now, and what is not?"
            )
        if m := _COMMUNITY.match(reason):
            return f"You {m.group(1) or 'both'} run {m.group(2)}: how do you welcome newcomers?"
        if m := _WROTE.match(reason):
            return f"You {m.group(1)} wrote about {m.group(2)}: how did you come to it?"
    return _PROMPTS[(max(round_number, 1) - 1) % len(_PROMPTS)]
