"""Event configuration: how many rounds, how big the groups, what makes a good pair.

Organizers write a small TOML file (``event.toml``); every key is optional and missing keys
take the documented defaults, so an empty file is a valid event. :func:`default_config_toml`
prints every key with its default and an explanation; it is the reference documentation.

Problems are reported all at once, each with the file and the TOML key, so an organizer can
fix a file in one go::

    event.toml: [weights] interests: expected a number, got "high"
    event.toml: [groups] size: expected "MIN-MAX" like "4-6", got "big"

Examples
--------
>>> config = parse_config('[event]\\nrounds = 3\\n[groups]\\nsize = "3-5"\\n')
>>> config.rounds, config.group_min, config.group_max, config.target_group_size
(3, 3, 5, 4)
>>> config.replace(rounds=5).rounds
5
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from netweave.core.text import TEXT_BACKENDS
from netweave.core.watching import watch_cap

__all__ = [
    "GROUP_WEIGHTS",
    "HISTORY_MODES",
    "ODD_MODES",
    "WEIGHT_HELP",
    "ConfigError",
    "EventConfig",
    "Weights",
    "default_config_toml",
    "load_config",
    "parse_config",
    "parse_group_size",
]

#: what to do with the odd person out in a live round
ODD_MODES = ("trio", "host")
#: how pairs who met at a past event are treated
HISTORY_MODES = ("exclude", "penalise", "ignore")


class ConfigError(ValueError):
    """The configuration cannot be used; :attr:`problems` lists every problem found."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _weight_problems(weights: Weights) -> list[tuple[str, str]]:
    out = []
    for f in fields(weights):
        value = getattr(weights, f.name)
        if value < 0:
            out.append((f.name, f"must be 0 or more, got {value}"))
    return out


@dataclass(frozen=True)
class Weights:
    """How much each part of a pair's score counts. Every weight is ``>= 0``.

    Each part is a number in ``[0, 1]`` (or 0/1 for yes-no parts) multiplied by its weight;
    a pair's score is the sum. ``history_penalty`` is *subtracted* for pairs who met before
    when the history mode is ``"penalise"``.
    """

    interests: float = 3.0  # shared interest tags (Jaccard of tag sets)
    looking_for: float = 3.0  # A.looking_for vs B.about and B vs A, averaged (TF-IDF cosine)
    profile: float = 1.0  # whole profile text vs whole profile text
    community: float = 1.5  # same or similar kind of community
    timezone: float = 1.0  # 1 for equal UTC offsets, falling linearly to 0 at 8 hours apart
    region: float = 0.5  # same country/region (location's last comma part, or time zone area)
    request: float = 4.0  # one-way request
    mutual_request: float = 8.0  # both asked for each other (replaces, not adds to, 2x request)
    must_meet: float = 10.0  # organizers' must-meet list
    history_penalty: float = 3.0  # subtracted for pairs who met before ("penalise" mode)
    offers: float = 5.0  # one offers a topic the other seeks (offers/seeks columns)
    first_timer: float = 2.0  # a first-timer and a veteran ([rules] first_timers_meet_veterans)

    def __post_init__(self) -> None:
        problems = [f"{name}: {msg}" for name, msg in _weight_problems(self)]
        if problems:
            raise ConfigError(problems)


#: group-building weights: groups are about a shared topic and a shared time of day, and a
#: group is too big for a one-on-one request or must-meet to mean much
GROUP_WEIGHTS = Weights(
    interests=4.0,
    looking_for=1.0,
    profile=1.0,
    community=2.0,
    timezone=1.5,
    region=1.5,
    request=1.0,
    mutual_request=2.0,
    must_meet=0.0,
    history_penalty=0.0,
    offers=1.0,
    first_timer=0.0,
)

#: one line per weight, for the commented default file and the command line's help
WEIGHT_HELP = {
    "interests": "shared interest tags (Jaccard similarity of the two tag sets)",
    "looking_for": "what one looks for vs what the other does, both ways, averaged (TF-IDF)",
    "profile": "whole profile text vs whole profile text (TF-IDF)",
    "community": "same kind of community (1), or similar community names (TF-IDF)",
    "timezone": "1 for the same UTC offset, falling linearly to 0 at 8 hours apart",
    "region": "same country (last part of the location) or time zone area",
    "request": "one person asked to meet the other",
    "mutual_request": "both asked for each other (instead of twice `request`)",
    "must_meet": "the pair is on the organizers' must_meet list",
    "history_penalty": 'subtracted for pairs who met before, when [history] mode = "penalise"',
    "offers": "one offers a topic the other seeks (the offers and seeks columns)",
    "first_timer": "a first-timer with a veteran (when [rules] first_timers_meet_veterans)",
}


@dataclass(frozen=True)
class EventConfig:
    """Everything that shapes one event's plan; see :func:`default_config_toml` for the
    meaning of each field. Invalid values raise :class:`ConfigError` on construction."""

    rounds: int = 4
    minutes_per_round: int = 8
    seed: int = 0
    odd: str = "trio"  # or "host"
    async_matches: int | None = None  # None = same as rounds
    #: a live person watches at most one async intro in every this many rounds; 0 = no cap
    watch_every: int = 3
    candidates: int = 30  # per-person candidate list size for the rounds
    fairness: float = 1.0  # strength of boosting people who are behind (0 = pure total)
    #: events up to this many people get their rounds solved exactly (an integer program)
    #: after the heuristic, and a proof of how close to the optimum they are; 0 = never
    exact_up_to: int = 80
    #: branch-and-bound nodes for that proof: a fixed count keeps plans the same for a seed
    exact_nodes: int = 500
    #: a safety cap in seconds for the proof; a proof stopped by it may differ between machines
    exact_time_limit: float = 10.0
    group_min: int = 4
    group_max: int = 6
    group_target: int | None = None  # None = middle of min..max, rounded half up
    #: search effort for the groups: generations for 1,000 people, up to 3x for smaller
    #: (see ``groups.generations_for``); a fixed count keeps plans the same for a seed
    group_iterations: int = 10
    #: a safety cap in seconds; a search stopped by it may differ between machines
    group_time_limit: float = 30.0
    groups_attach_async: bool = False
    history_mode: str = "exclude"  # "exclude" | "penalise" | "ignore"
    must_meet: tuple[tuple[str, str], ...] = ()  # lower-cased emails
    text_backend: str = "tfidf"
    weights: Weights = field(default_factory=Weights)
    group_weights: Weights = GROUP_WEIGHTS
    #: people of one organization never meet one-on-one (a hard rule, like an avoid list)
    apart_same_organization: bool = True
    #: every first-timer meets at least one veteran where one is free
    first_timers_meet_veterans: bool = True
    #: everyone with a community_kind meets someone of another kind where a swap allows
    across_community_kinds: bool = False
    #: at most this many of one person's meetings come from others' one-way requests; the
    #: requests beyond it (the latest registered askers first) count as plain pairs. None = off
    request_cap: int | None = None

    def __post_init__(self) -> None:
        # accept lists and any case from Python callers, so equal configs compare equal
        pairs = tuple((a.strip().lower(), b.strip().lower()) for a, b in self.must_meet)
        object.__setattr__(self, "must_meet", pairs)
        if self.history_mode == "penalize":
            object.__setattr__(self, "history_mode", "penalise")
        problems = [f"{name}: {msg}" for name, msg in _value_problems(vars(self))]
        if problems:
            raise ConfigError(problems)

    @property
    def target_group_size(self) -> int:
        """``group_target``, or the middle of ``group_min..group_max`` rounded half up."""
        if self.group_target is not None:
            return self.group_target
        return (self.group_min + self.group_max + 1) // 2

    @property
    def matches_per_async(self) -> int:
        """How many matches each async participant gets (``async_matches`` or ``rounds``)."""
        return self.rounds if self.async_matches is None else self.async_matches

    @property
    def watch_cap(self) -> int | None:
        """The most intros one live person watches (:func:`~netweave.core.watching.watch_cap`).

        >>> EventConfig(rounds=4).watch_cap, EventConfig(rounds=4, watch_every=0).watch_cap
        (2, None)
        """
        return watch_cap(self.rounds, self.watch_every)

    def replace(self, **overrides: Any) -> EventConfig:
        """A copy with some fields changed (for command-line overrides), validated again.

        >>> EventConfig().replace(rounds=6, seed=3).rounds
        6
        """
        return replace(self, **overrides)


def _value_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Range problems of well-typed field values, as ``(field, message)`` pairs."""
    out: list[tuple[str, str]] = []

    def at_least(name: str, low: float, strict: bool = False) -> None:
        value = values.get(name)
        if value is not None and (value <= low if strict else value < low):
            word = "more than" if strict else "at least"
            out.append((name, f"must be {word} {low}, got {value}"))

    for name, low in (("rounds", 1), ("minutes_per_round", 1), ("seed", 0)):
        at_least(name, low)
    for name, low in (("async_matches", 0), ("candidates", 1), ("fairness", 0), ("group_min", 2)):
        at_least(name, low)
    for name in ("exact_up_to", "exact_nodes", "watch_every"):
        at_least(name, 0)
    at_least("exact_time_limit", 0, strict=True)
    at_least("group_time_limit", 0, strict=True)
    at_least("group_iterations", 0)
    at_least("request_cap", 1)
    out += _group_problems(values)
    out += _choice_problems(values)
    for section in ("weights", "group_weights"):
        if isinstance(values.get(section), Weights):
            out += [(f"{section}.{k}", m) for k, m in _weight_problems(values[section])]
    return out


def _group_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    low, high, target = values.get("group_min"), values.get("group_max"), values.get("group_target")
    out = []
    if low is not None and high is not None and low > high:
        out.append(("group_min", f"the minimum {low} is larger than the maximum {high}"))
    elif target is not None and low is not None and high is not None and not low <= target <= high:
        out.append(("group_target", f"must be between {low} and {high}, got {target}"))
    return out


def _choice_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for name, choices in (
        ("odd", ODD_MODES),
        ("history_mode", HISTORY_MODES),
        ("text_backend", TEXT_BACKENDS),
    ):
        value = values.get(name)
        if value is not None and value not in choices:
            listed = ", ".join(json.dumps(c) for c in choices)
            out.append((name, f"expected one of {listed}, got {_show(value)}"))
    return out


def parse_group_size(text: str | int) -> tuple[int, int]:
    """``"4-6"`` -> ``(4, 6)``; ``"5"`` or ``5`` -> ``(5, 5)``.

    >>> parse_group_size("4-6"), parse_group_size("12-12"), parse_group_size("5")
    ((4, 6), (12, 12), (5, 5))
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return text, text
    parts = str(text).replace(" ", "").split("-")
    if len(parts) in (1, 2) and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[-1])
    raise ValueError(f'expected "MIN-MAX" like "4-6", or one size like "5", got {_show(text)}')


# --------------------------------------------------------------------------- reading TOML


def _show(value: Any) -> str:
    """A value as an organizer wrote it in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _int(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    return None, f"expected a whole number, got {_show(value)}"


def _number(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), None
    return None, f"expected a number, got {_show(value)}"


def _text(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        return value.strip().lower(), None
    return None, f"expected a text in quotes, got {_show(value)}"


def _bool(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return value, None
    return None, f"expected true or false, got {_show(value)}"


def _history_mode(value: Any) -> tuple[Any, str | None]:
    mode, error = _text(value)
    return ("penalise" if mode == "penalize" else mode), error  # both spellings are common


_ReadFn = Callable[[Any], tuple[Any, "str | None"]]

# section -> TOML key -> (EventConfig field, reader); "size" and the weight tables are special
_KEYS: dict[str, dict[str, tuple[str, _ReadFn]]] = {
    "event": {
        "rounds": ("rounds", _int),
        "minutes_per_round": ("minutes_per_round", _int),
        "seed": ("seed", _int),
    },
    "rounds": {
        "odd": ("odd", _text),
        "async_matches": ("async_matches", _int),
        "watch_every": ("watch_every", _int),
        "candidates": ("candidates", _int),
        "fairness": ("fairness", _number),
        "exact_up_to": ("exact_up_to", _int),
        "exact_nodes": ("exact_nodes", _int),
        "exact_time_limit": ("exact_time_limit", _number),
    },
    "groups": {
        "min": ("group_min", _int),
        "max": ("group_max", _int),
        "target": ("group_target", _int),
        "iterations": ("group_iterations", _int),
        "time_limit": ("group_time_limit", _number),
        "attach_async": ("groups_attach_async", _bool),
    },
    "history": {"mode": ("history_mode", _history_mode)},
    "rules": {
        "apart_same_organization": ("apart_same_organization", _bool),
        "first_timers_meet_veterans": ("first_timers_meet_veterans", _bool),
        "across_community_kinds": ("across_community_kinds", _bool),
        "request_cap": ("request_cap", _int),
    },
    "text": {"backend": ("text_backend", _text)},
}
_WEIGHT_SECTIONS = {"weights": Weights(), "group_weights": GROUP_WEIGHTS}
_SECTIONS = (*_KEYS, *_WEIGHT_SECTIONS)


class _Reader:
    """Collects field values and every problem, each problem labelled with its TOML key."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.values: dict[str, Any] = {}
        self.problems: list[str] = []
        self.labels: dict[str, str] = {}  # field -> the TOML key it came from
        self.bad: set[str] = set()  # fields with a type problem: no range checks on them

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def unknown(self, where: str, key: str, known: Iterable[str], what: str = "key") -> None:
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        self.problem(where, f"unknown {what}{hint}")

    def unknown_top_level(self, key: str, known: Iterable[str]) -> None:
        # a common slip: a key written above its section header, e.g. rounds = 4 before [event]
        home = [section for section, keys in _KEYS.items() if key in keys]
        if home:
            self.problem(key, f"unknown key here (did you mean to put it under [{home[0]}]?)")
        else:
            self.unknown(key, key, known)

    def not_a_table(self, key: str, value: Any) -> None:
        home = [section for section, keys in _KEYS.items() if key in keys]
        hint = f" (did you mean to put {key} = {_show(value)} under [{home[0]}]?)" if home else ""
        self.problem(f"[{key}]", f"expected a table, got {_show(value)}{hint}")

    def read(self, data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            if key == "must_meet":
                self.read_must_meet(value)
            elif key not in _SECTIONS:
                known = ("must_meet", *_SECTIONS)
                if isinstance(value, dict):
                    self.unknown(f"[{key}]", key, known, "section")
                else:
                    self.unknown_top_level(key, known)
            elif not isinstance(value, dict):
                self.not_a_table(key, value)
            elif key in _WEIGHT_SECTIONS:
                self.read_weights(key, value)
            else:
                self.read_section(key, value)

    def read_section(self, section: str, table: Mapping[str, Any]) -> None:
        keys = _KEYS[section]
        for key, value in table.items():
            where = f"[{section}] {key}"
            if section == "groups" and key == "size":
                self.read_size(table, value)
            elif key not in keys:
                self.unknown(where, key, [*keys, *(["size"] if section == "groups" else [])])
            else:
                name, reader = keys[key]
                self.take(name, where, *reader(value))

    def take(self, name: str, where: str, value: Any, error: str | None) -> None:
        self.labels[name] = where
        if error:
            self.problem(where, error)
            self.bad.add(name)
        else:
            self.values[name] = value

    def read_size(self, table: Mapping[str, Any], value: Any) -> None:
        where = "[groups] size"
        if "min" in table or "max" in table:
            self.problem(where, "give either size or min and max, not both")
            return
        try:
            low, high = parse_group_size(value)
        except ValueError as exc:
            self.take("group_min", where, None, str(exc))
            self.take("group_max", where, None, str(exc))
            self.problems.pop()  # one message for the one key
            return
        self.take("group_min", where, low, None)
        self.take("group_max", where, high, None)

    def read_weights(self, section: str, table: Mapping[str, Any]) -> None:
        known = [f.name for f in fields(Weights)]
        changes: dict[str, float] = {}
        for key, value in table.items():
            where = f"[{section}] {key}"
            if key not in known:
                self.unknown(where, key, known)
                continue
            number, error = _number(value)
            if error is None and number < 0:
                error = f"must be 0 or more, got {_show(value)}"
            if error:
                self.problem(where, error)
            else:
                changes[key] = number
        self.values[section] = replace(_WEIGHT_SECTIONS[section], **changes)

    def read_must_meet(self, value: Any) -> None:
        if not isinstance(value, list):
            self.problem("must_meet", f"expected a list of pairs of emails, got {_show(value)}")
            self.bad.add("must_meet")
            return
        pairs = []
        for number, item in enumerate(value, start=1):
            pair = _email_pair(item)
            if pair is None:
                self.problem(
                    f"must_meet pair {number}",
                    f'expected two different emails like ["a@x.org", "b@y.org"], '
                    f"got {json.dumps(item, ensure_ascii=False)}",
                )
            else:
                pairs.append(pair)
        self.values["must_meet"] = tuple(pairs)

    def range_problems(self) -> None:
        defaults = {f.name: getattr(_DEFAULT, f.name) for f in fields(EventConfig)}
        merged = {k: v for k, v in {**defaults, **self.values}.items() if k not in self.bad}
        for name, message in _value_problems(merged):
            self.problem(self.label(name), message)

    def label(self, name: str) -> str:
        """The TOML key to blame for a problem with field ``name``."""
        if name == "group_min":  # min > max: blame whichever of the two the file set
            return self.labels.get(name) or self.labels.get("group_max") or "[groups] size"
        return self.labels.get(name) or _DEFAULT_LABELS[name]


def _email_pair(item: Any) -> tuple[str, str] | None:
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(e, str) for e in item)):
        return None
    a, b = (e.strip().lower() for e in item)
    return (a, b) if "@" in a and "@" in b and a != b else None


_DEFAULT = EventConfig()
_DEFAULT_LABELS = {
    **{
        name: f"[{section}] {key}"
        for section, keys in _KEYS.items()
        for key, (name, _) in keys.items()
    },
    "must_meet": "must_meet",
    **{
        f"{section}.{f.name}": f"[{section}] {f.name}"
        for section in _WEIGHT_SECTIONS
        for f in fields(Weights)
    },
}


def parse_config(text: str, source: str = "<string>") -> EventConfig:
    """The :class:`EventConfig` described by TOML ``text``; ``source`` names it in errors.

    Raises
    ------
    ConfigError
        Listing every problem: TOML syntax (with line and column), unknown sections or keys,
        wrong types and values out of range.

    Examples
    --------
    >>> parse_config("[weights]\\ninterests = 5").weights.interests
    5.0
    >>> try:
    ...     parse_config('[weights]\\ninterests = "high"\\nregion = -1', "event.toml")
    ... except ConfigError as exc:
    ...     print(exc)
    event.toml: [weights] interests: expected a number, got "high"
    event.toml: [weights] region: must be 0 or more, got -1
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{source}: invalid TOML: {exc}"]) from None
    reader = _Reader(source)
    reader.read(data)
    reader.range_problems()
    if reader.problems:
        raise ConfigError(reader.problems)
    return EventConfig(**reader.values)


def load_config(path: str | Path) -> EventConfig:
    """Read an event configuration file (TOML); see :func:`parse_config` for the errors.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "event.toml"
    ...     _ = path.write_text("[event]\\nrounds = 5\\n", encoding="utf-8")
    ...     load_config(path).rounds
    5
    """
    path = Path(path)
    return parse_config(path.read_text(encoding="utf-8"), source=str(path))


# ------------------------------------------------------------------------- the documented defaults

_HELP: dict[str, tuple[tuple[str, str, str], ...]] = {
    "event": (
        ("rounds", "rounds", "number of one-on-one rounds"),
        ("minutes_per_round", "minutes_per_round", "length of one round, in minutes"),
        ("seed", "seed", "change it for a different plan of equal quality (same seed = same plan)"),
    ),
    "rounds": (
        (
            "odd",
            "odd",
            'the odd person out in a live round: "trio" joins a pair, "host" meets a host',
        ),
        (
            "async_matches",
            "async_matches",
            "matches per async participant; unset = as many as rounds",
        ),
        (
            "watch_every",
            "watch_every",
            "a live person watches at most one async intro in this many rounds (0 = no cap)",
        ),
        ("candidates", "candidates", "best partners considered per person (20-40 loses < 0.05 %)"),
        (
            "fairness",
            "fairness",
            "how strongly people who are behind get boosted (0 = best total only)",
        ),
        (
            "exact_up_to",
            "exact_up_to",
            "up to this many people, solve the rounds exactly and prove it (0 = never)",
        ),
        (
            "exact_nodes",
            "exact_nodes",
            "search steps for that proof (the same count, the same plan)",
        ),
        ("exact_time_limit", "exact_time_limit", "at most this many seconds for the proof"),
    ),
    "groups": (
        ("size", "", 'group sizes, "MIN-MAX" or one size; or write min = 4 and max = 6'),
        ("target", "group_target", "size most groups should have; unset = middle of the range"),
        (
            "iterations",
            "group_iterations",
            "search effort: generations for 1,000 people, up to 3x for fewer (same count,"
            " same groups)",
        ),
        ("time_limit", "group_time_limit", "at most this many seconds improving the groups"),
        ("attach_async", "groups_attach_async", "also put async participants into groups"),
    ),
    "history": (
        ("mode", "history_mode", 'pairs who met before: "exclude", "penalise" or "ignore"'),
    ),
    "text": (("backend", "text_backend", 'how free text is compared; only "tfidf" for now'),),
    "rules": (
        (
            "apart_same_organization",
            "apart_same_organization",
            "people of one organization never meet one-on-one (the organization column)",
        ),
        (
            "first_timers_meet_veterans",
            "first_timers_meet_veterans",
            "every first-timer meets at least one veteran where one is free (first_time)",
        ),
        (
            "across_community_kinds",
            "across_community_kinds",
            "everyone meets at least one person of another kind of community (community_kind)",
        ),
        (
            "request_cap",
            "request_cap",
            "most meetings one person gets from others' one-way requests; unset = no cap",
        ),
    ),
}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return json.dumps([list(p) for p in value], ensure_ascii=False)
    return repr(value)


def _section_lines(section: str, config: EventConfig) -> list[str]:
    lines = ["", f"[{section}]"]
    for key, name, help_text in _HELP[section]:
        lines.append(f"# {help_text}")
        if key == "size":
            lines.append(f'size = "{config.group_min}-{config.group_max}"')
            continue
        value = getattr(config, name)
        if value is None:
            # TOML has no null: an unset key stays a comment showing what it works out to
            shown = {"target": config.target_group_size, "request_cap": 2}.get(
                key, config.matches_per_async
            )
            lines.append(f"# {key} = {shown}")
        else:
            lines.append(f"{key} = {_toml(value)}")
    return lines


def _weight_lines(section: str, weights: Weights, intro: str) -> list[str]:
    lines = ["", f"# {intro}", f"[{section}]"]
    for f in fields(Weights):
        lines.append(f"{f.name} = {_toml(getattr(weights, f.name))}  # {WEIGHT_HELP[f.name]}")
    return lines


def default_config_toml(config: EventConfig | None = None) -> str:
    """A fully commented TOML file describing ``config`` (default: the default event).

    Loading the result gives the same configuration back.

    >>> parse_config(default_config_toml()) == EventConfig()
    True
    """
    config = config or EventConfig()
    lines = [
        "# netweave event configuration (TOML). Every key is optional: a missing key takes the",
        "# default shown here, so this file describes exactly the default event.",
        "",
        "# pairs the organizers want to meet, by email:",
        '#   must_meet = [["ana@example.org", "kofi@example.org"]]',
        f"must_meet = {_toml(config.must_meet)}",
    ]
    for section in ("event", "rounds", "groups"):
        lines += _section_lines(section, config)
    lines += _weight_lines(
        "weights", config.weights, "what makes a good pair for the one-on-one rounds"
    )
    lines += _weight_lines(
        "group_weights", config.group_weights, "what makes a good pair inside a small group"
    )
    for section in ("history", "text", "rules"):
        lines += _section_lines(section, config)
    return "\n".join(lines) + "\n"
