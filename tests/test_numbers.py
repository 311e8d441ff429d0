"""The numbers module: text ↔ float64 in bulk, against the one-by-one definitions beside it.

Bulk parsing must read every cell exactly as :func:`parse_number` does (value, sign of zero, missing, bad),
whatever mixture of odd cells a column holds; bulk formatting must write exactly what ``repr`` writes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relu_cli.numbers import (
    format_floats,
    format_rows,
    format_tokens,
    is_missing,
    parse_cells,
    parse_number,
)

FLOAT_EDGES = [
    0.0, -0.0, 1.0, -1.0, float("nan"), float("inf"), float("-inf"), 5e-324, -5e-324, 2.5e-320,
    2.2250738585072014e-308, 1e-5, -1e-5, 9.99e-5, 1e-4, 1e-7, 1.5e-9, 1e16, 1e15, 1.5e16, 1e22,
    1.7976931348623157e308, 0.1, 1 / 3, 123456789012345678.0,
]  # fmt: skip

# cells that are not plain JSON numbers: each must be read as parse_number reads it
ODD_CELLS = [
    "", " ", "\t", "nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "-INFINITY", "+1", ".5", "-.5",
    "5.", "-5.", "1.e5", "01", "-01", "00", "0e0", "-0", " -0 ", "-0.0", "1e400", "-1e400", "1E5", "1e+5",
    " 3 ", "\t-2\t", "5e-324", "x", "1,5", "1_000", "0x10", "١٢", '"1"', "true", "null", "[1]", "{}", "-",
    "e5", "1e", "1-2", "1.5.3", "--1", "é", "1 2",
]  # fmt: skip


def reference(cells: list[str]) -> tuple[list[float], list[int], list[int]]:
    """Each cell one by one: its value (NaN when missing or bad), the missing ones, the bad ones."""
    values, missing, bad = [], [], []
    for index, cell in enumerate(cells):
        value = parse_number(cell)
        if value is None:
            (missing if is_missing(cell) else bad).append(index)
        values.append(float("nan") if value is None else value)
    return values, missing, bad


# plain numbers before the cells under test, so that the column is long enough for the bulk parse (a
# short one, as on the command line, is read one by one)
PADDING = ["-1.25"] * 200


def assert_parses_as_reference(cells: list[str]) -> None:
    assert_column_parses_as_reference(cells)
    assert_column_parses_as_reference([*PADDING, *cells])


def assert_column_parses_as_reference(cells: list[str]) -> None:
    parsed = parse_cells("".join(cell + "\n" for cell in cells).encode())
    values, missing, bad = reference(cells)
    assert parsed.missing.tolist() == missing
    assert parsed.bad.tolist() == bad
    assert np.array_equal(parsed.values, values, equal_nan=True)
    assert np.signbit(parsed.values).tolist() == np.signbit(values).tolist()


# ------------------------------------------------------------------------------------------ formatting


def test_format_tokens_writes_repr_for_the_edge_values() -> None:
    values = np.array(FLOAT_EDGES)
    assert format_tokens(values) == [text.encode() for text in format_floats(values)]


@pytest.mark.parametrize("repeat", [1, 10])
def test_format_tokens_for_json_writes_null_for_what_json_cannot_spell(repeat: int) -> None:
    values = np.array(FLOAT_EDGES * repeat)
    expected = [repr(v).encode() if np.isfinite(v) else b"null" for v in FLOAT_EDGES * repeat]
    assert format_tokens(values, json=True) == expected


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=200))
def test_format_tokens_writes_repr_for_any_float(values: list[float]) -> None:
    for column in (values, [*values, *[0.5] * 100]):  # short ones are written one by one
        assert format_tokens(np.array(column, dtype=np.float64)) == [repr(v).encode() for v in column]


def test_format_tokens_writes_repr_for_random_bit_patterns_and_magnitudes() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [
            rng.integers(0, 2**64 - 1, 200_000, dtype=np.uint64).view(np.float64),
            rng.standard_normal(100_000) * 10.0 ** rng.integers(-30, 30, 100_000),
            10.0 ** rng.uniform(-10, -3, 100_000) * rng.choice([-1, 1], 100_000),
            10.0 ** rng.uniform(14, 18, 50_000),
        ]
    )
    assert format_tokens(values) == [text.encode() for text in format_floats(values)]


# ------------------------------------------------------------------------------------------ parsing


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=200))
def test_parse_cells_reads_repr_back_exactly(values: list[float]) -> None:
    parsed = parse_cells("".join(f"{v!r}\n" for v in values).encode())
    assert parsed.values.tolist() == values
    assert np.signbit(parsed.values).tolist() == np.signbit(values).tolist()
    assert parsed.missing.size == parsed.bad.size == 0


@given(st.lists(st.integers(min_value=-(10**30), max_value=10**30), min_size=1, max_size=100))
def test_parse_cells_rounds_integers_as_float_does(values: list[int]) -> None:
    parsed = parse_cells("".join(f"{v}\n" for v in values).encode())
    assert parsed.values.tolist() == [float(v) for v in values]


def test_parse_cells_keeps_the_sign_of_the_integer_minus_zero() -> None:
    parsed = parse_cells(b"-0\n0\n -0\n-0.0\n7\n")
    assert parsed.values.tolist() == [0.0, 0.0, 0.0, 0.0, 7.0]
    assert np.signbit(parsed.values).tolist() == [True, False, True, True, False]


@pytest.mark.parametrize("cell", ODD_CELLS)
@pytest.mark.parametrize("where", ["first", "inner", "last", "alone"])
def test_each_odd_cell_reads_as_it_does_one_by_one(cell: str, where: str) -> None:
    cells = {"first": [cell, "1", "2"], "inner": ["1", cell, "2"], "last": ["1", "2", cell], "alone": [cell]}
    assert_parses_as_reference(cells[where])


def test_a_lone_blank_cell_is_missing() -> None:
    assert parse_cells(b"\n").missing.tolist() == [0]
    assert parse_cells(b"  \n").missing.tolist() == [0]
    assert_parses_as_reference([" "])


def test_the_stand_in_for_odd_cells_may_be_in_the_data_itself() -> None:
    assert_parses_as_reference(["5e-324", "nan", "5e-324", "", "x", "5e-324"])


@given(
    st.lists(
        st.one_of(
            st.sampled_from(ODD_CELLS),
            st.floats(width=64).map(repr),
            st.integers(-(10**20), 10**20).map(str),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_any_mixture_of_cells_reads_as_it_does_one_by_one(cells: list[str]) -> None:
    assert_parses_as_reference(cells)


def test_odd_cells_deep_in_a_large_column_read_as_one_by_one() -> None:
    rng = np.random.default_rng(7)
    cells = [repr(v) for v in rng.standard_normal(50_000).tolist()]
    for index in rng.choice(len(cells), 300, replace=False).tolist():
        cells[index] = ODD_CELLS[index % len(ODD_CELLS)]
    assert_parses_as_reference(cells)


@pytest.mark.parametrize("json", [False, True])
@pytest.mark.parametrize("width", [1, 2, 3])
@pytest.mark.parametrize("odd_share", [0.0, 0.001, 0.5])  # no odd value, a few, half of all
def test_rows_are_each_values_token_joined(odd_share: float, width: int, json: bool) -> None:
    rng = np.random.default_rng(7)
    rows = rng.standard_normal((3000, width))
    odd = rng.random(rows.shape) < odd_share
    rows[odd] = rng.choice([1e-05, -2.5e-07, np.nan, np.inf, -np.inf, -0.0], size=int(odd.sum()))
    expected = "".join(
        ",".join("null" if json and not math.isfinite(v) else repr(v) for v in row) + "\n"
        for row in rows.tolist()
    )
    assert format_rows(rows, json=json).decode() == expected
