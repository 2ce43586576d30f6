"""CSV text for edge tables, made as byte matrices: millions of ``a,b,score`` rows at numpy speed.

:func:`~netweave.core.affinity.write_edges` streams an affinity's pairs with these; every step
is a whole-array operation (about 0.5 s per million rows), never a Python loop over rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from netweave.core.cells import neutralise

__all__ = ["csv_rows", "id_bytes"]


def id_bytes(ids: Sequence[str]) -> np.ndarray:
    """The ids as NUL-padded UTF-8 byte strings of one width (CSV-quoted where needed, and
    neutralised like every CSV cell the project writes: see :mod:`netweave.core.cells`).

    Examples
    --------
    >>> id_bytes(["a@x", "b,c@x"]).tolist()
    [b'a@x', b'"b,c@x"']
    """
    cells = [_csv_cell(neutralise(pid)).encode() for pid in ids]
    return np.array(cells, dtype=f"S{max((len(c) for c in cells), default=1) or 1}")


def _csv_cell(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _as_bytes(column: np.ndarray) -> np.ndarray:
    """A fixed-width bytes column as a ``(rows, width)`` uint8 matrix."""
    return column.view(np.uint8).reshape(len(column), column.dtype.itemsize)


def _whole_digits(values: np.ndarray) -> np.ndarray:
    """Each value in decimal as ASCII, right-aligned, leading positions NUL."""
    if values.max(initial=0) < _SMALL:
        return np.take(_small_wholes(), values, axis=0)  # the usual case: a lookup
    return _digits_of(values, len(str(int(values.max()))))


# scores below this (all of them, with the default weights) have their digits looked up
_SMALL = 10_000


@functools.cache
def _small_wholes() -> np.ndarray:
    return _digits_of(np.arange(_SMALL, dtype=np.int64), len(str(_SMALL - 1)))


def _digits_of(values: np.ndarray, count: int) -> np.ndarray:
    powers = 10 ** np.arange(count - 1, -1, -1, dtype=np.int64)
    digits = ((values[:, None] // powers) % 10 + ord("0")).astype(np.uint8)
    digits[values[:, None] < powers] = 0  # leading zeros (but 0 itself keeps its digit)
    digits[:, -1] = (values % 10 + ord("0")).astype(np.uint8)
    return digits


@functools.cache
def _fractions() -> np.ndarray:
    """``"." + 6 digits`` for every millionth, trailing zeros NUL; all NUL for 0 (7 MB)."""
    frac = np.arange(1_000_000, dtype=np.int64)
    powers = 10 ** np.arange(5, -1, -1, dtype=np.int64)
    digits = ((frac[:, None] // powers) % 10 + ord("0")).astype(np.uint8)
    # digit p and every digit after it are zero when frac is a multiple of 10^(6 - p)
    trailing = (frac[:, None] % (powers * 10)) == 0
    digits[trailing] = 0
    dot = np.where(frac > 0, ord("."), 0).astype(np.uint8)[:, None]
    return np.hstack([dot, digits])


def csv_rows(a: np.ndarray, b: np.ndarray, micro: np.ndarray) -> bytes:
    """CSV lines ``a,b,score`` built as one byte matrix; NUL bytes mark what to leave out.

    Formatting millions of rows one at a time in Python would take minutes; here every
    step is a whole-array operation (about 0.5 s per million rows).

    Examples
    --------
    >>> csv_rows(id_bytes(["a@x"]), id_bytes(["b@x"]), np.array([1_250_000]))
    b'a@x,b@x,1.25\\n'
    """
    whole, frac = np.divmod(micro, 1_000_000)
    parts = [
        _as_bytes(a),
        b",",
        _as_bytes(b),
        b",",
        _whole_digits(whole),
        _fractions()[frac],
        b"\n",
    ]
    widths = [1 if isinstance(p, bytes) else p.shape[1] for p in parts]
    table = np.empty((len(micro), sum(widths)), dtype=np.uint8)
    at = 0
    for part, width in zip(parts, widths, strict=True):
        table[:, at : at + width] = ord(part) if isinstance(part, bytes) else part
        at += width
    flat = table.ravel()
    return flat[flat != 0].tobytes()
