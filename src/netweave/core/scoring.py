"""How an event's settings become pair scores: the one place that reads a config's weights,
history rule, must-meet list and text backend into :class:`~netweave.core.affinity.Affinity`.

The planner, the CLI's ``affinity`` command, the organizer's curation (rescoring a swap) and
the live re-plan all score people the same way, so a meeting's score and reasons never depend
on which of them made it.

Examples
--------
>>> from netweave.core.config import EventConfig
>>> from netweave.core.people import Person
>>> ana = Person("ana@x.org", "ana@x.org", "Ana", interests=("mentoring",))
>>> bo = Person("bo@x.org", "bo@x.org", "Bo", interests=("mentoring",))
>>> aff = affinity_for([ana, bo], EventConfig(), history=[("ana@x.org", "bo@x.org")])
>>> aff.allowed(0, 1)  # met before, and the default history rule excludes them
False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from netweave.core.affinity import Affinity, AffinitySpec, build_affinities
from netweave.core.config import EventConfig
from netweave.core.people import Person
from netweave.core.rules import colleague_pairs

__all__ = ["affinities_for", "affinity_for", "forbid", "rule_forbidden", "score_specs"]


def score_specs(config: EventConfig, *, groups: bool = False) -> list[AffinitySpec]:
    """The weightings ``config`` asks for: the rounds', then (with ``groups``) the groups'.

    Groups use their own weights, and a met-before pair is only discouraged in a group,
    never excluded: a group of five cannot avoid everyone's history.

    Examples
    --------
    >>> from netweave.core.config import EventConfig
    >>> [spec.history_mode for spec in score_specs(EventConfig(), groups=True)]
    ['exclude', 'penalise']
    """
    weights = config.weights
    if not config.first_timers_meet_veterans:  # the rule is what the first_timer weight serves
        weights = replace(weights, first_timer=0.0)
    specs = [AffinitySpec(weights, config.history_mode, tuple(config.must_meet))]
    if groups:
        group_history = "penalise" if config.history_mode != "ignore" else "ignore"
        specs.append(AffinitySpec(config.group_weights, group_history))
    return specs


def affinities_for(
    people: Sequence[Person],
    config: EventConfig,
    *,
    history: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
) -> tuple[Affinity, Affinity]:
    """Scores for the rounds and for the groups, each part computed once for both.

    ``forbidden``: the organizers' forbidden pairs (emails), added to both.

    Examples
    --------
    >>> from netweave.core.config import EventConfig
    >>> from netweave.core.people import Person
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana", interests=("mentoring",))
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo", interests=("mentoring",))
    >>> rounds, groups = affinities_for([ana, bo], EventConfig())
    >>> rounds.score(0, 1) != groups.score(0, 1)
    True
    """
    rounds, groups = build_affinities(
        people,
        score_specs(config, groups=True),
        history=history,
        text_backend=config.text_backend,
    )
    pairs = list(forbidden)
    # colleagues may share a group; the rule is about one-on-one meetings
    return forbid(rounds, [*pairs, *rule_forbidden(people, config)]), forbid(groups, pairs)


def affinity_for(
    people: Sequence[Person],
    config: EventConfig,
    *,
    history: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
) -> Affinity:
    """The rounds' scores of ``people`` under ``config`` (see the module's example).

    Examples
    --------
    >>> from netweave.core.config import EventConfig
    >>> from netweave.core.people import Person
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana")
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo")
    >>> affinity_for([ana, bo], EventConfig(), forbidden=[("bo@x.org", "ana@x.org")]).allowed(0, 1)
    False
    """
    (spec,) = score_specs(config)
    (aff,) = build_affinities(people, [spec], history=history, text_backend=config.text_backend)
    return forbid(aff, [*forbidden, *rule_forbidden(people, config)])


def rule_forbidden(people: Sequence[Person], config: EventConfig) -> list[tuple[str, str]]:
    """The pairs the organizers' rules keep apart in the rounds: colleagues (people of one
    organization), when ``config.apart_same_organization``.

    Examples
    --------
    >>> from netweave.core.config import EventConfig
    >>> from netweave.core.people import Person
    >>> people = [Person(e, e, e, organization="Acme") for e in ("a", "b")]
    >>> rule_forbidden(people, EventConfig()), rule_forbidden(people, EventConfig(
    ...     apart_same_organization=False))
    ([('a', 'b')], [])
    """
    return colleague_pairs(people) if config.apart_same_organization else []


def forbid(aff: Affinity, pairs: Iterable[tuple[str, str]]) -> Affinity:
    """``aff`` with the pairs of ids ``pairs`` forbidden too; ids ``aff`` does not know are
    ignored (a forbidden pair with someone who is not coming forbids nothing).

    Examples
    --------
    >>> from netweave.core.affinity import build_affinity
    >>> from netweave.core.people import Person
    >>> aff = build_affinity([Person("a", "a", "A"), Person("b", "b", "B")])
    >>> forbid(aff, [("a", "b"), ("a", "nobody")]).allowed(0, 1)
    False
    """
    known = set(aff.ids)
    extra = {
        (min(i, j), max(i, j))
        for a, b in pairs
        if a in known and b in known
        for i, j in [(aff.index(a), aff.index(b))]
    }
    return replace(aff, forbidden=aff.forbidden | extra) if extra else aff
