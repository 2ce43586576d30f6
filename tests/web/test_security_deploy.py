"""``manage.py check --deploy`` passes with production settings, nothing silenced unexplained."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path


def _production_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NETWEAVE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="netweave.web.settings",
        NETWEAVE_BASE_URL="https://netweave.example.org",
        NETWEAVE_ALLOWED_HOSTS="netweave.example.org",
        NETWEAVE_SECRET_KEY=secrets.token_urlsafe(50),
        NETWEAVE_DATA_DIR=str(data_dir),
    )
    return env


def _deploy_check(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "django",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=_production_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_production_settings_have_no_warnings(tmp_path: Path):
    result = _deploy_check(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_silences_only_hsts_preload(tmp_path: Path):
    """The one silenced check is W021 (HSTS preload), whose reason is written in settings."""
    result = _deploy_check(tmp_path)

    assert "(1 silenced)" in result.stdout


def _rate_limits_with(tmp_path: Path, value: str) -> subprocess.CompletedProcess[str]:
    env = _production_env(tmp_path) | {"NETWEAVE_RATE_LIMITS": value}
    code = "from django.conf import settings; print(settings.NETWEAVE_RATE_LIMITS['register'])"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_rate_limits_setting_overrides_one_limit(tmp_path: Path):
    answer = _rate_limits_with(tmp_path, "register=20/h, login=10/m")

    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "20/h"


def test_rate_limits_setting_refuses_unknown_name_with_the_known_ones(tmp_path: Path):
    answer = _rate_limits_with(tmp_path, "registr=20/h")

    assert answer.returncode != 0
    assert "'registr=20/h' is not name=count/period" in answer.stderr
    assert "register, resend" in answer.stderr
