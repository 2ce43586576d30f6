from netweave.synth import CANONICAL_COLUMNS, synthetic_csv, synthetic_rows


def test_synthetic_rows_deterministic_for_seed():
    assert synthetic_rows(30, seed=3) == synthetic_rows(30, seed=3)


def test_synthetic_rows_emails_unique():
    rows = synthetic_rows(500, seed=1)
    assert len({r["email"] for r in rows}) == 500


def test_synthetic_rows_include_async_members():
    modes = {r["mode"] for r in synthetic_rows(60, seed=7)}
    assert modes == {"live", "async"}


def test_synthetic_rows_never_request_themselves():
    rows = synthetic_rows(200, seed=2)
    assert all(r["requests"] not in (r["email"], r["name"]) for r in rows)


def test_synthetic_csv_has_canonical_header():
    assert synthetic_csv(3).splitlines()[0] == ",".join(CANONICAL_COLUMNS)
