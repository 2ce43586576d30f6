"""The suite runs on the database DATABASE_URL names (CI runs it on SQLite and PostgreSQL)."""

from __future__ import annotations

import os

from django.db import connection


def test_database_backend_is_the_one_configured():
    url = os.environ.get("DATABASE_URL", "sqlite://")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
