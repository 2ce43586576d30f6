"""The web commands: `manage` passes through to Django, `serve` refuses to run unsafely,
`demo` sets up a fresh data folder (and a second run finds everything in place)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netweave.web.commands import manage, send_due, serve, worker


@pytest.mark.django_db
def test_manage_check_passes():
    result = CliRunner().invoke(manage, ["check"])

    assert result.exit_code == 0, result.output
    assert "System check identified no issues" in result.output


def test_manage_unknown_command_fails():
    result = CliRunner().invoke(manage, ["no-such-command"])

    assert result.exit_code != 0


def test_serve_refuses_without_secret_key(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("NETWEAVE_SECRET_KEY", raising=False)
    monkeypatch.delenv("NETWEAVE_DEBUG", raising=False)

    result = CliRunner().invoke(serve, [])

    assert result.exit_code == 1
    assert "NETWEAVE_SECRET_KEY is not set" in result.output


def test_worker_refuses_when_tasks_run_immediately():
    # the test settings run tasks inline: there is no queue to work on
    result = CliRunner().invoke(worker, [])

    assert result.exit_code == 1
    assert "NETWEAVE_TASKS=immediate" in result.output


def test_send_due_refuses_without_mail_settings(monkeypatch: pytest.MonkeyPatch):
    # the finding: a reminder marked sent that went to the console, with dead links
    monkeypatch.setenv("NETWEAVE_DEBUG", "1")
    monkeypatch.delenv("NETWEAVE_EMAIL_URL", raising=False)
    monkeypatch.delenv("NETWEAVE_BASE_URL", raising=False)

    result = CliRunner().invoke(send_due, [])

    assert result.exit_code == 1
    assert "NETWEAVE_EMAIL_URL and NETWEAVE_BASE_URL are not set" in result.output
    assert "netweave demo --send-due" in result.output


@pytest.mark.django_db
def test_send_due_runs_with_mail_settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NETWEAVE_DEBUG", "1")
    monkeypatch.setenv("NETWEAVE_EMAIL_URL", "console:")
    monkeypatch.setenv("NETWEAVE_BASE_URL", "http://127.0.0.1:8000")

    result = CliRunner().invoke(send_due, [])

    assert result.exit_code == 0, result.output
    assert "Sent 0 message(s)" in result.output


# the demo in a fresh interpreter (its settings come from the environment it sets), twice,
# with the server's run loop replaced so that nothing keeps listening after the test
DEMO_TWICE = """
import sys
import netweave.web.commands as commands
commands._run = lambda server: server.close()
args = ["--no-browser", "--port", sys.argv[2], "--data-dir", sys.argv[1]]
commands.demo(args, standalone_mode=False)
commands.demo(args, standalone_mode=False)
commands.demo([*args, "--send-due"], standalone_mode=False)
"""


def _clean_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NETWEAVE_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_command_sets_up_and_reruns(tmp_path: Path):
    data = tmp_path / "demo-data"

    run = subprocess.run(
        [sys.executable, "-c", DEMO_TWICE, str(data), str(_free_port())],
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=300,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    password = (data / "demo-password.txt").read_text().strip()
    assert run.stdout.count(f"Password:             {password}") == 2
    assert run.stdout.count("60 members, 60 registered for Annual Networking Forum") == 2
    assert "/e/stem-cm/forum-" in run.stdout
    assert (data / "netweave.sqlite3").is_file()
    # the demo says how to send what is due with its own settings, and does it
    assert f"netweave demo --send-due --data-dir {data}" in run.stdout
    assert f"NETWEAVE_EMAIL_URL=file:{data / 'sent-mail'}" in run.stdout
    assert "Sent " in run.stdout.splitlines()[-1]
