"""The import's mapping step: every column's reading and samples, changing it, its
validation, the mode answers, the preview's warnings, and the mapping a community remembers."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netweave.core.columns import ColumnMapping
from netweave.web.community.domain import stashed_upload_path
from netweave.web.events.models import Event, Registration
from tests.web.factories import EventFactory
from tests.web.importing import accept_reading, google_forms_csv, mapping_data

pytestmark = pytest.mark.django_db

MISSION = "What is your organisation's mission?"
MODE = "Will you join live or asynchronously?"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def event(community) -> Event:
    return EventFactory(community=community)


def _upload(client, event: Event, data: bytes | None = None, name: str = "responses.csv"):
    upload = SimpleUploadedFile(name, data or google_forms_csv(), content_type="text/csv")
    return client.post(reverse("orga:event_import", args=[event.pk]), {"file": upload})


def _mapping_url(event: Event) -> str:
    return reverse("orga:event_import_mapping", args=[event.pk])


def _confirm(client, event: Event):
    return client.post(reverse("orga:event_import_confirm", args=[event.pk]))


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _targets(response) -> dict[str, str]:
    form = response.context["mapping_form"]
    return {c.header: form[f"column_{c.index}"].value() for c in form.named_columns()}


def _mode_field(response, answer: str) -> str:
    form = response.context["mapping_form"]
    return next(f"mode_{n}" for n, m in form.mode_answers() if m.answer == answer)


# --------------------------------------------------------------------------- the page


def test_mapping_upload_shows_every_column_with_its_guess_and_samples(orga_client, event):
    response = _upload(orga_client, event)

    assert response.status_code == 200
    assert _targets(response) == {
        "Timestamp": "submitted",
        "Email Address": "email",
        "Your name": "name",
        MODE: "mode",
        "Which topics interest you?": "interests",
        "Anyone you'd like to meet in particular?": "requests",
        MISSION: "extra",
    }
    page = _text(response)
    assert "Open science for all" in page  # a sample answer
    assert "kept as profile text" in page
    assert not event.registrations.exists()


def test_mapping_upload_lists_each_mode_answer_and_its_reading(orga_client, event):
    response = _upload(orga_client, event)

    answers = {m.answer: m.mode for m in response.context["mapping_form"].reading.modes}
    assert answers == {
        "Live on the day (Zoom)": "live",
        "Asynchronously - I'll record a short video": "async",
        "Not sure yet": "live",
    }
    assert "unsure: read as live, the default" in _text(response)


def test_mapping_page_without_an_upload_sends_back_to_upload(orga_client, event):
    response = orga_client.get(_mapping_url(event))

    assert response.url == reverse("orga:event_import", args=[event.pk])


def test_mapping_page_of_another_organizer_is_404(outsider_client, event):
    assert outsider_client.get(_mapping_url(event)).status_code == 404


# --------------------------------------------------------------------------- changing it


def test_mapping_changed_column_is_imported_as_chosen(orga_client, event):
    preview = accept_reading(orga_client, _upload(orga_client, event), {MISSION: "about"})
    assert preview.status_code == 200

    _confirm(orga_client, event)

    ana = event.registrations.get(member__email="ana@example.org").member
    assert ana.about == "Open science for everyone"
    assert MISSION not in ana.extra


def test_mapping_changed_mode_answer_is_imported_as_chosen(orga_client, event):
    response = _upload(orga_client, event)
    data = {**mapping_data(response), _mode_field(response, "Not sure yet"): "async"}
    orga_client.post(_mapping_url(event), {**data, "action": "preview"})

    _confirm(orga_client, event)

    assert event.registrations.get(member__email="mei@example.org").mode == "async"


def test_mapping_preview_warns_about_duplicates_with_both_lines(orga_client, event):
    preview = accept_reading(orga_client, _upload(orga_client, event))

    warnings = [w.message for w in preview.context["preview"].warnings]
    assert any("lines 2 and 6" in w and "latest" in w for w in warnings)
    assert preview.context["preview"].new_registration_count == 4


def test_mapping_reread_shows_the_new_reading_without_a_preview(orga_client, event):
    response = _upload(orga_client, event)
    data = mapping_data(response, {MODE: "extra", MISSION: "mode"})

    again = orga_client.post(_mapping_url(event), {**data, "action": "reread"})

    assert again.templates[0].name == "orga/import_mapping.html"
    answers = [m.answer for m in again.context["mapping_form"].reading.modes]
    assert "Meetups in Accra" in answers


def test_mapping_confirm_before_the_mapping_step_asks_for_it(orga_client, event):
    _upload(orga_client, event)

    response = _confirm(orga_client, event)

    assert response.url == _mapping_url(event)
    assert not event.registrations.exists()


def test_mapping_confirm_reads_the_stored_file_not_the_post(orga_client, event):
    accept_reading(orga_client, _upload(orga_client, event))

    orga_client.post(
        reverse("orga:event_import_confirm", args=[event.pk]), {"column_1": "skip", "file": "x"}
    )

    assert event.registrations.count() == 4


def test_mapping_tampered_session_mapping_is_revalidated(orga_client, event):
    accept_reading(orga_client, _upload(orga_client, event))
    session = orga_client.session
    session["netweave_imports"][f"event-{event.pk}"]["mapping"] = {"columns": {"x": "password"}}
    session.save()

    response = _confirm(orga_client, event)

    assert response.url == _mapping_url(event)
    assert not event.registrations.exists()


def test_mapping_import_removes_the_stored_file(orga_client, event):
    accept_reading(orga_client, _upload(orga_client, event))
    key = orga_client.session["netweave_imports"][f"event-{event.pk}"]["key"]

    _confirm(orga_client, event)

    assert stashed_upload_path(key) is None


# --------------------------------------------------------------------------- validation


def test_mapping_unknown_target_is_refused(orga_client, event):
    response = _upload(orga_client, event)
    data = {**mapping_data(response), "column_6": "password", "action": "preview"}

    refused = orga_client.post(_mapping_url(event), data)

    assert refused.status_code == 422
    assert "Select a valid choice" in _text(refused)
    assert "mapping" not in orga_client.session["netweave_imports"][f"event-{event.pk}"]


def test_mapping_two_email_columns_name_the_column_and_the_fix(orga_client, event):
    response = _upload(orga_client, event)

    refused = accept_reading(orga_client, response, {"Your name": "email"})

    assert refused.status_code == 422
    messages = [e.message for e in refused.context["errors"]]
    assert (
        "“Your name” and “Email Address” are both read as email (the person's id): read one "
        "of them as “kept as profile text” or “not kept”."
    ) in messages
    # the organizer's choice stays in the select, to be corrected
    assert _targets(refused)["Your name"] == "email"


def test_mapping_without_a_name_column_says_which_field_is_missing(orga_client, event):
    refused = accept_reading(orga_client, _upload(orga_client, event), {"Your name": "extra"})

    assert refused.status_code == 422
    assert any("No column is read as name" in e.message for e in refused.context["errors"])
    assert not event.registrations.exists()


def test_mapping_row_error_names_line_and_column(orga_client, event):
    bad = google_forms_csv().replace(b"kofi@example.org", b"not-an-email")

    response = _upload(orga_client, event, bad)

    assert response.status_code == 422
    assert {(e.line, e.column) for e in response.context["errors"]} == {(3, "Email Address")}


def test_mapping_unreadable_file_is_refused_and_not_kept(orga_client, event):
    response = _upload(orga_client, event, "Zoë;é@x.org\n".encode("cp1252"))

    assert response.status_code == 422
    assert "not UTF-8" in _text(response)
    assert f"event-{event.pk}" not in orga_client.session.get("netweave_imports", {})


# --------------------------------------------------------------------------- remembered


def test_mapping_is_remembered_for_the_community(orga_client, event, community):
    accept_reading(orga_client, _upload(orga_client, event), {MISSION: "about"})
    _confirm(orga_client, event)

    community.refresh_from_db()
    remembered = ColumnMapping.from_dict(community.import_mapping)
    assert remembered.columns[MISSION] == "about"


def test_mapping_remembered_is_next_files_starting_guess(orga_client, event, community):
    accept_reading(orga_client, _upload(orga_client, event), {MISSION: "about"})
    _confirm(orga_client, event)
    next_year = EventFactory(community=community)

    response = _upload(orga_client, next_year)

    assert _targets(response)[MISSION] == "about"
    assert "as in your last import" in _text(response)


def test_mapping_remembered_only_where_headers_match(orga_client, event, community):
    community.import_mapping = {"columns": {"Shoe size": "email"}, "modes": {}}
    community.save()

    response = _upload(orga_client, event)

    assert _targets(response)["Email Address"] == "email"
    assert response.status_code == 200


def test_mapping_remembered_is_not_shared_with_other_communities(orga_client, event):
    accept_reading(orga_client, _upload(orga_client, event), {MISSION: "about"})
    _confirm(orga_client, event)
    elsewhere = EventFactory()

    assert elsewhere.community.import_mapping == {}


def test_mapping_remembered_mode_reading_is_applied_next_time(orga_client, event, community):
    response = _upload(orga_client, event)
    data = {**mapping_data(response), _mode_field(response, "Not sure yet"): "async"}
    orga_client.post(_mapping_url(event), {**data, "action": "preview"})
    _confirm(orga_client, event)

    again = _upload(orga_client, EventFactory(community=community))

    modes = {m.answer: m.mode for m in again.context["mapping_form"].reading.modes}
    assert modes["Not sure yet"] == "async"
    assert Registration.objects.filter(member__email="mei@example.org", mode="async").exists()


def test_mapping_preview_says_where_to_settle_an_unclear_mode(orga_client, event):
    preview = accept_reading(orga_client, _upload(orga_client, event))

    unclear = [w for w in preview.context["preview"].warnings if w.code == "unclear-mode"]
    assert [(w.line, "Change how the columns are read" in w.message) for w in unclear] == [
        (4, True)
    ]
    assert "[modes]" not in unclear[0].message


def test_mapping_refused_change_voids_the_earlier_preview(orga_client, event):
    response = _upload(orga_client, event)
    accept_reading(orga_client, response)
    again = orga_client.get(_mapping_url(event))

    accept_reading(orga_client, again, {"Your name": "extra"})  # refused: no name column
    confirm = _confirm(orga_client, event)

    assert confirm.url == _mapping_url(event)
    assert not event.registrations.exists()


def test_mapping_first_and_last_name_columns_are_a_name(orga_client, event):
    data = b"#,First name,Last name,Email\nr1,Ana,Lima,ana@example.org\nr2,Bo,Chen,bo@example.org\n"
    response = _upload(orga_client, event, data, name="typeform.csv")
    page = _text(orga_client.get(_mapping_url(event)))
    assert "No column is read as name" not in page, page
    assert _targets(orga_client.get(_mapping_url(event)))["First name"] == "first_name"
    assert response.status_code in (200, 302)
