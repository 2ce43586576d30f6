"""What organizers do with members: find them, edit them, import and export them.

The import runs in two steps the organizer can see: :func:`preview_import` says what a file
would change (and what is wrong with it) without writing anything; :func:`import_members`
writes it, all or nothing. Both read the same :class:`~netweave.core.people.Roster`, so the
preview never promises something the import would not do.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet

from netweave.core.cells import csv_writer
from netweave.core.columns import FIELDS, ColumnMapping
from netweave.core.issues import Issue, RegistrationError
from netweave.core.people import Person, Roster
from netweave.web.common.errors import DomainError
from netweave.web.community.models import Community, Member

__all__ = [
    "EXPORT_COLUMNS",
    "IMPORT_SUFFIXES",
    "ImportPreview",
    "ImportRejectedError",
    "ImportResult",
    "PreviewRow",
    "assign",
    "check_rows",
    "community_tags",
    "discard_upload",
    "export_members",
    "import_members",
    "preview_import",
    "remember_mapping",
    "remembered_mapping",
    "search_members",
    "stash_upload",
    "stashed_upload_path",
    "update_member",
    "write_members",
]

# --------------------------------------------------------------------------- directory


def search_members(community: Community, query: str = "", tag: str = "") -> QuerySet[Member]:
    """Members of ``community`` whose name, email, managed community or interests contain
    ``query`` (case-insensitive), optionally only those tagged ``tag``; with event counts."""
    members = community.members.annotate(event_count=Count("registrations"))
    query = query.strip()
    if query:
        members = members.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(manages__icontains=query)
            | Q(interests__icontains=query)
        )
    if tag:
        members = members.filter(_has_tag(tag))
    return members.order_by("name", "pk")


def _has_tag(tag: str) -> Q:
    # JSON containment is exact but SQLite lacks it; there, the quoted tag inside the stored
    # JSON text is exact enough (tags are stored normalised, so case does not matter).
    if connection.features.supports_json_field_contains:
        return Q(tags__contains=[tag])
    return Q(tags__icontains=json.dumps(tag))


def community_tags(community: Community) -> list[str]:
    """Every organizer tag used in ``community``, sorted (one query)."""
    tags: set[str] = set()
    for row in community.members.exclude(tags=[]).values_list("tags", flat=True):
        tags.update(str(t) for t in row or ())
    return sorted(tags)


def update_member(member: Member, **fields: Any) -> Member:
    """Set the given profile fields on ``member`` and save it."""
    for name, value in fields.items():
        setattr(member, name, value)
    member.save()
    return member


# --------------------------------------------------------------------------- export

#: the core's canonical columns, then what only the web app knows about a member; not plain
#: "tags": the core reads a "tags" header as interests
EXPORT_COLUMNS: tuple[str, ...] = (
    *FIELDS,
    *(c for c in ("pronouns", "organization", "notes", "organizer_tags") if c not in FIELDS),
)


def _export_row(member: Member) -> list[str]:
    values = {
        "email": member.email,
        "name": member.name,
        "timezone": member.timezone,
        "location": member.location,
        "community": member.manages,
        "community_kind": member.community_kind,
        "interests": ";".join(member.interests),
        "offers": ";".join(member.offers or ()),
        "seeks": ";".join(member.seeks or ()),
        "about": member.about,
        "pronouns": member.pronouns,
        "organization": member.organization,
        "notes": member.notes,
        "organizer_tags": ";".join(member.tags),
    }
    # mode, looking_for, requests, avoid, available and first_time belong to a
    # registration (one event), not to the member
    return [values.get(column, "") for column in EXPORT_COLUMNS]


class _Echo:
    """A file-like object whose ``write`` returns the line, for a streaming CSV writer."""

    def write(self, value: str) -> str:
        return value


def export_members(community: Community) -> Iterator[str]:
    """CSV lines (header first) for every member, in the core's canonical format plus the
    web-only columns, so the file can be read back by ``netweave`` or imported again; cells
    that start like a formula are neutralised by the project's one CSV writer."""
    writer = csv_writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(EXPORT_COLUMNS)
    for member in community.members.order_by("name", "pk").iterator(chunk_size=500):
        yield writer.writerow(_export_row(member))


# --------------------------------------------------------------------------- uploads

#: the file types :func:`netweave.core.people.read_people` reads
IMPORT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx")
_KEY = re.compile(r"[0-9a-f]{32}(\.csv|\.tsv|\.txt|\.xlsx)")
# a preview nobody confirmed within a day is abandoned
_STALE_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def stash_upload(upload: UploadedFile) -> str:
    """Keep an uploaded table until the organizer confirms it; return its key.

    The stored name is random and only the suffix comes from the upload (and only a known
    one), so a crafted filename can neither reach another path nor guess another upload.
    """
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise ValueError(f"cannot import {suffix or 'files without an extension'}")
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _discard_stale(folder)
    key = secrets.token_hex(16) + suffix
    with (folder / key).open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return key


def stashed_upload_path(key: str) -> Path | None:
    """The file behind ``key``, or ``None`` if the key is malformed or the file is gone."""
    if not _KEY.fullmatch(key):
        return None
    path = _upload_dir() / key
    return path if path.is_file() else None


def discard_upload(key: str) -> None:
    if path := stashed_upload_path(key):
        path.unlink(missing_ok=True)


def _discard_stale(folder: Path) -> None:
    cutoff = time.time() - _STALE_SECONDS
    for path in folder.iterdir():
        if _KEY.fullmatch(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- column mapping


def remembered_mapping(community: Community, headers: Sequence[str]) -> ColumnMapping:
    """How this community's last imports read the columns that ``headers`` share with them:
    the starting guess for a new file (columns it does not name are guessed afresh)."""
    try:
        remembered = ColumnMapping.from_dict(community.import_mapping or {})
    except RegistrationError:
        # a target an older netweave knew and this one does not: guess afresh, not fail
        remembered = ColumnMapping()
    return remembered.for_headers(headers)


def remember_mapping(community: Community, mapping: ColumnMapping) -> None:
    """Keep ``mapping`` (over what was remembered) as the next file's starting guess."""
    try:
        old = ColumnMapping.from_dict(community.import_mapping or {})
    except RegistrationError:
        old = ColumnMapping()
    community.import_mapping = old.updated(mapping).to_dict()
    community.save(update_fields=["import_mapping"])


# --------------------------------------------------------------------------- import


class ImportRejectedError(DomainError):
    """Nothing was imported; :attr:`problems` (also :attr:`issues`) say which rows are at
    fault and why."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("\n".join(str(i) for i in issues), issues)
        self.issues = issues


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_members` changed."""

    created: int
    updated: int
    registrations_created: int = 0
    registrations_updated: int = 0

    def __str__(self) -> str:
        text = f"{self.created} new members, {self.updated} updated"
        if self.registrations_created or self.registrations_updated:
            text += (
                f"; {self.registrations_created} new registrations, "
                f"{self.registrations_updated} updated"
            )
        return text


@dataclass(frozen=True)
class PreviewRow:
    person: Person
    is_new: bool
    registered: bool
    warnings: tuple[Issue, ...]


@dataclass(frozen=True)
class ImportPreview:
    """What importing a roster would do; :attr:`errors` non-empty means it would be refused."""

    rows: tuple[PreviewRow, ...]
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]

    @property
    def new_count(self) -> int:
        return sum(r.is_new for r in self.rows)

    @property
    def updated_count(self) -> int:
        return len(self.rows) - self.new_count

    @property
    def registered_count(self) -> int:
        """People already registered for the event, whose registration would be updated."""
        return sum(r.registered for r in self.rows)

    @property
    def new_registration_count(self) -> int:
        return len(self.rows) - self.registered_count


# Person fields -> Member fields, with the database's length limits checked up front: SQLite
# ignores max_length, and a name cut short silently is worse than a clear error.
_LIMITED = {
    "email": "email",
    "name": "name",
    "community": "manages",
    "community_kind": "community_kind",
    "location": "location",
}
# imported columns the core does not know but a member has (our own export writes them)
_EXTRA_FIELDS = {
    "pronouns": "pronouns",
    "organization": "organization",
    "organisation": "organization",
    "company": "organization",
    "notes": "notes",
    "organizer_tags": "tags",
    "organizer tags": "tags",
}


def _row_issues(person: Person, label: str) -> list[Issue]:
    issues = []
    for attr, field in _LIMITED.items():
        limit = Member._meta.get_field(field).max_length
        value = getattr(person, attr)
        if limit and len(value) > limit:
            message = f"{attr} is {len(value)} characters long; at most {limit} fit"
            issues.append(Issue(message, label, person.line or None, attr, code="too-long"))
    return issues


def _profile(person: Person) -> dict[str, Any]:
    """The member fields a row sets; blank cells are left out so they never erase data."""
    fields: dict[str, Any] = {"name": person.name}
    for attr, field in (
        ("community", "manages"),
        ("community_kind", "community_kind"),
        ("location", "location"),
        ("about", "about"),
    ):
        if getattr(person, attr):
            fields[field] = getattr(person, attr)
    # "UTC" is also what a blank cell reads as, so it never overwrites a zone we know
    if person.timezone != "UTC":
        fields["timezone"] = person.timezone
    if person.interests:
        fields["interests"] = list(person.interests)
    if person.organization:  # a core column now; older files keep it in an extra column
        fields["organization"] = person.organization
    for attr in ("offers", "seeks"):
        if getattr(person, attr):
            fields[attr] = list(getattr(person, attr))
    extra: dict[str, str] = {}
    for header, value in person.extra:
        field = _EXTRA_FIELDS.get(header.strip().lower())
        if field == "tags":
            fields["tags"] = sorted({t.strip().lower() for t in value.split(";") if t.strip()})
        elif field:
            fields[field] = value
        else:
            extra[header] = value
    if extra:
        fields["extra"] = extra
    return fields


def preview_import(
    community: Community,
    roster: Roster,
    *,
    registered: Collection[str] = frozenset(),
    label: str = "",
) -> ImportPreview:
    """What :func:`import_members` would do with ``roster``, without writing anything.

    ``registered``: emails already registered for the event the file is imported into
    (:func:`netweave.web.events.imports.preview_roster` fills it in).
    """
    ids = [p.id for p in roster.people]
    known = set(community.members.filter(email__in=ids).values_list("email", flat=True))
    by_line: dict[int | None, list[Issue]] = {}
    for issue in roster.warnings:
        by_line.setdefault(issue.line, []).append(issue)
    rows = tuple(
        PreviewRow(p, p.id not in known, p.id in registered, tuple(by_line.get(p.line, ())))
        for p in roster.people
    )
    errors = tuple(i for p in roster.people for i in _row_issues(p, label))
    return ImportPreview(rows, errors, roster.warnings)


def import_members(community: Community, roster: Roster) -> ImportResult:
    """Create or update a member for every person in ``roster`` (matched by lower-cased email).

    Importing into an event (registrations too) is
    :func:`netweave.web.events.imports.import_roster`, which writes the members through
    :func:`write_members` in the same transaction.

    All or nothing: one bad row (see :class:`ImportRejectedError`) or a database error leaves
    the community exactly as it was, because an organizer cannot be expected to work out
    which half of a spreadsheet made it in. Blank cells never erase what is already known;
    organizer notes and tags change only when the table has such a column.

    ``Person.requests``/``avoid`` hold emails; they are resolved to members of the community
    (the people in the roster, and members already there).
    """
    check_rows(roster)
    with transaction.atomic():
        _, created, updated = write_members(community, roster.people)
    return ImportResult(created, updated)


def check_rows(roster: Roster) -> None:
    """Refuse the whole roster (:class:`ImportRejectedError`) if any row cannot be stored."""
    issues = [i for p in roster.people for i in _row_issues(p, "")]
    if issues:
        raise ImportRejectedError(issues)


def assign(obj: Any, fields: dict[str, Any]) -> list[str]:
    """Set ``fields`` on ``obj``; return the names whose value really changed."""
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    return changed


def write_members(
    community: Community, people: Sequence[Person]
) -> tuple[dict[str, Member], int, int]:
    """Create or update the members ``people`` name, inside the caller's transaction.

    Returns every member by email, and how many were created and updated.
    """
    members = {m.email: m for m in community.members.filter(email__in=[p.id for p in people])}
    new: list[Member] = []
    updated = 0
    for person in people:
        fields = _profile(person)
        member = members.get(person.id)
        if member is None:
            member = Member(community=community, email=person.id, **fields)
            members[person.id] = member
            new.append(member)
            continue
        updated += 1
        if "extra" in fields:  # merge: columns missing from this file keep their old values
            fields["extra"] = {**member.extra, **fields["extra"]}
        # one UPDATE per changed row: bulk_update's CASE expressions took seconds for 1,000
        if changed := assign(member, fields):
            member.save(update_fields=[*changed, "updated"])
    Member.objects.bulk_create(new, batch_size=500)
    return members, len(new), updated
