"""unique_sorted, unique_first and union_sorted: np.unique and np.union1d by one sort."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from netweave.core.arrays import union_sorted, unique_first, unique_sorted

keys = st.lists(st.integers(-(10**12), 10**12), max_size=60)


@given(keys)
def test_unique_sorted_equals_numpy_unique(values: list[int]) -> None:
    arr = np.array(values, dtype=np.int64)
    assert np.array_equal(unique_sorted(arr), np.unique(arr))


@given(keys, keys)
def test_union_sorted_equals_numpy_union1d(a: list[int], b: list[int]) -> None:
    left, right = np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)
    assert np.array_equal(union_sorted(left, right), np.union1d(left, right))


def test_unique_sorted_keeps_the_dtype_of_an_empty_array() -> None:
    assert unique_sorted(np.zeros(0, np.int64)).dtype == np.int64


@given(st.lists(st.integers(0, 12), max_size=60))
def test_unique_first_equals_numpy_unique_with_first_index(values: list[int]) -> None:
    # few distinct values: most of them repeat, so "first" is tested on ties
    arr = np.array(values, dtype=np.int64)
    keys, first = unique_first(arr)
    want_keys, want_first = np.unique(arr, return_index=True)
    assert np.array_equal(keys, want_keys)
    assert np.array_equal(first, want_first)
