"""The registry behind ``netweave send-due``."""

from __future__ import annotations

import datetime as dt

from netweave.web.mail import due


def test_send_due_runs_every_sender_with_the_same_time(monkeypatch):
    # only this test's sender: the apps' own senders need a database
    monkeypatch.setattr(due, "_senders", {})
    seen: list[dt.datetime] = []

    def sender(now: dt.datetime) -> int:
        seen.append(now)
        return 2

    due.register_due("test-sender", sender)
    moment = dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)
    assert (due.send_due(moment), seen) == ({"test-sender": 2}, [moment])
