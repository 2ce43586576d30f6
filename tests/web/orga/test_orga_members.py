"""The member directory: permissions, search, edit, export, and import with a preview."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.core.people import Person, Roster, read_people
from netweave.web.community.domain import (
    EXPORT_COLUMNS,
    ImportRejectedError,
    import_members,
    stashed_upload_path,
)
from netweave.web.community.forms import MemberChoiceField
from netweave.web.community.models import Member
from netweave.web.events.imports import import_roster
from netweave.web.events.models import Registration
from tests.web.factories import EventFactory, MemberFactory
from tests.web.importing import accept_reading

pytestmark = pytest.mark.django_db

HEADER = "email,name,mode,timezone,location,community,interests,about,looking_for,requests,avoid\n"
CLEAN = HEADER + (
    "ana@example.org,Ana Lima,live,America/Sao_Paulo,Recife,open science nonprofit,"
    "onboarding;mentoring,I run onboarding.,Someone who knows moderation,kofi@example.org,\n"
    "kofi@example.org,Kofi Mensah,async,Africa/Accra,Accra,research network,moderation,"
    "I moderate forums.,,,\n"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # each test's uploads go to its own folder
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member(community):
    return MemberFactory(community=community, name="Ana Lima", email="ana@example.org")


def _csv(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _upload(client, community, upload):
    return client.post(reverse("orga:members_import", args=[community.pk]), {"file": upload})


def _preview(client, community, upload):
    return accept_reading(client, _upload(client, community, upload))


def _confirm(client, community):
    return client.post(reverse("orga:members_import_confirm", args=[community.pk]))


# --------------------------------------------------------------------------- permissions

COMMUNITY_PAGES = ["orga:members", "orga:members_export", "orga:members_import"]


@pytest.mark.parametrize("name", COMMUNITY_PAGES)
def test_member_pages_anonymous_redirects_to_login(client, community, name):
    response = client.get(reverse(name, args=[community.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("orga:login"))


@pytest.mark.parametrize("name", COMMUNITY_PAGES)
def test_member_pages_other_organizer_gets_404(outsider_client, community, name):
    assert outsider_client.get(reverse(name, args=[community.pk])).status_code == 404


@pytest.mark.parametrize("name", COMMUNITY_PAGES)
def test_member_pages_own_community_renders(orga_client, community, member, name):
    response = orga_client.get(reverse(name, args=[community.pk]))
    assert response.status_code == 200


def test_member_edit_anonymous_redirects_to_login(client, member):
    response = client.get(reverse("orga:member_edit", args=[member.pk]))
    assert response.status_code == 302


def test_member_edit_other_organizer_gets_404(outsider_client, member):
    assert outsider_client.get(reverse("orga:member_edit", args=[member.pk])).status_code == 404


def test_import_confirm_other_organizer_gets_404(outsider_client, community):
    assert _confirm(outsider_client, community).status_code == 404


# --------------------------------------------------------------------------- directory


def test_directory_lists_members(orga_client, community, member):
    response = orga_client.get(reverse("orga:members", args=[community.pk]))
    assert b"Ana Lima" in response.content


def test_directory_empty_explains_import(orga_client, community):
    response = orga_client.get(reverse("orga:members", args=[community.pk]))
    assert b"No members yet" in response.content


def test_directory_search_by_interest(orga_client, community):
    MemberFactory(community=community, name="Ana Lima", interests=["moderation"])
    MemberFactory(community=community, name="Kofi Mensah", interests=["funding"])
    url = reverse("orga:members", args=[community.pk])
    response = orga_client.get(url, {"q": "moderat"})
    assert b"Ana Lima" in response.content
    assert b"Kofi Mensah" not in response.content


def test_directory_search_by_email(orga_client, community, member):
    MemberFactory(community=community, name="Kofi Mensah")
    response = orga_client.get(reverse("orga:members", args=[community.pk]), {"q": "ANA@"})
    assert b"Ana Lima" in response.content
    assert b"Kofi Mensah" not in response.content


def test_directory_filter_by_tag(orga_client, community):
    MemberFactory(community=community, name="Ana Lima", tags=["speaker"])
    MemberFactory(community=community, name="Kofi Mensah", tags=["speakers-bureau"])
    response = orga_client.get(reverse("orga:members", args=[community.pk]), {"tag": "speaker"})
    assert b"Ana Lima" in response.content
    assert b"Kofi Mensah" not in response.content


def test_directory_htmx_returns_only_results(orga_client, community, member):
    url = reverse("orga:members", args=[community.pk])
    response = orga_client.get(url, {"q": "ana"}, headers={"HX-Request": "true"})
    assert b"Ana Lima" in response.content
    assert b"<html" not in response.content


def test_directory_paginates_by_fifty(orga_client, community):
    MemberFactory.create_batch(51, community=community)
    response = orga_client.get(reverse("orga:members", args=[community.pk]))
    assert len(response.context["page"].object_list) == 50
    assert b"Page 1 of 2" in response.content


def test_directory_escapes_member_names(orga_client, community):
    MemberFactory(community=community, name="<script>alert(1)</script>")
    response = orga_client.get(reverse("orga:members", args=[community.pk]))
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;" in response.content


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_directory_query_count_constant_in_members(orga_client, community):
    url = reverse("orga:members", args=[community.pk])
    MemberFactory.create_batch(5, community=community, tags=["host"])
    few = _queries(orga_client, url)
    MemberFactory.create_batch(45, community=community, tags=["host"])
    assert _queries(orga_client, url) == few


# --------------------------------------------------------------------------- edit


def test_member_edit_saves_notes_and_tags(orga_client, member):
    data = {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "timezone": "Europe/Lisbon",
        "interests": "onboarding; mentoring",
        "notes": "Great host.",
        "tags": "Speaker, host",
    }
    response = orga_client.post(reverse("orga:member_edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.notes, member.tags, member.timezone) == (
        "Great host.",
        ["speaker", "host"],
        "Europe/Lisbon",
    )


def test_member_edit_duplicate_email_shows_field_error(orga_client, community, member):
    other = MemberFactory(community=community, email="kofi@example.org")
    data = {"name": "Kofi", "email": "ANA@example.org", "timezone": "UTC"}
    response = orga_client.post(reverse("orga:member_edit", args=[other.pk]), data)
    assert response.status_code == 200
    assert (
        "Another member of this community has this email."
        in (response.context["form"].errors["email"])
    )


# --------------------------------------------------------------------------- export


def _export(client, community) -> str:
    response = client.get(reverse("orga:members_export", args=[community.pk]))
    assert response["Content-Type"] == "text/csv"
    return b"".join(response.streaming_content).decode()


def test_export_has_canonical_header(orga_client, community, member):
    header = _export(orga_client, community).splitlines()[0]
    assert header == ",".join(EXPORT_COLUMNS)
    assert header.startswith(HEADER.strip())


def test_export_neutralises_formulas(orga_client, community):
    MemberFactory(community=community, name="=HYPERLINK(1)")
    rows = list(csv.DictReader(io.StringIO(_export(orga_client, community))))
    assert rows[0]["name"] == "'=HYPERLINK(1)"


def test_export_reads_back_with_core(orga_client, community, tmp_path):
    MemberFactory(community=community, email="ana@example.org", interests=["a", "b"], tags=["x"])
    path = tmp_path / "export.csv"
    path.write_text(_export(orga_client, community))
    person = read_people(path).people[0]
    assert (person.id, person.interests) == ("ana@example.org", ("a", "b"))
    assert ("organizer_tags", "x") in person.extra


def test_export_then_import_keeps_organizer_fields(orga_client, community, tmp_path):
    MemberFactory(community=community, pronouns="they/them", notes="VIP", tags=["host"])
    path = tmp_path / "export.csv"
    path.write_text(_export(orga_client, community))
    Member.objects.update(pronouns="", notes="", tags=[])
    import_members(community, read_people(path))
    member = community.members.get()
    assert (member.pronouns, member.notes, member.tags) == ("they/them", "VIP", ["host"])


# --------------------------------------------------------------------------- import


def test_import_clean_file_shows_preview(orga_client, community, member):
    response = _preview(orga_client, community, _csv(CLEAN))
    assert response.status_code == 200
    assert response.context["preview"].new_count == 1
    assert response.context["preview"].updated_count == 1
    assert b"Import 2 people" in response.content


def test_import_preview_creates_nothing(orga_client, community):
    _upload(orga_client, community, _csv(CLEAN))
    assert not Member.objects.exists()


def test_import_confirm_creates_members(orga_client, community):
    _preview(orga_client, community, _csv(CLEAN))
    response = _confirm(orga_client, community)
    assert response.status_code == 302
    emails = set(community.members.values_list("email", flat=True))
    assert emails == {"ana@example.org", "kofi@example.org"}


def test_import_confirm_updates_existing_member(orga_client, community, member):
    member.notes = "Keep me"
    member.save()
    _preview(orga_client, community, _csv(CLEAN))
    _confirm(orga_client, community)
    member.refresh_from_db()
    assert (member.location, member.notes) == ("Recife", "Keep me")


def test_import_confirm_removes_stored_file(orga_client, community):
    _preview(orga_client, community, _csv(CLEAN))
    key = orga_client.session["netweave_imports"][f"community-{community.pk}"]["key"]
    _confirm(orga_client, community)
    assert stashed_upload_path(key) is None


def test_import_stored_name_ignores_uploaded_filename(orga_client, community, settings):
    _upload(orga_client, community, _csv(CLEAN, name="../../evil.csv"))
    stored = list((Path(settings.MEDIA_ROOT) / "imports").iterdir())
    assert len(stored) == 1
    assert "evil" not in stored[0].name


def test_import_file_with_errors_lists_line_and_column(orga_client, community):
    bad = HEADER + "ana@example.org,Ana,live,,,,,,,,\nnot-an-email,Kofi,sometimes,,,,,,,,\n"
    response = _upload(orga_client, community, _csv(bad))
    assert response.status_code == 422
    issues = {(i.line, i.column) for i in response.context["errors"]}
    # an unclear mode ("sometimes") is read as live with a warning, never a refusal
    assert issues == {(3, "email")}


def test_import_file_with_errors_creates_nothing(orga_client, community):
    bad = HEADER + "ana@example.org,Ana,live,,,,,,,,\nnot-an-email,Kofi,,,,,,,,,\n"
    _upload(orga_client, community, _csv(bad))
    _confirm(orga_client, community)
    assert not Member.objects.exists()


def test_import_too_long_value_is_a_row_error(orga_client, community):
    text = HEADER + "ana@example.org," + "A" * 201 + ",live,,,,,,,,\n"
    response = _preview(orga_client, community, _csv(text))
    assert [(i.line, i.column) for i in response.context["errors"]] == [(2, "name")]


def test_import_oversized_upload_is_rejected(orga_client, community, settings):
    settings.NETWEAVE_IMPORT_MAX_BYTES = 100
    response = _upload(orga_client, community, _csv(CLEAN))
    assert response.status_code == 200
    assert "the limit is 100" in response.context["form"].errors["file"][0]


def test_import_unknown_file_type_is_rejected(orga_client, community):
    response = _upload(orga_client, community, _csv(CLEAN, name="people.pdf"))
    assert "reads .csv and .xlsx" in response.context["form"].errors["file"][0]


def test_import_not_utf8_names_the_problem(orga_client, community):
    upload = SimpleUploadedFile("people.csv", (HEADER + "é@x.org,Zoë,,,,,,,,,\n").encode("cp1252"))
    response = _upload(orga_client, community, upload)
    assert response.status_code == 422
    assert b"not UTF-8" in response.content


def test_import_xlsx_creates_members(orga_client, community):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email Address", "What's your name?", "Time zone"])
    sheet.append(["ana@example.org", "Ana Lima", "Asia/Tokyo"])
    data = io.BytesIO()
    book.save(data)
    _preview(orga_client, community, SimpleUploadedFile("people.xlsx", data.getvalue()))
    _confirm(orga_client, community)
    assert community.members.get().timezone == "Asia/Tokyo"


def test_import_confirm_without_preview_asks_to_upload(orga_client, community):
    response = _confirm(orga_client, community)
    assert response.url == reverse("orga:members_import", args=[community.pk])


def test_import_confirm_rechecks_the_stored_file(orga_client, community):
    _preview(orga_client, community, _csv(CLEAN))
    key = orga_client.session["netweave_imports"][f"community-{community.pk}"]["key"]
    stashed_upload_path(key).write_text(HEADER + "broken,Ana,,,,,,,,,\n")
    response = _confirm(orga_client, community)
    assert response.status_code == 422
    assert not Member.objects.exists()


def test_import_members_rolls_back_everything_on_a_failing_row(community, member):
    event = EventFactory(community=community)
    people = (
        Person(id="ana@example.org", email="ana@example.org", name="Ana Renamed"),
        Person(
            id="new@example.org",
            email="new@example.org",
            name="New Person",
            requests=("ghost@example.org",),
            line=3,
        ),
    )
    with pytest.raises(ImportRejectedError):
        import_roster(community, Roster(people), event=event)
    member.refresh_from_db()
    assert member.name == "Ana Lima"
    assert not Member.objects.filter(email="new@example.org").exists()
    assert not Registration.objects.exists()


def test_import_members_keeps_known_values_for_blank_cells(community, member):
    member.location = "Lisbon"
    member.save()
    person = Person(id="ana@example.org", email="ana@example.org", name="Ana Lima")
    import_members(community, Roster((person,)))
    member.refresh_from_db()
    assert member.location == "Lisbon"


def test_import_members_reads_web_columns_from_extra(community):
    extra = (
        ("pronouns", "she/her"),
        ("organizer_tags", "Host; speaker"),
        ("Favourite tool", "Zoom"),
    )
    person = Person(id="ana@example.org", email="ana@example.org", name="Ana", extra=extra)
    import_members(community, Roster((person,)))
    member = community.members.get()
    assert (member.pronouns, member.tags, member.extra) == (
        "she/her",
        ["host", "speaker"],
        {"Favourite tool": "Zoom"},
    )


def test_import_members_counts_created_and_updated(community, member):
    people = (
        Person(id="ana@example.org", email="ana@example.org", name="Ana"),
        Person(id="kofi@example.org", email="Kofi@example.org", name="Kofi"),
    )
    result = import_members(community, Roster(people))
    assert (result.created, result.updated) == (1, 1)
    assert community.members.filter(email="kofi@example.org").exists()


def test_member_edit_keeps_offset_zone_from_import(orga_client, community):
    member = MemberFactory(community=community, timezone="Etc/GMT-10")
    form = orga_client.get(reverse("orga:member_edit", args=[member.pk])).context["form"]
    assert form["timezone"].value() == "Etc/GMT-10"
    assert ("Etc/GMT-10", "Etc/GMT-10") in form.fields["timezone"].choices


def test_member_choice_field_refuses_superscript_digits():
    field = MemberChoiceField(queryset=Member.objects.none())
    with pytest.raises(forms.ValidationError):
        field.clean(["¹"])
