"""The core's house rules, checked from a fresh interpreter: no Django anywhere in the core,
no numpy in its text-only modules, and an example for every public function."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import netweave.core

CORE_MODULES = sorted(
    f"netweave.core.{m.name}" for m in pkgutil.iter_modules(netweave.core.__path__)
)
#: the modules the web layer imports where pages are made: text and value objects only
TEXT_ONLY = [
    "netweave.core.attendees",
    "netweave.core.columns",
    "netweave.core.diff",
    "netweave.core.fully_async",
    "netweave.core.issues",
    "netweave.core.live_words",
    "netweave.core.rooms",
    "netweave.core.plan",
]
HEAVY = ("numpy", "scipy", "rustworkx", "sklearn")
#: public functions still without an example; exports.py is being changed elsewhere
WITHOUT_EXAMPLES = {
    "netweave.core.exports.schedule_markdown",
    "netweave.core.exports.schedule_table",
    "netweave.core.exports.write_csv",
    "netweave.core.exports.write_plan_outputs",
    "netweave.core.exports.write_xlsx",
    "netweave.core.exports.zoom_groups_table",
    "netweave.core.exports.zoom_round_table",
    "netweave.core.exports.zoom_warnings",
    # a whole plan in, a whole plan out: tests/core/test_knows_people.py shows it at work
    "netweave.core.rules.keep_rules",
}


def loaded_after_import(*modules: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after importing ``modules`` in a new interpreter."""
    code = f"import sys\nimport {', '.join(modules)}\nprint(' '.join(sys.modules))"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return {name.split(".")[0] for name in run.stdout.split()}


def test_core_modules_import_no_django():
    assert "django" not in loaded_after_import(*CORE_MODULES)


@pytest.mark.parametrize("module", TEXT_ONLY)
def test_text_only_core_module_loads_no_numpy(module: str):
    assert loaded_after_import(module).isdisjoint(HEAVY)


def test_core_examples_run_as_doctests(pytestconfig: pytest.Config):
    assert "src/netweave/core" in pytestconfig.getini("testpaths")
    assert "--doctest-modules" in pytestconfig.getini("addopts")


def test_public_core_functions_have_examples():
    missing = set()
    for name in CORE_MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) and ">>>" not in (inspect.getdoc(obj) or ""):
                missing.add(f"{name}.{attr}")
    assert missing == WITHOUT_EXAMPLES
