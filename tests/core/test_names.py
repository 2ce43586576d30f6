"""bare_name and name_key: names as Zoom shows them, compared as people mean them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netweave.core.names import bare_name, name_key


@pytest.mark.parametrize(
    "shown",
    [
        "Liam O'Brien",
        "liam o’brien",
        "LIAM O‘BRIEN",
        "Liam Oʼbrien",
        "Liam O`Brien",
        "liam o’brien (he/him) - iPhone",
        "Liam O'Brien (he/him)",
        "Liam O'Brien [iPhone]",
        "Liam O'Brien - Zoom",
        "Liam O'Brien | iPad",
        "Liam O’Brien’s iPad",
        "Liam O'Brien's Galaxy S21",
        "Liam O'Brien (iPhone 14 Pro)",
        "  Liam   O'Brien  he/him ",
    ],
)
def test_name_key_ignores_case_apostrophes_pronouns_and_devices(shown):
    assert name_key(shown) == "liam obrien"


def test_name_key_ignores_accents():
    assert name_key("José García-Núñez") == name_key("jose garcia nunez")


def test_bare_name_keeps_the_spelling():
    assert bare_name("Liam O'Brien (he/him) - iPhone") == "Liam O'Brien"


def test_bare_name_of_a_device_alone_keeps_it():
    assert bare_name("iPhone") == "iPhone"


def test_bare_name_keeps_a_name_that_only_looks_like_a_suffix_inside():
    assert bare_name("Mac Pixelton") == "Mac Pixelton"


@given(st.text(max_size=80))
def test_name_key_is_stable(text):
    key = name_key(text)

    assert name_key(key) == key


@given(st.text(max_size=80))
def test_bare_name_never_loses_every_letter(text):
    kept = bare_name(text)

    assert any(ch.isalpha() for ch in kept) == any(ch.isalpha() for ch in " ".join(text.split()))
