"""plan.json: the published schema and the JSON round trip."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netweave.core.plan import (
    SCHEMA_VERSION,
    Group,
    Meeting,
    Participant,
    Plan,
    Round,
    Unmatched,
    load_plan,
    plan_schema,
)


def realistic_plan() -> Plan:
    people = [
        Participant("ana@example.org", "Ana Lima"),
        Participant("kofi@example.org", "Kofi Mensah"),
        Participant("li@example.org", "Li Wei"),
        Participant("sam@example.org", "Sam Okafor"),
        Participant("tomas@example.org", "Tomás Ruiz"),
        Participant("mei@example.org", "Mei Chen", "async"),
    ]
    r1 = Round(
        1,
        (
            Meeting("Room 1", ("ana@example.org", "kofi@example.org"), 0.8125, ("Both mentor",)),
            Meeting("Room 2", ("li@example.org", "sam@example.org"), 0.5, pinned=True),
            Meeting(None, ("tomas@example.org", "mei@example.org"), 0.25, is_async=True),
        ),
    )
    r2 = Round(
        2,
        (
            Meeting("Room 1", ("ana@example.org", "li@example.org"), 0.75),
            Meeting("Room 2", ("kofi@example.org", "sam@example.org", "tomas@example.org"), 1.5),
        ),
    )
    groups = (
        Group(
            "Group 1",
            ("ana@example.org", "kofi@example.org", "li@example.org", "sam@example.org"),
            "Onboarding",
            2.25,
            ("All four work on onboarding",),
            remote=("mei@example.org",),
            pinned=True,
        ),
    )
    unmatched = (Unmatched(0, "tomas@example.org", "leaves before the groups"),)
    return Plan(tuple(people), (r1, r2), groups, unmatched, {"total": 3.8125, "bound": 0.97})


def validate(data: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(plan_schema()).validate(data)


def test_plan_schema_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(plan_schema())


def test_plan_schema_version_matches_writer():
    assert plan_schema()["properties"]["version"]["const"] == SCHEMA_VERSION


def _undescribed(node: Any, defs: dict[str, Any], path: str) -> list[str]:
    # Every named field must say what it is, directly or through the definition it uses;
    # if/then/else only restate fields under conditions, so they are not fields themselves.
    missing = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            target = defs.get(sub.get("$ref", "").rsplit("/", 1)[-1], {})
            if "description" not in sub and "description" not in target:
                missing.append(f"{path}/{name}")
        for key, sub in node.items():
            if key not in ("if", "then", "else"):
                missing += _undescribed(sub, defs, f"{path}/{key}")
    return missing


def test_plan_schema_describes_every_field():
    schema = plan_schema()
    assert _undescribed(schema, schema["$defs"], "") == []


def test_plan_schema_returns_fresh_copy():
    plan_schema()["title"] = "changed"
    assert plan_schema()["title"] != "changed"


def test_plan_to_dict_realistic_validates():
    validate(realistic_plan().to_dict())


def test_plan_to_dict_without_groups_validates():
    plan = realistic_plan()
    validate(Plan(plan.participants, plan.rounds).to_dict())


def test_plan_schema_rejects_four_members():
    data = realistic_plan().to_dict()
    data["rounds"][0]["meetings"][0]["members"] += ["li@example.org", "sam@example.org"]
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_plan_schema_rejects_async_meeting_with_room():
    data = realistic_plan().to_dict()
    data["rounds"][0]["meetings"][2]["room"] = "Room 3"
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_plan_schema_rejects_live_meeting_without_room():
    data = realistic_plan().to_dict()
    data["rounds"][0]["meetings"][0]["room"] = None
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_plan_schema_rejects_misspelt_field():
    data = realistic_plan().to_dict()
    data["rounds"][0]["meetings"][0]["asnyc"] = True
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_plan_schema_rejects_unknown_mode():
    data = realistic_plan().to_dict()
    data["participants"][0]["mode"] = "hybrid"
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_plan_json_round_trip_equal():
    plan = realistic_plan()
    assert Plan.from_json(plan.to_json()) == plan


def test_load_plan_reads_written_file(tmp_path):
    plan = realistic_plan()
    (tmp_path / "plan.json").write_text(plan.to_json(), encoding="utf-8")
    assert load_plan(tmp_path / "plan.json") == plan


def test_plan_from_lists_round_trip_equal():
    meeting = Meeting("Room 1", ["a@x.org", "b@x.org"], 1.0, ["Both like tea"])  # type: ignore[arg-type]
    plan = Plan([Participant("a@x.org", "A"), Participant("b@x.org", "B")], [Round(1, [meeting])])  # type: ignore[arg-type]
    assert Plan.from_json(plan.to_json()) == plan


def test_plan_json_numpy_scores_round_trip_equal():
    meeting = Meeting("Room 1", ("a@x.org", "b@x.org"), np.float32(0.7234567891))
    plan = Plan((), (Round(1, (meeting,)),), metrics={"quality": np.float32(0.5)})
    assert Plan.from_json(plan.to_json()).rounds == plan.rounds


def test_plan_json_numpy_metrics_written_as_numbers():
    plan = Plan((), metrics={"per_round": np.array([1.5, 2.0]), "n": np.int64(3)})
    assert json.loads(plan.to_json())["metrics"] == {"per_round": [1.5, 2.0], "n": 3}


_ids = st.sampled_from(["a@x.org", "b@x.org", "c@x.org", "d@x.org"])
_meetings = st.builds(
    Meeting,
    room=st.text(min_size=1, max_size=8),
    members=st.lists(_ids, min_size=1, max_size=3, unique=True).map(tuple),
    score=st.floats(-1e6, 1e6, allow_nan=False),
    reasons=st.lists(st.text(max_size=20), max_size=3).map(tuple),
    pinned=st.booleans(),
)


@given(st.lists(st.lists(_meetings, max_size=4), max_size=3))
def test_plan_json_round_trip_equal_any_scores(rounds):
    plan = Plan((), tuple(Round(k + 1, tuple(ms)) for k, ms in enumerate(rounds)))
    assert Plan.from_json(plan.to_json()) == plan
