"""The reference documentation stays true to the code it describes."""

from __future__ import annotations

from pathlib import Path

from netweave.core.check import CODES
from netweave.core.config import default_config_toml

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_plan_json_doc_lists_every_violation_code():
    text = (DOCS / "plan-json.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in text] == []


def test_config_doc_shows_the_default_config():
    assert default_config_toml() in (DOCS / "config.md").read_text(encoding="utf-8")


def test_background_doc_lists_every_core_module():
    text = (DOCS / "background.md").read_text(encoding="utf-8")
    core = Path(__file__).resolve().parents[1] / "src" / "netweave" / "core"
    modules = sorted(p.name for p in core.glob("*.py") if p.name != "__init__.py")
    assert [m for m in modules if f"| `{m}` |" not in text] == []
