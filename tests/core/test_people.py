"""Reading registration tables: formats, header aliases, validation, request resolution."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from netweave.core.columns import ALIASES, FIELDS, load_column_map
from netweave.core.issues import Issue, RegistrationError, summarise_issues
from netweave.core.people import Person, read_history, read_people

HEADER = "email,name,mode,timezone,location,community,interests,about,looking_for,requests,avoid"


def write(tmp_path: Path, text: str, name: str = "people.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def table(tmp_path: Path, *rows: str, header: str = "email,name") -> Path:
    return write(tmp_path, "\n".join((header, *rows)) + "\n")


def errors_of(path: Path, **kwargs: object) -> list[Issue]:
    with pytest.raises(RegistrationError) as info:
        read_people(path, **kwargs)  # type: ignore[arg-type]
    return info.value.issues


def only(issues: list[Issue], code: str) -> list[Issue]:
    return [i for i in issues if i.code == code]


# --------------------------------------------------------------------------- formats


def test_read_people_canonical_csv_reads_every_field(tmp_path: Path) -> None:
    row = (
        "ana@x.org,Ana Lima,async,Europe/Lisbon,Lisbon,Climate Club,AI;Climate,"
        "I run a club,mentors,,"
    )
    person = read_people(table(tmp_path, row, header=HEADER)).people[0]
    assert person == Person(
        id="ana@x.org",
        email="ana@x.org",
        name="Ana Lima",
        mode="async",
        timezone="Europe/Lisbon",
        location="Lisbon",
        community="Climate Club",
        interests=("ai", "climate"),
        about="I run a club",
        looking_for="mentors",
        line=2,
    )


def test_read_people_optional_columns_default_to_live_and_utc(tmp_path: Path) -> None:
    person = read_people(table(tmp_path, "ana@x.org,Ana")).people[0]
    assert (person.mode, person.timezone, person.interests) == ("live", "UTC", ())


def test_read_people_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffemail,name\nana@x.org,Ana\n")
    assert read_people(path).people[0].email == "ana@x.org"


def test_read_people_semicolon_delimiter_is_detected(tmp_path: Path) -> None:
    path = write(tmp_path, 'email;name;about\nana@x.org;Ana;"AI, ML"\n')
    assert read_people(path).people[0].about == "AI, ML"


def test_read_people_tab_delimiter_is_detected(tmp_path: Path) -> None:
    path = write(tmp_path, "email\tname\nana@x.org\tAna Lima\n", name="people.tsv")
    assert read_people(path).people[0].name == "Ana Lima"


def test_read_people_xlsx_uses_sheet_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email Address", "Full name", "Time zone"])
    sheet.append(["ana@x.org", "Ana", "Europe/Berlin"])
    sheet.append([])
    sheet.append(["bob@x.org", "Bob", None])
    path = tmp_path / "people.xlsx"
    book.save(path)
    people = read_people(path).people
    assert [(p.id, p.line, p.timezone) for p in people] == [
        ("ana@x.org", 2, "Europe/Berlin"),
        ("bob@x.org", 4, "UTC"),
    ]


def test_read_people_xlsx_numbers_become_plain_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["email", "name", "Year joined"])
    book.active.append(["ana@x.org", "Ana", 2019])
    path = tmp_path / "people.xlsx"
    book.save(path)
    assert read_people(path).people[0].extra == (("Year joined", "2019"),)


def test_read_people_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana", "", ",", "bob@x.org,Bob")
    assert [p.line for p in read_people(path).people] == [2, 5]


def test_read_people_line_numbers_count_embedded_newlines(tmp_path: Path) -> None:
    rows = ('ana@x.org,Ana,"line one\nline two"', "bob@x.org,")
    path = table(tmp_path, *rows, header="email,name,about")
    assert errors_of(path)[0].line == 4


def test_read_people_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "email,name\nana@x.org,Joséphine\n", encoding="cp1252")
    issues = errors_of(path)
    assert [(i.line, i.message.startswith("file is not UTF-8")) for i in issues] == [(2, True)]


def test_read_people_unclosed_quote_is_an_error(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana", 'bob@x.org,"Bob', "cy@x.org,Cy")
    assert only(errors_of(path), "bad-quote")[0].line == 3


def test_read_people_unsupported_extension_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "email,name\n", name="people.xls")
    assert "save the table as .csv or .xlsx" in errors_of(path)[0].message


def test_read_people_empty_file_is_an_error(tmp_path: Path) -> None:
    assert errors_of(write(tmp_path, "\n\n"))[0].code == "empty-file"


# --------------------------------------------------------------------------- headers


def test_aliases_map_form_questions_to_fields() -> None:
    assert (ALIASES["whats your name"], ALIASES["email address"], ALIASES["tz"]) == (
        "name",
        "email",
        "timezone",
    )


def test_read_people_google_forms_headers_are_recognised(tmp_path: Path) -> None:
    header = (
        "Timestamp,Email Address,What's your name?,Time zone,Where are you based?,"
        "How will you join?,Topics,Tell us about yourself,Who would you most like to meet?,"
        "People you'd like to meet (names or emails),Anyone you'd prefer not to meet?"
    )
    rows = (
        "2024/03/01 10:00,ana@x.org,Ana,Europe/Berlin,Berlin,Live (Zoom),AI,Hi,founders,bob@x.org,",
        "2024/03/01 11:00,bob@x.org,Bob,UTC,Paris,Async (video),,,,,ana@x.org",
    )
    ana, bob = read_people(table(tmp_path, *rows, header=header)).people
    assert (ana.location, ana.about, ana.looking_for, ana.requests, bob.mode, bob.avoid) == (
        "Berlin",
        "Hi",
        "founders",
        ("bob@x.org",),
        "async",
        ("ana@x.org",),
    )


def test_read_people_unknown_columns_are_kept_as_extra_in_order(tmp_path: Path) -> None:
    path = table(tmp_path, "she/her,ana@x.org,Ana,crisps", header="Pronouns,Email,Name,Snack")
    assert read_people(path).people[0].extra == (
        ("Pronouns", "she/her"),
        ("Snack", "crisps"),
    )


def test_read_people_form_timestamp_is_not_kept_on_the_profile(tmp_path: Path) -> None:
    path = table(
        tmp_path, "2024/03/01,ana@x.org,Ana,she/her", header="Timestamp,Email,Name,Pronouns"
    )
    assert read_people(path).people[0].extra == (("Pronouns", "she/her"),)


def test_read_people_empty_extra_values_are_skipped(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,,crisps", header="email,name,Pronouns,Snack")
    assert read_people(path).people[0].extra == (("Snack", "crisps"),)


def test_read_people_loose_header_with_hint_is_recognised(tmp_path: Path) -> None:
    path = table(
        tmp_path, "ana@x.org,Ana,Asia/Tokyo", header="Email *,Name,Time zone (e.g. Europe/Berlin)"
    )
    assert read_people(path).people[0].timezone == "Asia/Tokyo"


def test_read_people_column_map_names_unknown_headers(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,Chess", header="Mail,Name,What is your favourite topic?")
    columns = {"Mail": "email", "What is your favourite topic?": "interests"}
    person = read_people(path, columns).people[0]
    assert (person.id, person.interests) == ("ana@x.org", ("chess",))


def test_read_people_column_map_extra_demotes_an_aliased_column(tmp_path: Path) -> None:
    path = table(tmp_path, "anonymous,ana@x.org,Ana", header="Email,Your work email,Name")
    person = read_people(path, {"Email": "extra"}).people[0]
    assert (person.id, person.extra) == ("ana@x.org", (("Email", "anonymous"),))


def test_read_people_unused_column_map_entry_warns(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana")
    warnings = read_people(path, {"Favourite topic": "interests"}).warnings
    assert [w.code for w in warnings] == ["unused-column-map"]


def test_read_people_column_map_with_unknown_field_is_an_error(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana")
    assert errors_of(path, columns={"Name": "fullname"})[0].code == "bad-column-map"


def test_read_people_two_columns_for_one_field_is_an_error(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,ana@y.org,Ana", header="Email,Email Address,Name")
    issue = only(errors_of(path), "duplicate-column")[0]
    assert (issue.line, "'Email' and 'Email Address'" in issue.message) == (1, True)


def test_load_column_map_reads_the_columns_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[columns]\n"What is your favourite topic?" = "interests"\n"Mail" = "email"\n',
        name="map.toml",
    )
    assert load_column_map(path) == {"What is your favourite topic?": "interests", "Mail": "email"}


def test_load_column_map_unknown_field_names_key_and_valid_fields(tmp_path: Path) -> None:
    text = '[columns]\n"Mail" = "email"\n"Topic" = "topics"\n'
    path = write(tmp_path, text, name="map.toml")
    with pytest.raises(RegistrationError) as info:
        load_column_map(path)
    (issue,) = info.value.issues
    assert (
        issue.file,
        issue.line,
        "'Topic'" in issue.message,
        ", ".join(FIELDS) in issue.message,
    ) == (
        str(path),
        3,
        True,
        True,
    )


def test_load_column_map_without_columns_table_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, '"Mail" = "email"\n', name="map.toml")
    with pytest.raises(RegistrationError, match=r"no \[columns\] table"):
        load_column_map(path)


def test_load_column_map_invalid_toml_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[columns\n", name="map.toml")
    with pytest.raises(RegistrationError, match="not valid TOML"):
        load_column_map(path)


# --------------------------------------------------------------------------- validation


def test_read_people_missing_column_names_it_and_lists_headers(tmp_path: Path) -> None:
    path = table(tmp_path, "ana,Ana", header="Handle,Name")
    (issue,) = errors_of(path)
    assert (issue.line, "'email'" in issue.message, "'Handle'" in issue.message) == (1, True, True)


def test_read_people_missing_column_points_to_column_map(tmp_path: Path) -> None:
    path = table(tmp_path, "ana,Ana", header="Handle,Name")
    assert "--columns map.toml" in errors_of(path)[0].message


def test_read_people_missing_column_still_reports_row_errors(tmp_path: Path) -> None:
    path = table(tmp_path, "Ana,live", " ,live", "Bob,live", header="name,mode")
    assert [i.code for i in errors_of(path)] == ["missing-column", "empty-name"]


def test_read_people_second_submission_wins_and_names_both_lines(tmp_path: Path) -> None:
    path = table(tmp_path, "bob@x.org,Bob", "ana@x.org,Ana", "ana@x.org,Ana again")
    roster = read_people(path)
    (issue,) = roster.warnings
    assert [p.name for p in roster.people] == ["Bob", "Ana again"]
    assert (issue.line, issue.code, issue.message) == (
        4,
        "duplicate-submission",
        "ana@x.org submitted twice, on lines 3 and 4: line 4 is used, the last in the file",
    )


def test_read_people_duplicate_email_ignores_case(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana", "ANA@X.ORG,Ana")
    assert only(list(read_people(path).warnings), "duplicate-submission")[0].line == 3


def test_read_people_errors_of_a_replaced_submission_are_dropped(tmp_path: Path) -> None:
    path = table(
        tmp_path, "ana@x.org,Ana,Mars/Olympus", "ana@x.org,Ana,UTC", header="email,name,tz"
    )
    assert read_people(path).people[0].timezone == "UTC"


@pytest.mark.parametrize("email", ["ana.x.org", "ana@x", "ana @x.org", "a@b@x.org", "", "@x.org"])
def test_read_people_malformed_email_is_an_error(tmp_path: Path, email: str) -> None:
    path = table(tmp_path, f"{email},Ana")
    assert [(i.code, i.line, i.column) for i in errors_of(path)] == [("bad-email", 2, "email")]


def test_read_people_empty_name_is_an_error(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,  ")
    assert [(i.code, i.line) for i in errors_of(path)] == [("empty-name", 2)]


def test_read_people_unclear_mode_is_read_as_live_with_a_warning(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,hybrid", header="email,name,mode")
    roster = read_people(path)
    (issue,) = roster.warnings
    assert (roster.people[0].mode, issue.code, issue.line) == ("live", "unclear-mode", 2)
    assert issue.message.startswith("mode answer 'hybrid' (line 2) is unclear: ")


@pytest.mark.parametrize(
    ("raw", "mode"),
    [
        ("LIVE", "live"),
        ("Live (Zoom)", "live"),
        ("yes-live", "live"),
        ("synchronous", "live"),
        ("", "live"),
        ("Async", "async"),
        ("asynchronous", "async"),
        ("Async (video)", "async"),
        ("recorded", "async"),
    ],
)
def test_read_people_mode_variants_are_accepted(tmp_path: Path, raw: str, mode: str) -> None:
    path = table(tmp_path, f"ana@x.org,Ana,{raw}", header="email,name,mode")
    assert read_people(path).people[0].mode == mode


def test_read_people_unknown_time_zone_suggests_the_close_one(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,Australia/Melborne", header="email,name,timezone")
    assert errors_of(path)[0].message == (
        "unknown time zone 'Australia/Melborne': did you mean Australia/Melbourne?"
    )


def test_read_people_city_as_time_zone_is_read_with_a_warning(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,Sydney", header="email,name,timezone")
    roster = read_people(path)
    assert roster.people[0].timezone == "Australia/Sydney"
    assert roster.warnings[0].message.startswith("read 'Sydney' as Australia/Sydney")


@pytest.mark.parametrize(
    ("raw", "zone"),
    [
        ("europe/berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("GMT", "GMT"),
        ("UTC+10", "Etc/GMT-10"),
        ("GMT-5", "Etc/GMT+5"),
        ("UTC+0", "UTC"),
    ],
)
def test_read_people_time_zone_variants_are_accepted(tmp_path: Path, raw: str, zone: str) -> None:
    path = table(tmp_path, f"ana@x.org,Ana,{raw}", header="email,name,timezone")
    assert read_people(path).people[0].timezone == zone


def test_read_people_half_hour_offset_is_read_as_its_main_zone(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,UTC+5:30", header="email,name,timezone")
    roster = read_people(path)
    assert (roster.people[0].timezone, roster.warnings[0].code) == (
        "Asia/Kolkata",
        "timezone-reading",
    )


def test_read_people_offset_that_is_no_zone_is_an_error(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,UTC+5:17", header="email,name,timezone")
    assert errors_of(path)[0].code == "bad-timezone"


def test_read_people_reports_every_error_sorted_by_line(tmp_path: Path) -> None:
    rows = (
        "ana@x.org,Ana,live,Mars/Olympus",
        "bob@x,Bob,live,UTC",
        "cy@x.org,,live,UTC+5:17",
        "dan@x.org,Dan,live,UTC",
    )
    path = table(tmp_path, *rows, header="email,name,mode,timezone")
    assert [(i.line, i.code) for i in errors_of(path)] == [
        (2, "bad-timezone"),
        (3, "bad-email"),
        (4, "bad-timezone"),
        (4, "empty-name"),
    ]


def test_read_people_label_is_used_as_file_in_issues(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x,Ana")
    assert errors_of(path, label="registrations.csv")[0].file == "registrations.csv"


# --------------------------------------------------------------------------- values


def test_read_people_id_is_the_lowercased_email(tmp_path: Path) -> None:
    person = read_people(table(tmp_path, " Ana.Lima@X.org ,Ana")).people[0]
    assert (person.id, person.email) == ("ana.lima@x.org", "Ana.Lima@X.org")


def test_read_people_interests_are_split_normalised_and_deduplicated(tmp_path: Path) -> None:
    path = table(
        tmp_path,
        'ana@x.org,Ana,"Open   Source; AI\nai;; open source;"',
        header="email,name,interests",
    )
    assert read_people(path).people[0].interests == ("open source", "ai")


# --------------------------------------------------------------------------- requests


def test_read_people_request_by_name_ignores_case_accents_and_spacing(tmp_path: Path) -> None:
    path = table(
        tmp_path,
        "ana@x.org,Ana,  jose   PEREZ ",
        "jo@x.org,José Pérez,",
        header="email,name,requests",
    )
    assert read_people(path).people[0].requests == ("jo@x.org",)


def test_read_people_request_by_email_ignores_case(tmp_path: Path) -> None:
    path = table(
        tmp_path, "ana@x.org,Ana,BOB@X.ORG", "bob@x.org,Bob,", header="email,name,requests"
    )
    assert read_people(path).people[0].requests == ("bob@x.org",)


def test_read_people_request_with_name_and_email_uses_the_email(tmp_path: Path) -> None:
    path = table(
        tmp_path, "ana@x.org,Ana,Bobby <bob@x.org>", "bob@x.org,Bob,", header="email,name,requests"
    )
    assert read_people(path).people[0].requests == ("bob@x.org",)


def test_read_people_repeated_requests_are_deduplicated(tmp_path: Path) -> None:
    path = table(
        tmp_path, "ana@x.org,Ana,Bob;bob@x.org", "bob@x.org,Bob,", header="email,name,requests"
    )
    assert read_people(path).people[0].requests == ("bob@x.org",)


def test_read_people_avoid_is_resolved_to_ids(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,Bob", "bob@x.org,Bob,", header="email,name,avoid")
    assert read_people(path).people[0].avoid == ("bob@x.org",)


def test_read_people_ambiguous_name_is_a_warning_and_dropped(tmp_path: Path) -> None:
    rows = ("ana@x.org,Ana,Sam Lee", "s1@x.org,Sam Lee,", "s2@x.org,Sam Lee,")
    roster = read_people(table(tmp_path, *rows, header="email,name,requests"))
    assert ([w.code for w in roster.warnings], roster.people[0].requests) == (
        ["ambiguous-name"],
        (),
    )


def test_read_people_unknown_request_suggests_a_close_name(tmp_path: Path) -> None:
    path = table(
        tmp_path, "ana@x.org,Ana,Jon Smith", "js@x.org,John Smith,", header="email,name,requests"
    )
    (warning,) = read_people(path).warnings
    assert (warning.code, warning.level, warning.message) == (
        "unknown-request",
        "warning",
        "'Jon Smith' in requests matches no registrant: did you mean John Smith?",
    )


def test_read_people_partial_name_suggests_the_full_name(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,Smith", "js@x.org,John Smith,", header="email,name,avoid")
    (warning,) = read_people(path).warnings
    assert (warning.code, warning.message.endswith("did you mean John Smith?")) == (
        "unknown-avoid",
        True,
    )


def test_read_people_self_request_is_dropped_with_a_warning(tmp_path: Path) -> None:
    path = table(tmp_path, "ana@x.org,Ana,Ana", header="email,name,requests")
    roster = read_people(path)
    assert ([w.code for w in roster.warnings], roster.people[0].requests) == (
        ["self-reference"],
        (),
    )


def test_read_people_many_rows_summarise_unknown_names_briefly(tmp_path: Path) -> None:
    rows = [
        f"p{i}@x.org,Person {i},Europe/Berlin,ai;climate,Person {(i * 7) % 10_000};Nobody {i}"
        for i in range(10_000)
    ]
    path = table(tmp_path, *rows, header="email,name,timezone,interests,requests")
    roster = read_people(path)
    # reading speed is measured in benchmarks/, not here: this checks the shape of the result
    assert (len(roster.people), len(summarise_issues(roster.warnings)) <= 8) == (10_000, True)


# --------------------------------------------------------------------------- summaries


def test_summarise_issues_many_unknown_names_prints_count_and_examples() -> None:
    # 6,900 unresolvable names, as in a real file, split between requests and avoid
    codes = ("unknown-request", "unknown-avoid")
    issues = [
        Issue(f"'Nobody {n}' matches no registrant", "a.csv", n, level="warning", code=codes[n % 2])
        for n in range(2, 6902)
    ]
    lines = summarise_issues(issues)
    assert (len(lines), lines[-1]) == (
        6,
        "... and 6,895 more unknown names in requests/avoid (first examples above)",
    )


def test_summarise_issues_puts_errors_before_warnings() -> None:
    issues = [
        Issue("w", "a.csv", 2, level="warning", code="unknown-request"),
        Issue("e", "a.csv", 9, code="bad-mode"),
    ]
    assert summarise_issues(issues) == ["a.csv:9: e", "a.csv:2: w"]


def test_summarise_issues_short_groups_are_printed_whole() -> None:
    issues = [Issue(f"e{n}", "a.csv", n, code="bad-mode") for n in range(5)]
    assert len(summarise_issues(issues)) == 5


# --------------------------------------------------------------------------- history


def test_read_history_with_header_returns_lowercased_pairs(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\nAna@X.org,bob@x.org\ncy@x.org,DI@x.org\n", name="history.csv")
    assert read_history(path) == [("ana@x.org", "bob@x.org"), ("cy@x.org", "di@x.org")]


def test_read_history_without_header_keeps_the_first_row(tmp_path: Path) -> None:
    path = write(tmp_path, "ana@x.org,bob@x.org\n", name="history.csv")
    assert read_history(path) == [("ana@x.org", "bob@x.org")]


def test_read_history_malformed_rows_are_reported_with_lines(tmp_path: Path) -> None:
    text = "a,b\nana@x.org,bob@x.org\nana@x.org\ncy@x.org,not-an-email\n"
    path = write(tmp_path, text, name="history.csv")
    with pytest.raises(RegistrationError) as info:
        read_history(path)
    assert [i.line for i in info.value.issues] == [3, 4]
