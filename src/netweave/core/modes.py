"""Reading a free-worded answer to "will you join live or async?" as one of the two modes.

Forms let organizers word the choices their own way: "Live on the day (Zoom)",
"Asynchronously - I'll record a short video", "In person", "I can't make it live, I'll
watch later", "Not sure yet". :func:`read_mode` reads each by its cue words and says how
(:attr:`ModeReading.how`); an answer with no cue, or with cues for both, is read as live
(the default, as for a blank cell) and marked unclear, so the import warns about it with
the lines that gave it. An organizer can state the reading of any answer in a column map's
``[modes]`` table (see :mod:`netweave.core.columns`).

Examples
--------
>>> read_mode("Asynchronously - I'll record a short video")
ModeReading(mode='async', how="async: it says 'asynchronously'", clear=True)
>>> read_mode("Not sure yet").clear
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Mode", "ModeReading", "mode_words", "read_mode"]

Mode = Literal["live", "async"]

# one word or two: "in person" and "on the day" are read as one cue
_LIVE = (
    "live", "sync", "synchronous", "synchronously", "realtime", "real time", "in person",
    "on site", "onsite", "on the day", "zoom", "video call", "attend", "join", "in the room",
    "at the event", "present",
)  # fmt: skip
_ASYNC = (
    "async", "asynch", "asynchronous", "asynchronously", "recorded", "record", "recording",
    "offline", "later", "own time", "my own pace", "video message", "not live", "watch",
)  # fmt: skip
_UNSURE = ("not sure", "unsure", "maybe", "undecided", "dont know", "tbd", "tbc", "depends")
# a live cue after one of these within three words means the person cannot join live
_NEGATION = frozenset({"not", "cant", "cannot", "wont", "unable", "never", "dont"})
_HINT = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_A_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ModeReading:
    """How one answer was read: the mode, in words why, and whether the answer was clear."""

    mode: Mode
    how: str
    clear: bool = True


def mode_words(answer: str) -> list[str]:
    """The words of an answer, lower-cased, apostrophes dropped: the key for :func:`read_mode`
    and for a column map's ``[modes]`` table.

    Examples
    --------
    >>> mode_words("Can't join LIVE (timezone)")
    ['cant', 'join', 'live', 'timezone']
    """
    text = answer.lower().replace("'", "").replace("’", "")
    return [w for w in _NOT_A_WORD.split(text) if w]


def _cues(words: list[str]) -> list[tuple[int, Mode, str]]:
    """``(position, mode, cue)`` for every cue word or pair, negated live cues as async."""
    found: list[tuple[int, Mode, str]] = []
    text = f" {' '.join(words)} "
    for cues, mode in ((_LIVE, "live"), (_ASYNC, "async")):
        for cue in cues:
            start = text.find(f" {cue} ")
            if start < 0:
                continue
            position = text[:start].count(" ")
            negated = any(w in _NEGATION for w in words[max(0, position - 3) : position])
            if mode == "live" and negated:
                found.append((position, "async", f"not {cue}"))
            elif not (mode == "async" and cue == "not live"):
                found.append((position, mode, cue))  # type: ignore[arg-type]
    return sorted(found)


def read_mode(answer: str, overrides: dict[str, Mode] | None = None) -> ModeReading:
    """Read a free-worded answer as ``live`` or ``async``, saying how.

    Parameters
    ----------
    answer
        The cell as written. Bracketed hints ("(Zoom)") count as words too.
    overrides
        Answer -> mode, as an organizer stated them (a column map's ``[modes]``); keys are
        compared by their words, so case and punctuation do not matter.

    Returns
    -------
    ModeReading
        ``clear=False`` when the answer had no cue or cues for both modes: it is then read
        as live (the default) or by its first cue, and the import warns about it.

    Examples
    --------
    >>> [read_mode(a).mode for a in ("Live on the day (Zoom)", "In person", "", "async")]
    ['live', 'live', 'live', 'async']
    >>> read_mode("I can't join live, I'll watch the recording")
    ModeReading(mode='async', how="async: it says 'not join'", clear=True)
    >>> read_mode("Not sure yet")
    ModeReading(mode='live', how='unsure: read as live, the default', clear=False)
    >>> read_mode("Not sure yet", {"not sure yet": "async"}).how
    'async: as the column map says'
    """
    words = mode_words(answer)
    if overrides:
        stated = {" ".join(mode_words(k)): v for k, v in overrides.items()}
        if (mode := stated.get(" ".join(words))) is not None:
            return ModeReading(mode, f"{mode}: as the column map says")
    if not words:
        return ModeReading("live", "blank: live, the default")
    text = f" {' '.join(words)} "
    if any(f" {u} " in text for u in _UNSURE):
        return ModeReading("live", "unsure: read as live, the default", clear=False)
    cues = _cues(words)
    modes = {mode for _, mode, _ in cues}
    if not cues:
        return ModeReading("live", "no live or async word: read as live, the default", False)
    first_mode, first_cue = cues[0][1], cues[0][2]
    if len(modes) > 1 and not _one_sided(cues):
        how = f"says both live and async: read as {first_mode}, as it says {first_cue!r} first"
        return ModeReading(first_mode, how, clear=False)
    mode = cues[0][1] if len(modes) == 1 else "async"
    cue = first_cue if len(modes) == 1 else next(c for _, m, c in cues if m == "async")
    return ModeReading(mode, f"{mode}: it says {cue!r}")


def _one_sided(cues: list[tuple[int, Mode, str]]) -> bool:
    """Whether both modes' cues still point one way: "can't attend; I'll record a video"
    has a negated live cue and async cues, and means async."""
    return any(cue.startswith("not ") for _, _, cue in cues) and all(
        mode == "async" or cue in {"join", "attend", "present", "zoom"} for _, mode, cue in cues
    )
