"""Extension point: what each app holds about a person, for the privacy app's download,
erasure and retention purge.

The privacy app sits below the apps that keep intros, answers, feedback and email preferences,
and may not import them. Each of those apps registers a :class:`PersonalData` in its
``AppConfig.ready`` saying

- which keys it adds to the member's ``profile`` and to each of their registrations in the
  data download (``my-data.json``),
- what it removes, beyond the database's cascade, when a member is erased or an expired
  event is purged (files in storage, deleted with ``transaction.on_commit`` so that a
  rolled-back deletion never loses them),
- what it counts for an expired event's :class:`~netweave.web.privacy.models.PurgeRecord`.

Providers run in the order of their names, never in the order the apps were loaded, so the
download and the purge report are the same on every start. Two providers (or a provider and
the privacy app) giving the same key is a programming error and raises.

>>> provider = register_personal_data(
...     PersonalData("example", counts=lambda event: {"examples": 3})
... )
>>> provider.counts(None)
{'examples': 3}
>>> unregister_personal_data("example")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PersonalData",
    "erase_registrations",
    "event_counts",
    "iso",
    "merge_sections",
    "personal_data_providers",
    "profile_sections",
    "purge_registrations",
    "register_personal_data",
    "registration_sections",
    "unregister_personal_data",
]

#: a ``community.Member``, an ``events.Registration``, an ``events.Event``: this module sits
#: below those apps and may not import them
Member = Any
Registration = Any
Event = Any


@dataclass(frozen=True)
class PersonalData:
    """One app's part of a person's data. Every hook is optional."""

    #: unique; providers run sorted by it (use the app label)
    name: str
    #: member -> keys added to ``profile`` in the download
    profile: Callable[[Member], dict[str, Any]] | None = None
    #: registration -> keys added to that registration in the download
    registration: Callable[[Registration], dict[str, Any]] | None = None
    #: ``(member, registrations)``, inside the erasure's transaction before the member is
    #: deleted: remove what the cascade does not (files: after commit)
    erase: Callable[[Member, Sequence[Registration]], None] | None = None
    #: ``(event, registrations)``, inside the purge's transaction before the event's
    #: registrations are deleted: remove what the cascade does not (files: after commit)
    purge: Callable[[Event, Sequence[Registration]], None] | None = None
    #: event -> counts kept in its purge record and shown by ``netweave purge``
    counts: Callable[[Event], dict[str, int]] | None = None


_providers: dict[str, PersonalData] = {}


def register_personal_data(provider: PersonalData) -> PersonalData:
    """Add ``provider`` (again: replaces the one of the same name, so ``ready`` may rerun)."""
    _providers[provider.name] = provider
    return provider


def unregister_personal_data(name: str) -> None:
    """Remove the provider called ``name`` (for tests); unknown names are ignored."""
    _providers.pop(name, None)


def personal_data_providers() -> list[PersonalData]:
    """The registered providers, sorted by name."""
    return [_providers[name] for name in sorted(_providers)]


def iso(value: dt.datetime | None) -> str | None:
    """A moment as the download writes it: ISO 8601, or None.

    >>> iso(dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone.utc))
    '2025-03-01T09:30:00+00:00'
    >>> iso(None) is None
    True
    """
    return value.isoformat() if value else None


def merge_sections(
    into: dict[str, Any], part: dict[str, Any], *, source: str, owner: str
) -> dict[str, Any]:
    """``into`` (written by ``owner``) with ``part``'s keys (from ``source``) added after its
    own; a key both have raises, naming both.

    >>> merge_sections({"a": 1}, {"b": 2}, source="provider 'x'", owner="the privacy app")
    {'a': 1, 'b': 2}
    >>> merge_sections({"a": 1}, {"a": 2}, source="provider 'x'", owner="the privacy app")
    Traceback (most recent call last):
    ...
    ValueError: personal data: provider 'x' gives 'a', as does the privacy app; rename one
    """
    for key in part:
        if key in into:
            raise ValueError(f"personal data: {source} gives {key!r}, as does {owner}; rename one")
    into.update(part)
    return into


def _sections(hook: str, subject: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    #: key -> the provider that gave it, to name both in a clash
    owners: dict[str, str] = {}
    for provider in personal_data_providers():
        source = getattr(provider, hook)
        if source is None:
            continue
        part = source(subject)
        name = f"provider {provider.name!r}"
        clash = next((owners[k] for k in part if k in owners), "another provider")
        merge_sections(merged, part, source=name, owner=clash)
        owners.update(dict.fromkeys(part, name))
    return merged


def profile_sections(member: Member) -> dict[str, Any]:
    """The keys the providers add to ``member``'s profile, in provider order."""
    return _sections("profile", member)


def registration_sections(registration: Registration) -> dict[str, Any]:
    """The keys the providers add to ``registration`` in the download, in provider order."""
    return _sections("registration", registration)


def event_counts(event: Event) -> dict[str, int]:
    """What the providers count for ``event``'s purge record, in provider order."""
    return _sections("counts", event)


def erase_registrations(member: Member, registrations: Sequence[Registration]) -> None:
    """Let every provider remove its uncascaded part of ``member`` (call inside the erasure's
    transaction, before deleting the member)."""
    for provider in personal_data_providers():
        if provider.erase is not None:
            provider.erase(member, registrations)


def purge_registrations(event: Event, registrations: Sequence[Registration]) -> None:
    """Let every provider remove its uncascaded part of an expired ``event`` (call inside the
    purge's transaction, before deleting its registrations)."""
    for provider in personal_data_providers():
        if provider.purge is not None:
            provider.purge(event, registrations)
