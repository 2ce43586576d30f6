"""Single-use, short-lived secrets that go by email: proof that someone reads an inbox.

A personal link can be forwarded, and anyone can type someone else's address into a public
form. What only the owner of an address may do (confirm answers sent in their name, download
or erase their data) waits for a secret emailed to that address. The secret exists only in
that email: it is made by :func:`arm` right before the email is written (in the mail task,
so it never sits in the task queue either), and the database keeps only its SHA-256, so
reading the database or a backup cannot use a pending confirmation. A secret works once
(:func:`redeem`) and expires.

The models that need such a secret (``events.RegistrationRequest``,
``privacy.PrivacyConfirmation``) inherit :class:`EmailedSecret`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone

__all__ = ["EmailedSecret", "arm", "pending", "redeem"]

#: a real secret is 43 characters; anything much longer is not worth hashing
_MAX_SECRET_LENGTH = 100

S = TypeVar("S", bound="EmailedSecret")


class EmailedSecret(models.Model):
    """Abstract: a row that a secret emailed to its owner unlocks once, before it expires."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        EXPIRED = "expired", "Expired"

    #: empty until the email is written; unique, so one secret unlocks one row
    secret_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return self.State.CONFIRMED
        if self.expires_at is not None and timezone.now() >= self.expires_at:
            return self.State.EXPIRED
        return self.State.WAITING

    @property
    def state_label(self) -> str:
        return str(self.State(self.state).label)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def arm(row: S, lifetime: dt.timedelta) -> str | None:
    """Give ``row`` its secret (256 bits), valid for ``lifetime`` from now, and return it.

    None when the row already has one: a task that runs twice sends one working link, not
    two. The secret is returned once, to be put in the email; only its hash is saved.
    """
    secret = secrets.token_urlsafe(32)
    expires = timezone.now() + lifetime
    armed = (
        type(row)
        ._default_manager.filter(pk=row.pk, secret_hash__isnull=True)
        .update(secret_hash=_digest(secret), expires_at=expires)
    )
    if not armed:
        return None
    row.secret_hash, row.expires_at = _digest(secret), expires
    return secret


def pending(rows: models.QuerySet[S], secret: str) -> S | None:
    """The unused, unexpired row among ``rows`` that ``secret`` unlocks, or None."""
    if not secret or len(secret) > _MAX_SECRET_LENGTH:
        return None
    return rows.filter(
        secret_hash=_digest(secret), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def redeem(rows: models.QuerySet[S], secret: str) -> S | None:
    """Use ``secret`` up: its row, now marked used, or None when it is unknown, used or expired.

    Call it inside the transaction that does what the secret allows, so that a failure
    leaves the secret unused. The row is marked with a conditional UPDATE: of two clicks at
    once, on any database, only one gets the row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("redeem() must run inside the transaction that uses the secret")
    row = pending(rows, secret)
    if row is None:
        return None
    now = timezone.now()
    won = rows.model._default_manager.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
    if not won:
        return None
    row.used_at = now
    return row
