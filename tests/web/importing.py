"""The import's mapping step as a test drives it: post the page's selects as shown, with a
few changed, the way an organizer presses "Preview the import"."""

from __future__ import annotations

from typing import Any


def mapping_data(response: Any, changes: dict[str, str] | None = None) -> dict[str, str]:
    """The mapping form's values as the page shows them, with ``changes`` (header ->
    target) applied."""
    form = response.context["mapping_form"]
    data = {name: str(form[name].value()) for name in form.fields}
    for header, target in (changes or {}).items():
        column = next(c for c in form.reading.columns if c.header == header)
        data[f"column_{column.index}"] = target
    return data


def accept_reading(client: Any, response: Any, changes: dict[str, str] | None = None) -> Any:
    """Post the mapping page in ``response`` (an upload's answer) for a preview."""
    data = {**mapping_data(response, changes), "action": "preview"}
    return client.post(response.context["mapping_url"], data)
