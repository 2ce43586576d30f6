"""The import's mapping step through the real pages: an organizer uploads a Google Forms
response sheet, sees how each column is read, changes one, previews and imports."""

from __future__ import annotations

import re

from tests.e2e.conftest import SCREENSHOTS
from tests.web.factories import PASSWORD, CommunityFactory, EventFactory, UserFactory
from tests.web.importing import GOOGLE_FORMS_HEADER, google_forms_csv

MISSION = "What is your organisation's mission?"


def _login(site, page, user) -> None:
    page.goto(site.base + "/orga/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/orga/$"))


def test_import_mapping_change_a_column_then_import(site, settings, tmp_path):
    from netweave.core.columns import ColumnMapping
    from netweave.web.events.models import Registration

    settings.MEDIA_ROOT = tmp_path / "media"
    user = UserFactory()
    community = CommunityFactory(organizers=[user], name="Open Science Hosts")
    event = EventFactory(community=community, title="Spring forum")
    page = site.context.new_page()
    _login(site, page, user)

    # upload the sheet as the organizer downloaded it
    page.goto(f"{site.base}/orga/events/{event.pk}/import/")
    site.visit(page, "orga-import-upload")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "responses.csv", "mimeType": "text/csv", "buffer": google_forms_csv()}],
    )
    page.click("button:has-text('Upload and check the columns')")
    page.wait_for_selector("form#column-mapping")

    # every column is on the page with its reading and a sample answer
    table = page.locator("form#column-mapping table").first
    for header in GOOGLE_FORMS_HEADER:
        assert table.locator("tr", has_text=header).count() == 1, header
    mission = page.locator(f'tr[data-column="{MISSION}"]')
    assert mission.locator("select").input_value() == "extra"
    assert "Open science for all" in mission.inner_text()
    assert "Not sure yet" in page.inner_text("body")
    page.goto(f"{site.base}/orga/events/{event.pk}/import/columns/")  # the page as a GET, for axe
    site.visit(page, "orga-import-mapping")

    # the mission is what they are about, not extra text; "Not sure yet" means async here
    page.locator(f'tr[data-column="{MISSION}"] select').select_option("about")
    page.get_by_label("Read the answer “Not sure yet” as").select_option("async")
    page.click("button:has-text('Preview the import')")
    page.wait_for_selector("text=Check responses.csv before importing")
    body = page.inner_text("body")
    assert "submitted twice, on lines 2 and 6" in body
    page.screenshot(path=str(SCREENSHOTS / "orga-import-preview.png"))

    page.click("button:has-text('Import 4 people')")
    page.wait_for_url(re.compile(rf"/orga/events/{event.pk}/registrations/$"))
    assert "Imported responses.csv" in page.inner_text("body")

    registrations = Registration.objects.filter(event=event).select_related("member")
    by_email = {r.member.email: r for r in registrations}
    assert sorted(by_email) == [
        "ana@example.org",
        "kofi@example.org",
        "mei@example.org",
        "sam@example.org",
    ]
    ana = by_email["ana@example.org"]
    assert ana.member.about == "Open science for everyone"  # line 6, the later submission
    assert MISSION not in ana.member.extra
    assert by_email["mei@example.org"].mode == "async"
    assert by_email["kofi@example.org"].mode == "async"
    assert [m.email for m in ana.requests.all()] == ["kofi@example.org"]
    community.refresh_from_db()
    assert ColumnMapping.from_dict(community.import_mapping).columns[MISSION] == "about"
    assert not site.serious, site.serious
