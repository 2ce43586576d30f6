"""Event configuration: TOML reading, defaults, and error reports that list every problem."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from netweave.core.config import (
    GROUP_WEIGHTS,
    ConfigError,
    EventConfig,
    Weights,
    default_config_toml,
    load_config,
    parse_config,
    parse_group_size,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "event.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "event.toml")
    return info.value.problems


def test_load_config_of_default_toml_gives_defaults(tmp_path):
    assert load_config(write(tmp_path, default_config_toml())) == EventConfig()


def test_default_config_toml_of_custom_config_round_trips():
    custom = EventConfig(
        rounds=6,
        async_matches=2,
        group_target=5,
        must_meet=(("a@x.org", "b@y.org"),),
        history_mode="penalise",
        weights=Weights(interests=5.0),
    )
    assert parse_config(default_config_toml(custom)) == custom


def test_default_config_toml_comments_every_weight():
    rendered = default_config_toml()
    assert "interests = 3.0  # shared interest tags" in rendered


def test_load_config_empty_file_gives_defaults(tmp_path):
    assert load_config(write(tmp_path, "")) == EventConfig()


def test_load_config_reads_every_section(tmp_path):
    path = write(
        tmp_path,
        """
must_meet = [["Ana@X.org", "kofi@y.org"]]
[event]
rounds = 3
minutes_per_round = 10
seed = 7
[rounds]
odd = "host"
async_matches = 2
candidates = 20
fairness = 0.5
[groups]
size = "3-5"
target = 3
time_limit = 1
attach_async = true
[weights]
interests = 5
[group_weights]
region = 0
[history]
mode = "ignore"
[text]
backend = "tfidf"
""",
    )
    assert load_config(path) == EventConfig(
        rounds=3,
        minutes_per_round=10,
        seed=7,
        odd="host",
        async_matches=2,
        candidates=20,
        fairness=0.5,
        group_min=3,
        group_max=5,
        group_target=3,
        group_time_limit=1.0,
        groups_attach_async=True,
        history_mode="ignore",
        must_meet=(("ana@x.org", "kofi@y.org"),),
        weights=Weights(interests=5.0),
        group_weights=replace(GROUP_WEIGHTS, region=0.0),
    )


def test_load_config_group_min_and_max_keys():
    config = parse_config("[groups]\nmin = 2\nmax = 3\n")
    assert (config.group_min, config.group_max) == (2, 3)


def test_load_config_partial_group_weights_keep_group_defaults():
    assert parse_config("[group_weights]\nregion = 0\n").group_weights.interests == 4.0


def test_load_config_penalize_spelling_is_accepted():
    assert parse_config('[history]\nmode = "penalize"\n').history_mode == "penalise"


def test_load_config_lists_every_problem():
    assert problems(
        """
[event]
rounds = 0
seed = "x"
[weights]
interests = "high"
regin = 1
region = -1
[colours]
red = 1
"""
    ) == [
        'event.toml: [event] seed: expected a whole number, got "x"',
        'event.toml: [weights] interests: expected a number, got "high"',
        'event.toml: [weights] regin: unknown key (did you mean "region"?)',
        "event.toml: [weights] region: must be 0 or more, got -1",
        "event.toml: [colours]: unknown section",
        "event.toml: [event] rounds: must be at least 1, got 0",
    ]


def test_load_config_problems_name_the_file_path(tmp_path):
    path = write(tmp_path, "[event]\nrounds = 0\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.problems == [f"{path}: [event] rounds: must be at least 1, got 0"]


def test_load_config_toml_syntax_error_gives_file_line_and_column():
    assert problems("[event]\nrounds = = 3\n") == [
        "event.toml: invalid TOML: Invalid value (at line 2, column 10)"
    ]


def test_load_config_unknown_section_suggests_the_near_one():
    assert problems("[weight]\ninterests = 1\n") == [
        'event.toml: [weight]: unknown section (did you mean "weights"?)'
    ]


def test_load_config_key_above_its_section_says_where_it_belongs():
    assert problems("seed = 3\n") == [
        "event.toml: seed: unknown key here (did you mean to put it under [event]?)"
    ]


def test_load_config_section_name_used_as_key_says_where_it_belongs():
    assert problems("rounds = 5\n") == [
        "event.toml: [rounds]: expected a table, got 5 (did you mean to put rounds = 5 under "
        "[event]?)"
    ]


def test_load_config_bool_is_not_a_whole_number():
    assert problems("[event]\nrounds = true\n") == [
        "event.toml: [event] rounds: expected a whole number, got true"
    ]


def test_load_config_min_above_max_is_an_error():
    assert problems('[groups]\nsize = "6-4"\n') == [
        "event.toml: [groups] size: the minimum 6 is larger than the maximum 4"
    ]


def test_load_config_min_above_default_max_blames_min():
    assert problems("[groups]\nmin = 8\n") == [
        "event.toml: [groups] min: the minimum 8 is larger than the maximum 6"
    ]


def test_load_config_group_min_below_two_is_an_error():
    assert problems('[groups]\nsize = "1-3"\n') == [
        "event.toml: [groups] size: must be at least 2, got 1"
    ]


def test_load_config_target_outside_sizes_is_an_error():
    assert problems("[groups]\ntarget = 9\n") == [
        "event.toml: [groups] target: must be between 4 and 6, got 9"
    ]


def test_load_config_bad_group_size_is_one_problem():
    assert problems('[groups]\nsize = "big"\n') == [
        'event.toml: [groups] size: expected "MIN-MAX" like "4-6", or one size like "5", got "big"'
    ]


def test_load_config_size_with_min_is_an_error():
    assert problems('[groups]\nsize = "4-6"\nmin = 4\n') == [
        "event.toml: [groups] size: give either size or min and max, not both"
    ]


def test_load_config_unknown_choice_lists_the_choices():
    assert problems('[rounds]\nodd = "pair"\n') == [
        'event.toml: [rounds] odd: expected one of "trio", "host", got "pair"'
    ]


def test_load_config_unknown_text_backend_is_an_error():
    assert problems('[text]\nbackend = "bert"\n') == [
        'event.toml: [text] backend: expected one of "tfidf", got "bert"'
    ]


def test_load_config_bad_must_meet_pairs_are_listed():
    assert problems('must_meet = [["a@x.org"], ["a@x.org", "a@x.org"], "x"]\n') == [
        'event.toml: must_meet pair 1: expected two different emails like ["a@x.org", '
        '"b@y.org"], got ["a@x.org"]',
        'event.toml: must_meet pair 2: expected two different emails like ["a@x.org", '
        '"b@y.org"], got ["a@x.org", "a@x.org"]',
        'event.toml: must_meet pair 3: expected two different emails like ["a@x.org", '
        '"b@y.org"], got "x"',
    ]


def test_load_config_section_that_is_not_a_table_is_an_error():
    assert problems("weights = 3\n") == ["event.toml: [weights]: expected a table, got 3"]


@pytest.mark.parametrize(
    ("text", "sizes"), [("4-6", (4, 6)), ("12-12", (12, 12)), ("5", (5, 5)), (" 3 - 4 ", (3, 4))]
)
def test_parse_group_size_reads_ranges_and_single_sizes(text, sizes):
    assert parse_group_size(text) == sizes


def test_parse_group_size_takes_an_integer():
    assert parse_group_size(5) == (5, 5)


@pytest.mark.parametrize("text", ["", "4-", "a-b", "4-6-8", "-3", "4..6"])
def test_parse_group_size_rejects_other_text(text):
    with pytest.raises(ValueError, match='expected "MIN-MAX" like "4-6"'):
        parse_group_size(text)


def test_event_config_replace_changes_fields():
    assert EventConfig().replace(rounds=6, seed=2) == EventConfig(rounds=6, seed=2)


def test_event_config_replace_validates():
    with pytest.raises(ConfigError, match="rounds: must be at least 1, got 0"):
        EventConfig().replace(rounds=0)


def test_event_config_lists_every_problem():
    with pytest.raises(ConfigError) as info:
        EventConfig(rounds=0, group_min=7)
    assert info.value.problems == [
        "rounds: must be at least 1, got 0",
        "group_min: the minimum 7 is larger than the maximum 6",
    ]


def test_event_config_lower_cases_must_meet():
    config = EventConfig(must_meet=[["Ana@X.org ", "KOFI@y.org"]])  # type: ignore[list-item]
    assert config.must_meet == (("ana@x.org", "kofi@y.org"),)


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def test_weights_negative_raises():
    with pytest.raises(ConfigError, match="region: must be 0 or more, got -1"):
        Weights(region=-1)


@pytest.mark.parametrize(("low", "high", "target"), [(4, 6, 5), (4, 5, 5), (3, 3, 3)])
def test_target_group_size_defaults_to_middle_rounded_half_up(low, high, target):
    assert EventConfig(group_min=low, group_max=high).target_group_size == target


def test_target_group_size_uses_group_target():
    assert EventConfig(group_target=4).target_group_size == 4


def test_matches_per_async_defaults_to_rounds():
    assert EventConfig(rounds=5).matches_per_async == 5


def test_matches_per_async_uses_async_matches():
    assert EventConfig(rounds=5, async_matches=2).matches_per_async == 2
