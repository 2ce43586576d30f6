"""Synthetic but realistic communities of STEM community managers.

Used to make the bundled example (``scripts/make_example.py``), by tests and by the
benchmarks. Deterministic for a given ``seed``; no real person is described.

>>> rows = synthetic_rows(5, seed=1)
>>> sorted(rows[0]) == sorted(CANONICAL_COLUMNS)
True
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from netweave.core.cells import csv_writer
from netweave.core.columns import FIELDS

__all__ = ["CANONICAL_COLUMNS", "synthetic_csv", "synthetic_rows", "write_synthetic_csv"]

#: the canonical registration table's columns that synthetic rows fill: the reader's first
#: eleven (offers, seeks, availability, organization and first_time are left out, so the
#: bundled example and the benchmarks keep planning the same people the same way)
CANONICAL_COLUMNS = FIELDS[: FIELDS.index("avoid") + 1]

FIRST = (
    "Amara",
    "Bilal",
    "Camila",
    "Dmitri",
    "Esther",
    "Farid",
    "Grace",
    "Hiroshi",
    "Ines",
    "Jamal",
    "Kavya",
    "Lars",
    "Mei",
    "Nadia",
    "Oluwaseun",
    "Priya",
    "Quentin",
    "Rosa",
    "Sipho",
    "Tamar",
    "Uma",
    "Vikram",
    "Wanjiru",
    "Xavier",
    "Yara",
    "Zeynep",
    "Aiko",
    "Bruno",
    "Chioma",
    "Diego",
    "Elif",
    "Fatima",
    "Gustavo",
    "Hana",
    "Ikaika",
    "Joon",
    "Kiri",
    "Leila",
    "Mateo",
    "Nia",
    "Omar",
    "Paula",
    "Rahel",
    "Santiago",
    "Tuan",
    "Valentina",
    "Wiremu",
    "Ximena",
    "Yusuf",
    "Zola",
)
LAST = (
    "Abebe",
    "Bauer",
    "Castillo",
    "Dubois",
    "Eze",
    "Fernandes",
    "Gupta",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Park",
    "Quispe",
    "Rossi",
    "Suzuki",
    "Tanaka",
    "Usman",
    "Varga",
    "Walker",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Mensah",
    "Lima",
    "Chen",
    "Novak",
    "Ortiz",
    "Petrov",
    "Reyes",
    "Singh",
    "Tembo",
    "Ueda",
    "Vogel",
    "Wong",
)
# city, country, IANA zone, weight: most members are in the Americas and Europe, a few far away
PLACES = (
    ("Boston", "USA", "America/New_York", 6),
    ("Toronto", "Canada", "America/Toronto", 4),
    ("Chicago", "USA", "America/Chicago", 3),
    ("Denver", "USA", "America/Denver", 2),
    ("Seattle", "USA", "America/Los_Angeles", 4),
    ("Mexico City", "Mexico", "America/Mexico_City", 2),
    ("Bogotá", "Colombia", "America/Bogota", 2),
    ("São Paulo", "Brazil", "America/Sao_Paulo", 2),
    ("London", "UK", "Europe/London", 5),
    ("Amsterdam", "Netherlands", "Europe/Amsterdam", 3),
    ("Berlin", "Germany", "Europe/Berlin", 3),
    ("Barcelona", "Spain", "Europe/Madrid", 2),
    ("Stockholm", "Sweden", "Europe/Stockholm", 1),
    ("Lagos", "Nigeria", "Africa/Lagos", 2),
    ("Nairobi", "Kenya", "Africa/Nairobi", 2),
    ("Cape Town", "South Africa", "Africa/Johannesburg", 1),
    ("Bengaluru", "India", "Asia/Kolkata", 2),
    ("Singapore", "Singapore", "Asia/Singapore", 1),
    ("Tokyo", "Japan", "Asia/Tokyo", 1),
    ("Melbourne", "Australia", "Australia/Melbourne", 2),
    ("Sydney", "Australia", "Australia/Sydney", 2),
    ("Auckland", "New Zealand", "Pacific/Auckland", 1),
)
# zones where a live event at 16:00 UTC falls in the night: these members usually join async
NIGHT_ZONES = {"Asia/Tokyo", "Australia/Melbourne", "Australia/Sydney", "Pacific/Auckland"}
COMMUNITIES = (
    "open source scientific software project",
    "research software engineering network",
    "data science community",
    "bioinformatics core facility",
    "citizen science network",
    "astronomy outreach collective",
    "climate research consortium",
    "women in STEM network",
    "graduate student association",
    "open science nonprofit",
    "neuroscience lab network",
    "chemistry education community",
    "high performance computing user group",
    "scientific society",
)
# tag -> what someone who works on it does, and what someone who needs it asks for
TOPICS = {
    "onboarding": ("onboarding newcomers and welcome workflows", "onboarding new members"),
    "mentoring": ("mentoring programs and career development", "running a mentoring program"),
    "events": ("virtual events, hackathons and unconferences", "running engaging online events"),
    "moderation": (
        "moderating online spaces and handling conflict",
        "moderation and codes of conduct",
    ),
    "funding": ("grant funding for community roles", "funding and sustaining a community role"),
    "metrics": ("community health metrics and surveys", "measuring community health"),
    "dei": ("inclusion, accessibility and belonging", "making the community more inclusive"),
    "documentation": ("documentation sprints and contributor guides", "better documentation"),
    "platforms": ("choosing Slack, Discourse or Mattermost", "picking a community platform"),
    "volunteers": (
        "volunteer management and burnout prevention",
        "keeping volunteers from burning out",
    ),
    "training": ("training workshops in the carpentries style", "teaching hands-on workshops"),
    "outreach": ("public outreach and science communication", "reaching the public"),
    "open-science": ("open science and reproducibility", "open science practices"),
    "partnerships": ("partnerships with institutions and industry", "building partnerships"),
    "governance": ("governance, steering committees and charters", "setting up governance"),
}


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _person(i: int, rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, country, zone, _ = rng.choices(PLACES, weights=[p[3] for p in PLACES])[0]
    community = rng.choice(COMMUNITIES)
    tags = rng.sample(sorted(TOPICS), k=rng.randint(2, 4))
    wants = rng.sample([t for t in TOPICS if t not in tags], k=2)
    far = zone in NIGHT_ZONES
    mode = "async" if (far and rng.random() < 0.8) or rng.random() < 0.05 else "live"
    about = (
        f"I run {_a(community)} from {city}. These days I spend most of my time on "
        f"{TOPICS[tags[0]][0]} and {TOPICS[tags[1]][0]}."
    )
    looking = (
        f"Someone who has tackled {TOPICS[wants[0]][1]} or {TOPICS[wants[1]][1]}, "
        f"ideally in {_a(rng.choice(COMMUNITIES))}."
    )
    return {
        "email": f"{first}.{last}.{i}@example.org".lower(),
        "name": f"{first} {last}",
        "mode": mode,
        "timezone": zone,
        "location": f"{city}, {country}",
        "community": community,
        "interests": ";".join(tags),
        "about": about,
        "looking_for": looking,
        "requests": "",
        "avoid": "",
    }


def synthetic_rows(n: int, seed: int = 0) -> list[dict[str, str]]:
    """``n`` registrations in the canonical columns.

    About one in five asks for someone by email or by name, one in forty avoids someone,
    and most members whose evening falls at night join asynchronously.
    """
    rng = random.Random(seed)
    rows = [_person(i, rng) for i in range(n)]
    for row in rows:
        if n > 1 and rng.random() < 0.2:
            other = row
            while other is row:
                other = rows[rng.randrange(n)]
            row["requests"] = other["email"] if rng.random() < 0.5 else other["name"]
        if n > 2 and rng.random() < 0.025:
            other = rows[rng.randrange(n)]
            if other is not row:
                row["avoid"] = other["email"]
    return rows


def synthetic_csv(n: int, seed: int = 0) -> str:
    """The canonical CSV text of :func:`synthetic_rows`."""
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\n")
    writer.writerow(CANONICAL_COLUMNS)
    writer.writerows([row[k] for k in CANONICAL_COLUMNS] for row in synthetic_rows(n, seed))
    return buf.getvalue()


def write_synthetic_csv(path: str | Path, n: int, seed: int = 0) -> Path:
    path = Path(path)
    path.write_text(synthetic_csv(n, seed), encoding="utf-8")
    return path
