"""The import's mapping step as a test drives it: post the page's selects as shown, with a
few changed, the way an organizer presses "Preview the import"."""

from __future__ import annotations

import csv
import io
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


#: a Google Forms response sheet as an organizer downloads it: the form's own questions as
#: headers, a timestamp, free-worded mode answers, a tick-box list, a request by name, and
#: one person who submitted twice (lines 2 and 6: the later one wins)
GOOGLE_FORMS_HEADER = (
    "Timestamp",
    "Email Address",
    "Your name",
    "Will you join live or asynchronously?",
    "Which topics interest you?",
    "Anyone you'd like to meet in particular?",
    "What is your organisation's mission?",
)
GOOGLE_FORMS_ROWS = (
    (
        "2026/03/01 10:00:00",
        "ana@example.org",
        "Ana Lima",
        "Live on the day (Zoom)",
        "Onboarding, Mentoring",
        "Kofi Mensah",
        "Open science for all",
    ),
    (
        "2026/03/01 11:00:00",
        "kofi@example.org",
        "Kofi Mensah",
        "Asynchronously - I'll record a short video",
        "Events",
        "",
        "Meetups in Accra",
    ),
    (
        "2026/03/01 12:00:00",
        "mei@example.org",
        "Mei Chen",
        "Not sure yet",
        "Mentoring",
        "",
        "Mentoring new maintainers",
    ),
    (
        "2026/03/01 13:00:00",
        "sam@example.org",
        "Sam Ortiz",
        "Live on the day (Zoom)",
        "Onboarding",
        "",
        "",
    ),
    (
        "2026/03/02 09:00:00",
        "ana@example.org",
        "Ana Lima",
        "Live on the day (Zoom)",
        "Onboarding, Mentoring, Events",
        "Kofi Mensah",
        "Open science for everyone",
    ),
)


def google_forms_csv() -> bytes:
    """The response sheet above as CSV bytes, quoted as Google Sheets writes them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(GOOGLE_FORMS_HEADER)
    writer.writerows(GOOGLE_FORMS_ROWS)
    return out.getvalue().encode()
