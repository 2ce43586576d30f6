"""Key phrases: the words two people both wrote, as they wrote them.

A reason names at most one phrase, and a phrase must read as a person would say it: a run
of consecutive content words from the original text ("volunteer burnout", "codes of
conduct"), never words glued together after the stop words in between were dropped ("codes
conduct charters"). :func:`common_phrases` finds the maximal runs two texts share;
publishing boilerplate ("This article is protected by copyright. All rights reserved.") is
removed first, and generic words ("people", "community", "run") never make a phrase alone.

Text only: this module loads no numpy, and scikit-learn's stop-word list only when first used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache

__all__ = [
    "common_phrases",
    "normalise",
    "remembering_texts",
    "stop_words",
    "strip_accents",
    "strip_boilerplate",
]

# words every registration form answer uses: they would make everyone look alike
# fmt: off
FORM_WORDS = frozenset((
    "someone", "somebody", "looking", "look", "ideally", "interested", "especially", "really",
    "like", "love", "want", "wants", "hope", "hoping", "currently", "days", "spend", "lot",
    "lots", "things", "thing", "stuff", "etc", "eg", "ie", "im", "ive", "id",
))
# verbs and fillers that start or end a run but are no part of a phrase ("run", "meet")
_EDGE = frozenset((
    "run", "runs", "running", "meet", "meets", "know", "knows", "known", "help", "helps",
    "get", "gets", "getting", "make", "makes", "making", "do", "does", "doing", "tackled",
    "tackle", "tackling", "spending", "time", "work", "works", "working", "based", "good",
    "great", "best", "better", "various", "different", "able", "need", "needs", "talk",
    "find", "finding", "start", "starting", "share", "sharing", "use", "using", "used",
    "recently", "mostly", "year", "years", "month", "months", "week", "weeks", "today",
    "new", "study", "studies", "paper", "results", "result", "show", "shows", "present",
    "presents", "propose", "proposed", "approach", "method", "methods", "choosing", "picking",
    "reaching", "keeping", "bringing", "getting", "trying", "become", "becoming",
))
# words too general to be a phrase on their own (two make one: "data science")
_GENERIC = _EDGE | frozenset((
    "community", "communities", "people", "person", "members", "member", "group", "groups",
    "way", "ways", "role", "roles", "part", "level", "world", "field", "area", "areas",
    "team", "teams", "project", "projects", "topic", "topics", "issues", "data", "research",
    "science", "work", "online", "open", "local", "global", "small", "large", "high",
))
# fmt: on
#: the only stop word a phrase may hold, between two content words ("codes of conduct")
_INNER = "of"
#: a run longer than this is a shared template sentence: its ends are used
_LONGEST = 5

CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}/|\n\r\t\"“”]+|\s[-–—]+\s|\s&\s")
# a word, with its hyphens and apostrophes ("hands-on", "women's")
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*")
_WORD = re.compile(r"\w+")
# what may stand between two words of one phrase: spaces
# a boilerplate sentence holds one of these; sentences are cut apart first, because one
# pattern "[^.!?]*(?:key)[^.!?]*" tries every start in a sentence: quadratic in its length,
# and it was 87 % of the reasons' time for 20,000 people with long profiles
_BOILERPLATE_KEY = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|\brights reserved\b|\bcreative commons\b"
    r"|\bpublished by\b|\blicensee\b|\bthis article is protected\b|\bpeer review\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]*[.!?]?")
# words one of the keys holds, looked for as plain substrings first: ten times faster than
# the pattern, and almost no text holds any
_BOILERPLATE_HINTS = (
    "©",
    "(c)",
    "copyright",
    "rights",
    "creative",
    "published",
    "licensee",
    "protected",
    "peer review",
)


@cache
def stop_words() -> frozenset[str]:
    """English stop words and the stock words of registration forms (lower case, no accents).

    Examples
    --------
    >>> "the" in stop_words(), "ideally" in stop_words(), "mentoring" in stop_words()
    (True, True, False)
    """
    # scikit-learn takes a second to import: only commands that compare texts pay for it
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # noqa: PLC0415 - heavy library, loaded when used

    return frozenset(ENGLISH_STOP_WORDS | FORM_WORDS)


def strip_accents(text: str) -> str:
    """ "José" -> "Jose", as scikit-learn's ``strip_accents_unicode``.

    Examples
    --------
    >>> strip_accents("Zürich, São Paulo")
    'Zurich, Sao Paulo'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space: how phrases are compared.

    Examples
    --------
    >>> normalise("Codes-of-Conduct, São Paulo!")
    'codes of conduct sao paulo'
    """
    return " ".join(_WORD.findall(strip_accents(text.lower()).replace("_", " ")))


def strip_boilerplate(text: str) -> str:
    """``text`` without its publishing boilerplate sentences (copyright, licences).

    Examples
    --------
    >>> strip_boilerplate("We study soil microbes. © 2023 Elsevier Ltd. All rights reserved.")
    'We study soil microbes.'
    """
    lower = text.lower()
    if not any(h in lower for h in _BOILERPLATE_HINTS) or not _BOILERPLATE_KEY.search(text):
        return text  # the usual case: nothing to remove
    return "".join(s for s in _SENTENCE.findall(text) if not _BOILERPLATE_KEY.search(s))


# a run: the normalised words, and where each word starts and ends in its text
_Run = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]
# one word that ends like an adjective says little alone ("inclusive", "various")
_ADJECTIVE = re.compile(r"(ive|ous|ful|ible|able|ical|less)$")
_SENTENCE_START = re.compile(r"(^|[.!?:;]\s*|\n\s*)$")


#: while :func:`remembering_texts` is on: every text's runs, not only the last few thousand
_REMEMBERED: list[dict[str, tuple[_Run, ...]]] = []


@contextmanager
def remembering_texts() -> Iterator[None]:
    """Within this block every text is read into runs once, however many texts there are.

    Describing the meetings of a big event round after round visits everyone's texts once per
    round: more texts than the usual cache holds (8,192), so without this each round reads
    them all again (20,000 people: most of the reasons' time). The texts' runs are dropped at
    the end of the block.

    Examples
    --------
    >>> with remembering_texts():
    ...     common_phrases("codes of conduct", "our codes of conduct")
    {('codes', 'of', 'conduct'): 'codes of conduct'}
    """
    _REMEMBERED.append({})
    try:
        yield
    finally:
        _REMEMBERED.pop()


def _runs(text: str) -> tuple[_Run, ...]:
    """The runs of consecutive content words in ``text`` (cached: reasons ask again and again)."""
    if not _REMEMBERED:
        return _recent_runs(text)
    kept = _REMEMBERED[-1]
    found = kept.get(text)
    if found is None:
        found = kept[text] = _read_runs(text)
    return found


@lru_cache(maxsize=8192)
def _recent_runs(text: str) -> tuple[_Run, ...]:
    return _read_runs(text)


@lru_cache(maxsize=1 << 16)
def _word(token: str) -> tuple[str, bool]:
    """A token as compared (lower case, no accents) and whether it is a content word."""
    word = strip_accents(token.lower()).replace("’", "'")
    return word, _content(word, stop_words())


def _read_runs(text: str) -> tuple[_Run, ...]:
    """The runs of consecutive content words in ``text``.

    A stop word, a clause break or any punctuation but a hyphen ends a run; "of" between two
    content words does not.
    """
    out: list[_Run] = []
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def close() -> None:
        while words and words[-1] == _INNER:  # "codes of" is "codes"
            del words[-1], starts[-1], ends[-1]
        if words:
            out.append((tuple(words), tuple(starts), tuple(ends)))
        words.clear()
        starts.clear()
        ends.clear()

    for lo, hi in _clause_spans(text):
        for match in _TOKEN.finditer(text, lo, hi):
            word, content = _word(match.group())
            start = match.start()
            if words and start > ends[-1] and not text[ends[-1] : start].isspace():
                close()  # punctuation between the two words
            inner = word == _INNER and bool(words) and words[-1] != _INNER
            if not (inner or content):
                close()  # a stop word ends the run
                continue
            words.append(word)
            starts.append(start)
            ends.append(match.end())
        close()
    return tuple(out)


def _content(word: str, stop: frozenset[str]) -> bool:
    return len(word) > 1 and word not in stop and not word.isdigit()


def _clause_spans(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for brk in CLAUSE_BREAK.finditer(text):
        spans.append((at, brk.start()))
        at = brk.end()
    spans.append((at, len(text)))
    return spans


def _trimmed(words: Sequence[str]) -> tuple[int, int]:
    """The part of ``words`` left after edge words and a dangling "of" are cut off."""
    lo, hi = 0, len(words)
    while lo < hi and (words[lo] in _EDGE or words[lo] == _INNER):
        lo += 1
    while hi > lo and (words[hi - 1] in _EDGE or words[hi - 1] == _INNER):
        hi -= 1
    return lo, hi


def _worth_naming(words: Sequence[str], surface: str, head: bool) -> bool:
    if len(words) != 1:  # two general words make a phrase: "data science", "open source"
        return len(words) > 1
    # one word: a noun that ends a phrase in both texts ("outreach", not "reaching new
    # audiences"), not a general one, and a real word ("DEI"), not "ai" glue
    word = words[0]
    return (
        head
        and word not in _GENERIC
        and not _ADJECTIVE.search(word)
        and (len(word) >= 4 or surface.isupper())
    )


def _as_written(text: str, start: int, end: int) -> str:
    """The phrase as written, lower-cased at the start of a sentence ("Mentoring programs")
    unless it is a name or an acronym ("DEI", "GitHub")."""
    surface = text[start:end]
    first = surface.split(" ", 1)[0]
    if _SENTENCE_START.search(text, 0, start) and not any(c.isupper() for c in first[1:]):
        return surface[:1].lower() + surface[1:]
    return surface


def _windows(run: tuple[str, ...]) -> list[tuple[int, int]]:
    """``(start, stop)`` of ``run`` itself, or of its first and last three words when it is
    too long (an English noun phrase ends in its head: "... software project")."""
    if len(run) <= _LONGEST:
        return [(0, len(run))]
    return [(len(run) - 3, len(run)), (0, 3)]


def common_phrases(a: str, b: str) -> dict[tuple[str, ...], str]:
    """The phrases ``a`` and ``b`` both contain: normalised words -> the phrase as ``a`` wrote it.

    Each phrase is a maximal run of consecutive content words found in both texts (within a
    clause, after boilerplate is removed), with edge verbs ("running", "meet") cut off;
    phrases of generic words only ("meet people") are left out.

    Examples
    --------
    >>> common_phrases("Moderation and codes of conduct for our forum",
    ...                "I wrote codes of conduct and charters")
    {('codes', 'of', 'conduct'): 'codes of conduct'}
    >>> common_phrases("I want to meet people who know Slack", "Meet people, know them")
    {}
    """
    a, b = strip_boilerplate(a), strip_boilerplate(b)
    found: dict[tuple[str, ...], str] = {}
    for (words, starts, ends), head in _shared_runs(_runs(a), _runs(b)):
        for w_lo, w_hi in _windows(words):
            lo, hi = _trimmed(words[w_lo:w_hi])
            lo, hi = lo + w_lo, hi + w_lo
            if hi <= lo:
                continue
            surface = a[starts[lo] : ends[hi - 1]]
            if _worth_naming(words[lo:hi], surface, head and hi == len(words)):
                found.setdefault(words[lo:hi], _as_written(a, starts[lo], ends[hi - 1]))
    return found


def _stem(word: str) -> str:
    """A plural's singular, roughly: "codes" and "code" of conduct are one phrase."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _shared_runs(xs: Sequence[_Run], ys: Sequence[_Run]) -> list[tuple[_Run, bool]]:
    """Maximal common stretches of the runs of two texts, with positions in the first, and
    whether the stretch ends a run in both texts (so its last word heads a phrase)."""
    where: dict[str, list[tuple[int, int]]] = {}
    for r, (words, _, _) in enumerate(ys):
        for k, w in enumerate(words):
            where.setdefault(_stem(w), []).append((r, k))
    out: list[tuple[_Run, bool]] = []
    for words, starts, ends in xs:
        previous: dict[tuple[int, int], int] = {}  # (run, k) in ys -> length ending there
        for i in range(len(words) + 1):
            current = (
                {(r, k): previous.get((r, k - 1), 0) + 1 for r, k in where.get(_stem(words[i]), ())}
                if i < len(words)
                else {}
            )
            for (r, k), length in previous.items():
                if (r, k + 1) not in current:  # cannot grow: a maximal shared stretch
                    span = slice(i - length, i)
                    head = i == len(words) and k + 1 == len(ys[r][0])
                    out.append(((words[span], starts[span], ends[span]), head))
            previous = current
    return [(run, head) for run, head in out if run[0] != (_INNER,)]
