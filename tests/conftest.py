"""Shared fixtures: example files built in the test's own folder, never ../shared."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from netweave.synth import write_synthetic_csv

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
