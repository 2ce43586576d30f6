"""One community, whole, to a JSON file and back (``netweave backup`` / ``netweave restore``).

The file holds Django's serialization of every row that belongs to the community, found by
following foreign keys from each netweave model to :class:`Community` (so a model added by
a later app is included without a change here). Organizers are referred to by username
(natural keys); a restore creates missing ones without a usable password, so they set one
with "forgot password" or ``netweave manage changepassword``. Primary keys are kept, which
is exact in an empty database; restoring over rows with the same keys is refused.

Intro media are referred to by storage name; ``media=True`` also packs the files into a zip
next to the JSON.
"""

from __future__ import annotations

import json
import zipfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from netweave.web.common.errors import DomainError
from netweave.web.community.models import Community
from netweave.web.intros.storage import intro_storage

__all__ = ["BackupError", "backup_community", "community_rows", "media_path", "restore"]

FORMAT = "netweave-backup/1"
APP_PREFIX = "netweave.web."
MAX_DEPTH = 5


class BackupError(DomainError):
    """A backup that cannot be written or restored, with a message for the command line."""


def _netweave_models() -> list[type[models.Model]]:
    return [
        m
        for config in apps.get_app_configs()
        if config.name.startswith(APP_PREFIX)
        for m in config.get_models()
    ]


def _path_to_community(model: type[models.Model]) -> str | None:
    """The shortest lookup (``event__community``) from ``model`` to Community, or None."""
    if model is Community:
        return ""
    queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
    while queue:
        current, path = queue.popleft()
        if path.count("__") >= MAX_DEPTH:
            continue
        for f in current._meta.concrete_fields:
            if not (f.many_to_one or f.one_to_one):
                continue
            lookup = f"{path}__{f.name}" if path else f.name
            if f.related_model is Community:
                return lookup
            if f.related_model is not current:
                queue.append((f.related_model, lookup))
    return None


def community_rows(community: Community) -> Iterator[models.QuerySet[Any]]:
    """Every row of ``community``, a queryset per model, parents before children."""
    for model in _netweave_models():
        path = _path_to_community(model)
        if path is None:
            continue
        rows = model._default_manager.filter(
            **({"pk": community.pk} if not path else {path: community})
        )
        # many-to-one chains: every row is reached once, no DISTINCT needed
        yield rows.order_by("pk")


def _serialized(community: Community) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for rows in community_rows(community):
        many = [f.name for f in rows.model._meta.many_to_many]
        for o in serializers.serialize("python", rows, use_natural_foreign_keys=True):
            # a many-to-many list comes in the database's order (by the related ids, which a
            # restore gives out anew): sorted, the same community always gives the same file
            # (one with its own through model is not in it: its rows are rows of their own)
            for name in many:
                if name in o["fields"]:
                    o["fields"][name] = sorted(o["fields"][name])
            objects.append(o)
    return objects


def _users(community: Community) -> list[dict[str, str]]:
    """Organizers and everyone a row names (who made a plan version), by username."""
    user_model = get_user_model()
    pks = set(community.organizers.values_list("pk", flat=True))
    for rows in community_rows(community):
        for f in rows.model._meta.concrete_fields:
            if f.is_relation and f.related_model is user_model:
                pks |= set(rows.exclude(**{f.attname: None}).values_list(f.attname, flat=True))
    users = user_model.objects.filter(pk__in=pks).order_by("username")
    return [{"username": u.get_username(), "email": u.email} for u in users]


def _media_names(objects: list[dict[str, Any]]) -> list[str]:
    # intro media are stored by name in plain columns ending in "_name"
    return sorted(
        {
            value
            for o in objects
            if o["model"] == "intros.intro"
            for key, value in o["fields"].items()
            if key.endswith("_name") and value
        }
    )


def media_path(path: Path) -> Path:
    """Where the media zip of the backup at ``path`` lives."""
    return path.with_name(path.name + ".media.zip")


def backup_community(slug: str, path: Path, *, media: bool = False) -> dict[str, int]:
    """Write community ``slug`` to ``path``; returns the row count per model."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise BackupError(f"No community with the slug {slug!r}.")
    with transaction.atomic():  # one consistent snapshot (repeatable reads on PostgreSQL)
        objects = _serialized(community)
        users = _users(community)
    data = {
        "format": FORMAT,
        "community": slug,
        "users": users,
        "media": _media_names(objects),
        "objects": objects,
    }
    path.write_text(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
    if media:
        _write_media(data["media"], media_path(path))
    counts: dict[str, int] = {}
    for o in objects:
        counts[o["model"]] = counts.get(o["model"], 0) + 1
    return counts


def _write_media(names: list[str], target: Path) -> None:
    storage = intro_storage()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:  # videos are compressed
        for name in names:
            if storage.exists(name):
                with storage.open(name, "rb") as source:
                    archive.writestr(name, source.read())


# --------------------------------------------------------------------------- restore


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"Cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not a netweave backup ({FORMAT}).")
    return data


def _ensure_users(people: list[dict[str, str]]) -> None:
    users = get_user_model()
    for o in people:
        user, created = users.objects.get_or_create(
            username=o["username"], defaults={"email": o.get("email", "")}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])


def _check_free(data: dict[str, Any]) -> None:
    if Community.objects.filter(slug=data["community"]).exists():
        raise BackupError(f"The community {data['community']!r} already exists here.")
    taken: dict[str, list[Any]] = {}
    for o in data["objects"]:
        taken.setdefault(o["model"], []).append(o["pk"])
    for label, pks in taken.items():
        model = apps.get_model(label)
        if model._default_manager.filter(pk__in=pks).exists():
            raise BackupError(
                f"Rows of {label} with the same ids already exist: restore into an empty "
                "database (netweave manage migrate on a new one)."
            )


def _reset_sequences(labels: set[str]) -> None:
    # explicit ids leave PostgreSQL's sequences behind; the next insert would collide
    models_ = [apps.get_model(label) for label in labels]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _restore_media(path: Path) -> int:
    storage = intro_storage()
    restored = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not storage.exists(name):
                with archive.open(name) as source:
                    storage.save(name, source)
                restored += 1
    return restored


def restore(path: Path, *, media: bool = False) -> dict[str, int]:
    """Load the backup at ``path``, all or nothing; returns the row count per model."""
    data = _read(path)
    counts: dict[str, int] = {}
    with transaction.atomic():
        _check_free(data)
        _ensure_users(data["users"])
        # rows reference each other in both directions (plan versions and their parents):
        # load everything, then check every reference at once, as loaddata does
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize(
                "python", data["objects"], handle_forward_references=True
            ):
                obj.save()
                label = obj.object._meta.label_lower
                counts[label] = counts.get(label, 0) + 1
        connection.check_constraints(table_names=_tables(counts))
        _reset_sequences(set(counts))
    if media and media_path(path).exists():
        _restore_media(media_path(path))
    return counts


def _tables(counts: dict[str, int]) -> list[str]:
    tables = []
    for label in counts:
        model = apps.get_model(label)
        tables.append(model._meta.db_table)
        tables += [
            f.remote_field.through._meta.db_table
            for f in model._meta.local_many_to_many
            if f.remote_field.through._meta.auto_created
        ]
    return tables
