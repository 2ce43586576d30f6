"""People's names as video meetings show them, and the one key two spellings are compared by.

A participant list pasted from Zoom names people as their devices and profiles do: "liam
o’brien (he/him) - iPhone", "Ana's iPad", "KOFI MENSAH". :func:`bare_name` takes off what is
not part of the name (pronouns, devices) and keeps the spelling ("Liam O'Brien" stays so, to
pre-fill a walk-in); :func:`name_key` is what two names are compared by (case, accents and
apostrophes ignored). Text only: no numpy, so pages may import it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["APOSTROPHES", "bare_name", "name_key"]

#: straight, curly and modifier apostrophes, the backtick and the acute accent people type
#: for one: "O'Brien", "O’Brien", "Oʼ Brien", "O`Brien", "O´Brien"
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4"
_APOSTROPHE = f"[{APOSTROPHES}]"

#: what a device or a meeting app calls itself after a name; with up to three model words
#: ("iPhone 14 Pro", "Galaxy S21", "MacBook Air")
_DEVICE = (
    r"(?:my\s+)?(?:iphone|ipad|ipod|android|galaxy|pixel|samsung|huawei|xiaomi|oneplus|"
    r"motorola|nokia|mobile|phone|cellphone|tablet|laptop|macbook|imac|mac|pc|desktop|computer|"
    r"chromebook|surface|zoom|zoom\s+user|zoom\s+rooms?|web|windows|linux)"
    r"(?:\s+[\w.+-]+){0,3}?"
)
_PRONOUNS = r"(?:she|he|they|ze|xe|any|it)(?:\s*/\s*[a-z]+)+"
#: "(she/her)", "[iPhone]" anywhere
_BRACKETED = re.compile(rf"\s*[(\[]\s*(?:{_PRONOUNS}|{_DEVICE})\s*[)\]]", re.IGNORECASE)
#: "Ana's iPad" at the end
_POSSESSIVE = re.compile(rf"{_APOSTROPHE}s?\s+{_DEVICE}\s*$", re.IGNORECASE)
#: "- Zoom", "| iPhone", ": she/her", ", they/them" at the end
_TRAILING = re.compile(rf"\s*[-–—|:,]\s*(?:{_PRONOUNS}|{_DEVICE})\s*$", re.IGNORECASE)
#: "Ana Lima she/her" at the end
_BARE_PRONOUNS = re.compile(rf"\s+{_PRONOUNS}\s*$", re.IGNORECASE)


def bare_name(text: str) -> str:
    """``text`` without pronouns and device names, its spelling otherwise kept.

    A text that is nothing but a device ("iPhone") is returned as it is: it names nobody, and
    the organizer should see what was pasted.

    Examples
    --------
    >>> bare_name("liam o’brien (he/him) - iPhone")
    'liam o’brien'
    >>> bare_name("Liam O'Brien")
    "Liam O'Brien"
    >>> bare_name("Ana's iPad"), bare_name("Kofi Mensah - Zoom"), bare_name("Bo (iPhone 14 Pro)")
    ('Ana', 'Kofi Mensah', 'Bo')
    >>> bare_name("Dee Okafor she/her"), bare_name("iPhone")
    ('Dee Okafor', 'iPhone')
    """
    name = " ".join(text.split())
    while True:
        shorter = _BRACKETED.sub("", name)
        for pattern in (_POSSESSIVE, _TRAILING, _BARE_PRONOUNS):
            shorter = pattern.sub("", shorter)
        shorter = shorter.strip()
        if shorter == name:
            return name
        if not any(ch.isalpha() for ch in shorter):
            return name
        name = shorter


def name_key(text: str) -> str:
    """What two names are compared by: :func:`bare_name`, lower case, accents and apostrophes
    off, other punctuation a space.

    Examples
    --------
    >>> name_key("liam o’brien (he/him) - iPhone") == name_key("Liam O'Brien") == "liam obrien"
    True
    >>> name_key("  José  García-Núñez "), name_key("ZOË d`Arc"), name_key("O´Brien")
    ('jose garcia nunez', 'zoe darc', 'obrien')
    """
    # apostrophes first: NFKD would split the acute accent into a space and an accent
    plain = unicodedata.normalize("NFKD", re.sub(_APOSTROPHE, "", bare_name(text)))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())
