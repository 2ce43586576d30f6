"""The reasons read as a person would write them: the quality check on real-looking plans.

:func:`~netweave.core.reason_check.check_reasons` lists a meeting with no reason, a reason
over 90 characters, one said twice in a meeting, a time zone given as a reason, and a quoted
phrase that neither person wrote. These tests run it on the bundled example community, on
research abstracts with no time zones (and publishers' boilerplate), and after a hand swap.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from netweave.core.config import EventConfig
from netweave.core.curation import rescored, swap_in_round
from netweave.core.people import Person, read_people
from netweave.core.plan import Meeting, Plan, Round
from netweave.core.planner import PlanningInput, plan_event
from netweave.core.reason_check import check_reasons
from netweave.core.scoring import affinity_for

ABSTRACTS = [
    ("Ana Lima", "We study soil microbial communities and carbon cycling in tropical forests "
     "using metagenomics. © 2024 Elsevier Ltd. All rights reserved."),
    ("Bo Chen", "Metagenomics of soil microbes under drought; carbon cycling models for forest "
     "plots. This article is protected by copyright. All rights reserved."),
    ("Cy Diaz", "Teaching reproducible research with Python notebooks in undergraduate "
     "courses. Published by Oxford University Press."),
    ("Dee Eze", "Reproducible research workflows: version control and notebooks for teaching "
     "data science to undergraduates."),
    ("Eli Fox", "Citizen science bird counts and community engagement in urban parks."),
    ("Fay Gold", "Urban biodiversity monitoring with citizen science volunteers: bird surveys "
     "across seasons. Copyright © 2023 The Authors."),
    ("Gus Hale", "Deep learning for protein structure prediction and drug discovery."),
    ("Hana Ito", "Protein folding simulations with machine learning for drug discovery "
     "pipelines."),
    ("Ivo Jung", "Open access publishing and research data sharing policies in universities."),
    ("Jo Kim", "Research data management and open data policies for university libraries."),
    ("Kai Lund", "Community building for research software engineers: mentoring and careers."),
    ("Lea Moss", "Careers of research software engineers and mentoring programmes in academia."),
]  # fmt: skip
BOILERPLATE = ("rights reserved", "copyright", "elsevier", "published by", "the authors")


@pytest.fixture(scope="module")
def example():
    path = Path(__file__).resolve().parents[2] / "src/netweave/examples/community.csv"
    people = read_people(path).people
    return people, plan_event(PlanningInput(people), EventConfig(rounds=4, seed=1))


@pytest.fixture(scope="module")
def abstracts(tmp_path_factory):
    path = tmp_path_factory.mktemp("abstracts") / "abstracts.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Email", "Name", "Abstract"])
        for name, text in ABSTRACTS:
            writer.writerow([f"{name.split()[0].lower()}@example.org", name, text])
    people = read_people(path, {"Abstract": "about"}).people
    return people, plan_event(PlanningInput(people), EventConfig(rounds=3, seed=2))


def _reasons(plan) -> list[str]:
    return [r for rnd in plan.rounds for m in rnd.meetings for r in m.reasons]


def test_check_reasons_example_community_is_clean(example):
    people, plan = example
    assert check_reasons(plan, people) == []


def test_check_reasons_example_community_every_meeting_has_a_reason(example):
    _people, plan = example
    assert all(m.reasons for rnd in plan.rounds for m in rnd.meetings if len(m.members) > 1)


def test_check_reasons_abstracts_without_time_zones_are_clean(abstracts):
    people, plan = abstracts
    assert check_reasons(plan, people) == []


def test_reasons_abstracts_never_name_an_unknown_time_zone(abstracts):
    _people, plan = abstracts
    assert not [r for r in _reasons(plan) if "UTC" in r or "hours" in r or "time zone" in r]


def test_reasons_abstracts_say_what_the_texts_share(abstracts):
    _people, plan = abstracts
    first_round = [m.reasons for m in plan.rounds[0].meetings]
    # text drives the first round's scores: most of its meetings say what the two wrote about
    about_text = [rs for rs in first_round if any("wrote about" in r for r in rs)]
    assert len(about_text) >= len(first_round) // 2, first_round


def test_reasons_abstracts_never_quote_publishers_boilerplate(abstracts):
    _people, plan = abstracts
    texts = [r.lower() for r in _reasons(plan)]
    texts += [r.lower() for g in plan.groups for r in g.reasons]
    assert not [t for t in texts if any(b in t for b in BOILERPLATE)]


def test_check_reasons_after_a_hand_swap_is_clean(example):
    people, plan = example
    meetings = [m for m in plan.rounds[0].meetings if len(m.members) == 2]
    a, b = meetings[0].members[0], meetings[1].members[0]
    swapped = swap_in_round(plan, 1, a, b)
    fresh = rescored(plan, swapped, affinity_for(people, EventConfig(rounds=4, seed=1)), people)
    changed = [m for m in fresh.rounds[0].meetings if a in m.members or b in m.members]
    assert all(m.reasons for m in changed)
    assert check_reasons(fresh, people) == []


def test_check_reasons_flags_what_a_person_would_not_write():
    ana = Person("ana@x.org", "ana@x.org", "Ana", interests=("mentoring",))
    bo = Person("bo@x.org", "bo@x.org", "Bo", interests=("mentoring",))
    long = "Ana and Bo both work on mentoring " + "and much more " * 5
    meeting = Meeting("Room 1", (ana.id, bo.id), reasons=("Both on UTC+0 time", long, long))
    problems = check_reasons(Plan((), (Round(1, (meeting,)),)), [ana, bo])
    assert any("time zone" in p for p in problems)
    assert any("characters" in p for p in problems)
    assert any("said twice" in p for p in problems)
