"""The member import against hostile files (issue 10, findings 4, 8, 9 and 13): every one is
refused with a message naming the file and the problem, and leaves nothing behind."""

from __future__ import annotations

import html
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netweave.core import xlsx
from netweave.web.community.models import Member
from tests.hostile import (
    cell,
    hostile_workbooks,
    people_cells,
    sheet,
    workbook,
    zip_bomb,
)
from tests.web.factories import EventFactory
from tests.web.importing import accept_reading

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, url: str, path: Path, name: str = "people.xlsx"):
    upload = SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")
    return client.post(url, {"file": upload})


def _members_url(community) -> str:
    return reverse("orga:members_import", args=[community.pk])


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _stashed(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return list(folder.iterdir()) if folder.exists() else []


# --------------------------------------------------------------------------- finding 8

DAMAGED = {
    "bad-sheet": "broken XML",
    "bad-workbook": "broken XML",
    "billion-laughs": "declares XML entities",
    "external-entity": "declares XML entities",
    "not-a-zip": "not a readable .xlsx file",
}


@pytest.mark.parametrize(("kind", "why"), DAMAGED.items())
def test_import_damaged_xlsx_names_file_and_problem(orga_client, community, tmp_path, kind, why):
    path = hostile_workbooks(tmp_path / "files")[kind]
    response = _upload(orga_client, _members_url(community), path)
    assert response.status_code == 422
    assert "people.xlsx cannot be imported" in _text(response)
    assert why in _text(response)
    assert "root:" not in _text(response)  # /etc/passwd never shows


@pytest.mark.parametrize("kind", DAMAGED)
def test_import_damaged_xlsx_leaves_nothing_behind(
    orga_client, community, tmp_path, settings, kind
):
    path = hostile_workbooks(tmp_path / "files")[kind]
    _upload(orga_client, _members_url(community), path)
    confirm = orga_client.post(reverse("orga:members_import_confirm", args=[community.pk]))
    assert _stashed(settings) == []
    assert confirm.status_code == 302  # "no previewed file": the refused one was not kept
    assert not Member.objects.filter(community=community).exists()


def test_event_import_damaged_xlsx_is_refused_too(orga_client, community, tmp_path, settings):
    event = EventFactory(community=community)
    path = hostile_workbooks(tmp_path / "files")["billion-laughs"]
    response = _upload(orga_client, reverse("orga:event_import", args=[event.pk]), path)
    assert response.status_code == 422
    assert _stashed(settings) == []


# --------------------------------------------------------------------------- finding 9


def test_import_zip_bomb_refused_by_its_inflated_size(orga_client, community, tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", xlsx.MAX_XML_BYTES + 1)
    assert path.stat().st_size < 200_000  # small on the wire
    response = _upload(orga_client, _members_url(community), path)
    assert response.status_code == 422
    assert "inflates to" in _text(response)


def test_import_false_dimension_is_ignored(orga_client, community, tmp_path):
    # 400 rows that claim 16,384 columns: openpyxl padded them all (6.5 million cells)
    xml = sheet(people_cells(400), dimension="A1:XFD401")
    path = workbook(tmp_path / "people.xlsx", xml)
    tracemalloc.start()
    try:
        response = _upload(orga_client, _members_url(community), path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert "Import 400 people" in _text(accept_reading(orga_client, response))
    assert peak < 40 * 2**20  # the padded rows alone took more than 50 MB


def test_import_cells_far_to_the_right_stop_at_the_cell_cap(orga_client, community, tmp_path):
    # an empty cell in the last column makes every row 16,384 cells wide
    rows = [(r, [*cells, f'<c r="XFD{r}"/>']) for r, cells in people_cells(400)]
    path = workbook(tmp_path / "people.xlsx", sheet(rows))
    response = _upload(orga_client, _members_url(community), path)
    assert response.status_code == 422
    stopped = xlsx.MAX_CELLS // 16_384 + 1
    assert f"more than {xlsx.MAX_CELLS:,} cells by row {stopped}" in _text(response)


def test_import_row_past_excels_last_row_is_refused(orga_client, community, tmp_path):
    rows = [*people_cells(1), (xlsx.MAX_ROWS + 1, [cell(f"A{xlsx.MAX_ROWS + 1}", "x@y.org")])]
    path = workbook(tmp_path / "people.xlsx", sheet(rows))
    response = _upload(orga_client, _members_url(community), path)
    assert response.status_code == 422
    assert "past Excel's last row" in _text(response)


# --------------------------------------------------------------------------- findings 4, 13


def _csv(client, community, text: str):
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    return client.post(_members_url(community), {"file": upload})


def test_import_formula_email_is_refused_with_line_and_column(orga_client, community):
    text = "email,name\nana@example.org,Ana\n=cmd|'/ccalc'!a0@attacker.test,Eve\n"
    response = _csv(orga_client, community, text)
    page = _text(response)
    assert response.status_code == 422
    assert "<td>3</td><td>email</td>" in page
    assert "spreadsheet programs run as a formula" in page
    assert not Member.objects.filter(community=community).exists()


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x85"])
def test_import_control_character_in_a_name_is_refused(orga_client, community, char):
    response = _csv(orga_client, community, f"email,name\nana@example.org,Ana{char}Lima\n")
    page = _text(response)
    assert response.status_code == 422
    assert "<td>2</td><td>name</td>" in page
    assert f"U+{ord(char):04X}" in page
    assert not Member.objects.filter(community=community).exists()


def test_import_control_character_in_xlsx_cell_is_refused(orga_client, community, tmp_path):
    # XML forbids most control characters, but not DEL and the C1 block (U+009B: CSI)
    rows = [*people_cells(1), (3, [cell("A3", "bo@example.org"), cell("B3", "Bo\x9bLima")])]
    path = workbook(tmp_path / "people.xlsx", sheet(rows))
    response = _upload(orga_client, _members_url(community), path)
    assert response.status_code == 422
    assert "<td>3</td><td>name</td>" in _text(response)
    assert "U+009B" in _text(response)
