"""Shared fixtures: example files built in the test's own folder, never ../shared."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from netweave.synth import write_synthetic_csv

# CI (HYPOTHESIS_PROFILE=ci, set by .ci/run) replays the same examples every run, so a red build
# means a change broke something, not that a new example turned up; a developer's machine keeps
# exploring and remembers failures in .hypothesis/. No deadlines: on 2 busy cores a slow example
# is not a failure (tests never check wall-clock time).
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "netweave" / "examples" / "community.csv"


@pytest.fixture
def example_csv() -> Path:
    """The bundled 60-member example community."""
    return EXAMPLE


@pytest.fixture
def community(tmp_path: Path) -> Callable[[int, int], Path]:
    """Write a synthetic community of ``n`` members and return its path."""

    def make(n: int, seed: int = 0) -> Path:
        return write_synthetic_csv(tmp_path / f"community-{n}-{seed}.csv", n, seed)

    return make


def _entry_point() -> list[str]:
    # the installed console script when there is one: that is what users run
    script = Path(sysconfig.get_path("scripts")) / "netweave"
    return [str(script)] if script.exists() else [sys.executable, "-m", "netweave"]


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``netweave ARGS`` through the real entry point."""

    def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*_entry_point(), *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=300,
            check=False,
        )

    return run
