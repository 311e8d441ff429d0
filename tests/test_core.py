"""Tests of ``relu_cli.core``: every documented convention by name, PyTorch bit for bit, properties.

The golden vectors in ``data/golden.json`` were made by ``data/make_golden.py`` with PyTorch; this file
never imports torch. Where relu-cli's documented conventions differ from PyTorch the file keeps torch's
raw value, and ``documented_deviations`` below states and asserts relu-cli's value for those cases.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import ArrayLike, NDArray

from relu_cli import core
from relu_cli.core import (
    DEFAULT_SLOPE,
    FunctionName,
    ModeName,
    activation,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
)

HERE = Path(__file__).parent
GOLDEN_PATH = HERE / "data" / "golden.json"
GENERATOR_PATH = HERE / "data" / "make_golden.py"
REPO_ROOT = HERE.parent

INF = math.inf
NAN = math.nan

ArrayFunction = Callable[[ArrayLike], NDArray[np.float64]]


def assert_bits_equal(actual: ArrayLike, expected: ArrayLike) -> None:
    """Same shape, float64, same values, NaN where NaN is expected and the same sign on every zero."""
    assert isinstance(actual, np.ndarray), f"expected an ndarray, got {type(actual).__name__}"
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.dtype == np.float64
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(actual, expected)  # NaN matches NaN; -0.0 matches 0.0 here...
    signed = ~np.isnan(expected)
    np.testing.assert_array_equal(  # ...so compare the sign bits too (a NaN's sign means nothing)
        np.signbit(actual[signed]), np.signbit(expected[signed]), err_msg="sign of a value differs"
    )


def every_function(slopes: tuple[float, ...] = (DEFAULT_SLOPE, 0.0, 0.5, 1.0)) -> list[Any]:
    """pytest params: each function in each mode, leaky ReLU at several slopes."""
    params = [pytest.param(relu, id="relu"), pytest.param(relu_grad, id="relu_grad")]
    for slope in slopes:
        params.append(pytest.param(partial(leaky_relu, slope=slope), id=f"leaky_relu(slope={slope})"))
        params.append(
            pytest.param(partial(leaky_relu_grad, slope=slope), id=f"leaky_relu_grad(slope={slope})")
        )
    return params


# --- the table: every function in every mode at -inf, -1, -0.0, 0, 0.5, inf, NaN -------------------

TABLE_INPUTS = (-INF, -1.0, -0.0, 0.0, 0.5, INF, NAN)

#: (function, expected value at each of TABLE_INPUTS). Zeros are written with their sign and compared
#: with it: leaky ReLU keeps -0.0 (slope * -0.0, as PyTorch does), relu never returns it.
TABLE: dict[str, tuple[ArrayFunction, tuple[float, ...]]] = {
    "relu": (relu, (0.0, 0.0, 0.0, 0.0, 0.5, INF, NAN)),
    "relu_grad": (relu_grad, (0.0, 0.0, 0.0, 0.0, 1.0, 1.0, NAN)),
    "leaky_relu": (leaky_relu, (-INF, -0.001, -0.0, 0.0, 0.5, INF, NAN)),
    "leaky_relu_grad": (leaky_relu_grad, (0.001, 0.001, 0.001, 0.001, 1.0, 1.0, NAN)),
    "leaky_relu(slope=0.5)": (
        partial(leaky_relu, slope=0.5),
        (-INF, -0.5, -0.0, 0.0, 0.5, INF, NAN),
    ),
    "leaky_relu_grad(slope=0.5)": (
        partial(leaky_relu_grad, slope=0.5),
        (0.5, 0.5, 0.5, 0.5, 1.0, 1.0, NAN),
    ),
    "leaky_relu(slope=0)": (partial(leaky_relu, slope=0.0), (0.0, 0.0, 0.0, 0.0, 0.5, INF, NAN)),
    "leaky_relu_grad(slope=0)": (
        partial(leaky_relu_grad, slope=0.0),
        (0.0, 0.0, 0.0, 0.0, 1.0, 1.0, NAN),
    ),
}


@pytest.mark.parametrize(
    ("function", "x", "expected"),
    [
        pytest.param(function, x, y, id=f"{name}({x!r})")
        for name, (function, row) in TABLE.items()
        for x, y in zip(TABLE_INPUTS, row, strict=True)
    ],
)
def test_each_function_gives_the_tabled_value_at_each_edge_input(
    function: ArrayFunction, x: float, expected: float
) -> None:
    assert_bits_equal(function(x), expected)


@pytest.mark.parametrize("name", list(TABLE))
def test_each_function_gives_the_tabled_row_for_the_whole_edge_vector(name: str) -> None:
    function, row = TABLE[name]
    assert_bits_equal(function(np.array(TABLE_INPUTS)), row)


# --- named conventions ---------------------------------------------------------------------------


def test_article_examples() -> None:
    assert relu(1.0) == 1.0
    assert relu(-1.0) == 0.0
    assert leaky_relu(-1.0) == -0.001  # exactly the double nearest -0.001: slope 0.001 times -1.0
    shown = [repr(float(v)) for v in (relu(1.0), relu(-1.0), leaky_relu(-1.0))]
    assert shown == ["1.0", "0.0", "-0.001"]


def test_default_slope_is_the_articles_one_thousandth_not_pytorchs_one_hundredth() -> None:
    assert DEFAULT_SLOPE == 0.001
    assert_bits_equal(leaky_relu(-2.0), -0.002)
    assert_bits_equal(leaky_relu_grad(-2.0), 0.001)


def test_relu_grad_at_zero_is_zero() -> None:
    assert_bits_equal(relu_grad([0.0, -0.0]), [0.0, 0.0])


@pytest.mark.parametrize("slope", [0.001, 0.01, 0.5, 1.0, 0.0])
def test_leaky_grad_at_zero_equals_slope(slope: float) -> None:
    assert_bits_equal(leaky_relu_grad([0.0, -0.0], slope=slope), [slope, slope])


def test_positive_branch_is_strict_so_the_smallest_positive_number_is_already_positive() -> None:
    tiny = 5e-324
    assert_bits_equal(relu(tiny), tiny)
    assert_bits_equal(relu_grad(tiny), 1.0)
    assert_bits_equal(leaky_relu(tiny), tiny)
    assert_bits_equal(leaky_relu_grad(tiny), 1.0)


@pytest.mark.parametrize("function", every_function())
def test_nan_in_gives_nan_out_for_every_function(function: ArrayFunction) -> None:
    x = np.array([-1.0, NAN, 0.0, 2.0, -NAN])
    out = function(x)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))


def test_relu_never_returns_negative_zero() -> None:
    negatives = [-0.0, -5e-324, -1e-300, -1.0, -1e308, -INF]
    out = relu(negatives)
    assert_bits_equal(out, [0.0] * len(negatives))
    assert not np.signbit(out).any()
    assert not np.signbit(relu(-0.0))


@pytest.mark.parametrize("zero", [0.0, 0], ids=["float", "int"])
@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=6)))
@example(x=np.array([-INF, -1e308, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1.0, INF, NAN]))
def test_leaky_with_zero_slope_equals_relu(zero: float, x: NDArray[np.float64]) -> None:
    assert_bits_equal(leaky_relu(x, slope=zero), relu(x))
    assert_bits_equal(leaky_relu_grad(x, slope=zero), relu_grad(x))


def test_leaky_minus_inf_is_minus_inf_for_positive_slope_and_zero_for_zero_slope() -> None:
    for slope in (5e-324, 0.001, 0.01, 0.5, 1.0):
        assert_bits_equal(leaky_relu(-INF, slope=slope), -INF)
    # numpy's 0 * -inf is NaN; the documented value is the limit of slope * x, which is 0 (and +0.0).
    assert_bits_equal(leaky_relu(-INF, slope=0.0), 0.0)
    assert_bits_equal(leaky_relu(-INF), -INF)


def test_relu_of_minus_inf_is_zero_and_of_plus_inf_is_inf() -> None:
    assert_bits_equal(relu([-INF, INF]), [0.0, INF])


@pytest.mark.parametrize("function", [f for f in every_function() if "grad" in f.id])
def test_every_gradient_at_plus_inf_is_one_and_at_minus_inf_is_the_left_slope(
    function: ArrayFunction,
) -> None:
    assert_bits_equal(function(INF), 1.0)
    assert_bits_equal(function(-INF), function(-1.0))


def test_leaky_relu_with_slope_one_is_the_identity_down_to_the_sign_of_zero() -> None:
    x = np.array([-INF, -1e308, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1.0, INF])
    assert_bits_equal(leaky_relu(x, slope=1.0), x)
    assert_bits_equal(leaky_relu_grad(x, slope=1.0), np.ones_like(x))


@pytest.mark.parametrize("function", every_function())
def test_every_function_returns_a_new_array_and_leaves_its_input_alone(
    function: ArrayFunction,
) -> None:
    x = np.array([-2.0, -0.0, 0.0, 3.0, NAN])
    before = x.copy()
    out = function(x)
    assert not np.shares_memory(out, x)
    assert_bits_equal(x, before)


@pytest.mark.parametrize("function", every_function())
@pytest.mark.parametrize(
    "x",
    [[-1, 0, 2], np.array([-1, 0, 2], dtype=np.int64), np.array([-1.0, 0.0, 2.0], dtype=np.float32)],
    ids=["list-of-int", "int64", "float32"],
)
def test_every_function_returns_float64_for_integer_and_float32_input(
    function: ArrayFunction, x: ArrayLike
) -> None:
    out = function(x)
    assert out.dtype == np.float64
    assert_bits_equal(out, function(np.array([-1.0, 0.0, 2.0])))


# --- golden vectors from PyTorch -------------------------------------------------------------------


class GoldenCase(NamedTuple):
    function: str  # "relu" or "leaky-relu", as on the command line
    mode: str  # "forward" or "gradient"
    slope: float | None
    torch_call: str
    torch_values: NDArray[np.float64]

    @property
    def id(self) -> str:
        slope = "" if self.slope is None else f"(slope={self.slope!r})"
        return f"{self.function}{slope}-{self.mode}"


def decode(hex_floats: list[str]) -> NDArray[np.float64]:
    return np.array([float.fromhex(h) for h in hex_floats], dtype=np.float64)


@cache
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))
    return data


def golden_inputs() -> NDArray[np.float64]:
    return decode(golden()["inputs"])


def golden_cases() -> list[GoldenCase]:
    return [
        GoldenCase(
            function=case["function"],
            mode=case["mode"],
            slope=None if case["slope"] is None else float.fromhex(case["slope"]),
            torch_call=case["torch"],
            torch_values=decode(case["values"]),
        )
        for case in golden()["cases"]
    ]


def golden_case(function: str, mode: str, slope: float | None = None) -> GoldenCase:
    (case,) = [c for c in golden_cases() if (c.function, c.mode, c.slope) == (function, mode, slope)]
    return case


def core_function(case: GoldenCase) -> ArrayFunction:
    """relu-cli's function for a golden case, called directly (the dispatcher is tested on its own)."""
    if case.function == "relu":
        return relu if case.mode == "forward" else relu_grad
    assert case.function == "leaky-relu" and case.slope is not None
    return partial(leaky_relu if case.mode == "forward" else leaky_relu_grad, slope=case.slope)


class Deviation(NamedTuple):
    why: str
    where: NDArray[np.bool_]
    torch_value: float  # what PyTorch 2.13 computes there (asserted against the file)
    relu_cli_value: float  # what relu-cli's documented convention says instead


def documented_deviations(case: GoldenCase, x: NDArray[np.float64]) -> list[Deviation]:
    """The few inputs where relu-cli's documented conventions differ from PyTorch, and why.

    Everywhere else relu-cli must equal PyTorch bit for bit.
    """
    deviations = []
    if case.mode == "gradient":
        # Convention "NaN in -> NaN out, for gradients too". PyTorch's relu backward passes the
        # incoming gradient through unless the output is <= 0 (false for NaN), so it reports 1;
        # leaky_relu's backward uses `x > 0 ? 1 : slope`, so it reports the slope.
        torch_value = 1.0 if case.function == "relu" else case.slope
        assert torch_value is not None
        deviations.append(Deviation("gradient at NaN is NaN", np.isnan(x), torch_value, NAN))
    elif case.function == "relu" or case.slope == 0:
        # Convention "relu never returns -0.0", and leaky ReLU with slope 0 *is* relu. PyTorch's relu
        # returns its input -0.0 unchanged; leaky_relu(slope=0) computes 0 * x, which is -0.0 for every
        # finite x <= 0 whose sign bit is set (relu's negative inputs give +0.0 in PyTorch too).
        if case.function == "relu":
            negative_zero_in_torch = (x == 0) & np.signbit(x)
        else:
            negative_zero_in_torch = np.signbit(x) & np.isfinite(x)
        deviations.append(Deviation("relu's zero has no sign", negative_zero_in_torch, -0.0, 0.0))
        if case.function == "leaky-relu":
            # Convention "infinities as limits": slope * x -> 0 as x -> -inf when slope is 0. PyTorch
            # computes 0 * -inf, which is NaN.
            deviations.append(Deviation("leaky(-inf, slope=0) is the limit 0", x == -INF, NAN, 0.0))
    return deviations


def test_golden_file_records_the_torch_version_and_the_command_that_made_it() -> None:
    data = golden()
    assert data["command"] == "python tests/data/make_golden.py"
    assert (REPO_ROOT / data["command"].split()[-1]) == GENERATOR_PATH
    assert GENERATOR_PATH.is_file()
    assert data["dtype"] == "float64"
    # The version that made the file is the one the generator's header asks for.
    assert data["requires"] == "torch==" + data["torch_version"].split("+")[0]
    assert data["requires"] in GENERATOR_PATH.read_text(encoding="utf-8")


def test_golden_floats_are_hex_strings_that_decode_to_the_same_string() -> None:
    data = golden()
    strings = list(data["inputs"])
    for case in data["cases"]:
        strings += case["values"] + ([case["slope"]] if case["slope"] is not None else [])
    assert strings
    for text in strings:
        assert isinstance(text, str)
        assert float.fromhex(text).hex() == text


def test_golden_inputs_include_every_edge_value_and_hundreds_of_others() -> None:
    x = golden_inputs()
    edges = [-INF, -1e308, -1.0, -1e-300, -5e-324, -0.0, 0.0, 5e-324, 1e-5, 0.5, 1.0, 1e16, INF]
    for edge in edges:
        assert ((x == edge) & (np.signbit(x) == np.signbit(edge))).any(), f"{edge!r} missing"
    assert np.isnan(x).any()
    assert np.isfinite(x).sum() >= 200
    assert ((x != 0) & (np.abs(x) < 2.2250738585072014e-308)).sum() >= 4, "too few subnormals"


def test_golden_file_covers_every_function_mode_and_slope() -> None:
    got: set[tuple[str, str, float | None]] = {(c.function, c.mode, c.slope) for c in golden_cases()}
    n = len(golden_inputs())
    assert all(len(c.torch_values) == n for c in golden_cases())
    slopes = (0.001, 0.01, 0.0, 0.5, 1.0)
    expected: set[tuple[str, str, float | None]] = {("relu", m, None) for m in ("forward", "gradient")}
    expected |= {("leaky-relu", mode, s) for mode in ("forward", "gradient") for s in slopes}
    assert got == expected


def relu_cli_expected(case: GoldenCase, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """PyTorch's values with the documented deviations applied, after checking PyTorch's raw ones."""
    expected = case.torch_values.copy()
    for deviation in documented_deviations(case, x):
        assert deviation.where.any(), f"{deviation.why}: no golden input exercises it"
        # Pin PyTorch's raw value, so a regenerated file that changes it shows up here...
        assert_bits_equal(
            case.torch_values[deviation.where],
            np.full(deviation.where.sum(), deviation.torch_value),
        )
        # ...and replace it with relu-cli's documented value.
        expected[deviation.where] = deviation.relu_cli_value
    return expected


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c.id)
def test_core_equals_torch_bit_for_bit_except_where_a_documented_convention_differs(
    case: GoldenCase,
) -> None:
    x = golden_inputs()
    assert_bits_equal(core_function(case)(x), relu_cli_expected(case, x))


@pytest.mark.parametrize("mode", ["forward", "gradient"])
def test_leaky_relu_without_a_slope_equals_torch_at_slope_one_thousandth(mode: str) -> None:
    x = golden_inputs()
    case = golden_case("leaky-relu", mode, 0.001)
    function = leaky_relu if mode == "forward" else leaky_relu_grad
    assert_bits_equal(function(x), relu_cli_expected(case, x))


# The deviations, one named test each, read straight from the file PyTorch wrote.


def torch_at(case: GoldenCase, value: float) -> float:
    x = golden_inputs()
    hit = np.isnan(x) if math.isnan(value) else (x == value) & (np.signbit(x) == np.signbit(value))
    return float(case.torch_values[np.flatnonzero(hit)[0]])


def test_torch_relu_grad_at_nan_is_one_but_relu_cli_gives_nan() -> None:
    assert torch_at(golden_case("relu", "gradient"), NAN) == 1.0
    assert math.isnan(relu_grad(NAN))


@pytest.mark.parametrize("slope", [0.001, 0.01, 0.5, 1.0, 0.0])
def test_torch_leaky_grad_at_nan_is_the_slope_but_relu_cli_gives_nan(slope: float) -> None:
    assert torch_at(golden_case("leaky-relu", "gradient", slope), NAN) == slope
    assert math.isnan(leaky_relu_grad(NAN, slope=slope))


def test_torch_relu_keeps_negative_zero_but_relu_cli_drops_the_sign() -> None:
    torch_value = torch_at(golden_case("relu", "forward"), -0.0)
    assert torch_value == 0.0 and math.copysign(1.0, torch_value) == -1.0
    assert math.copysign(1.0, relu(-0.0)) == 1.0


def test_torch_zero_slope_leaky_gives_negative_zero_for_negatives_but_relu_cli_gives_zero() -> None:
    torch_value = torch_at(golden_case("leaky-relu", "forward", 0.0), -1.0)
    assert torch_value == 0.0 and math.copysign(1.0, torch_value) == -1.0
    assert math.copysign(1.0, leaky_relu(-1.0, slope=0.0)) == 1.0


def test_torch_zero_slope_leaky_at_minus_inf_is_nan_but_relu_cli_takes_the_limit_zero() -> None:
    assert math.isnan(torch_at(golden_case("leaky-relu", "forward", 0.0), -INF))
    assert_bits_equal(leaky_relu(-INF, slope=0.0), 0.0)


# --- properties ----------------------------------------------------------------------------------

any_float = st.floats(width=64)  # NaN, ±inf, ±0.0 and subnormals included
slopes = st.floats(min_value=0.0, max_value=1.0)
arrays = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=6), elements=any_float
)


@given(x=arrays)
def test_relu_is_never_negative_and_is_nan_only_for_nan(x: NDArray[np.float64]) -> None:
    out = relu(x)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))
    finite_or_inf = out[~np.isnan(out)]
    assert (finite_or_inf >= 0).all()
    assert not np.signbit(finite_or_inf).any()


@given(x=arrays, slope=slopes)
def test_leaky_relu_is_x_above_zero_and_between_slope_times_x_and_zero_below(
    x: NDArray[np.float64], slope: float
) -> None:
    out = leaky_relu(x, slope=slope)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))
    above, below = x > 0, x <= 0
    np.testing.assert_array_equal(out[above], x[above])
    assert (out[below] <= 0).all()
    assert (out[below] >= x[below]).all()  # slope <= 1


magnitudes = st.floats(min_value=1e-3, max_value=1e6)


@given(magnitude=magnitudes, negative=st.booleans(), slope=slopes)
def test_gradient_equals_a_finite_difference_away_from_zero(
    magnitude: float, negative: bool, slope: float
) -> None:
    x = -magnitude if negative else magnitude
    h = magnitude * 1e-4  # x - h and x + h keep the sign of x
    pairs: list[tuple[ArrayFunction, ArrayFunction]] = [
        (relu, relu_grad),
        (partial(leaky_relu, slope=slope), partial(leaky_relu_grad, slope=slope)),
    ]
    for function, gradient in pairs:
        difference = float((function(x + h) - function(x - h)) / (2 * h))
        assert math.isclose(difference, float(gradient(x)), rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("function", every_function())
@given(x=arrays)
def test_every_function_keeps_the_shape_and_the_float64_dtype(
    function: ArrayFunction, x: NDArray[np.float64]
) -> None:
    out = function(x)
    assert isinstance(out, np.ndarray)
    assert out.shape == x.shape
    assert out.dtype == np.float64


@pytest.mark.parametrize("function", every_function())
@given(x=any_float | st.integers(min_value=-(2**53), max_value=2**53))
def test_every_function_turns_a_scalar_into_a_zero_dimensional_ndarray(
    function: ArrayFunction, x: float
) -> None:
    out = function(x)
    assert type(out) is np.ndarray
    assert out.shape == ()
    assert out.dtype == np.float64


# --- the dispatcher ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "mode", "direct"),
    [
        ("relu", "forward", relu),
        ("relu", "gradient", relu_grad),
        ("leaky-relu", "forward", partial(leaky_relu, slope=0.25)),
        ("leaky-relu", "gradient", partial(leaky_relu_grad, slope=0.25)),
    ],
)
def test_activation_picks_the_function_for_each_name_and_mode_and_binds_the_slope(
    function: FunctionName, mode: ModeName, direct: ArrayFunction
) -> None:
    x = np.array([-INF, -2.0, -0.0, 0.0, 0.5, INF, NAN])
    assert_bits_equal(activation(function, mode, slope=0.25)(x), direct(x))


def test_activation_returns_the_relu_functions_themselves_since_relu_has_no_slope() -> None:
    assert activation("relu", "forward", slope=0.5) is relu
    assert activation("relu", "gradient", slope=0.5) is relu_grad


def test_activation_defaults_to_forward_mode_and_the_default_slope() -> None:
    assert_bits_equal(activation("leaky-relu")(-1.0), -0.001)
    assert_bits_equal(activation("leaky-relu", "gradient")(-1.0), 0.001)
    assert_bits_equal(activation("relu")(-1.0), 0.0)


@pytest.mark.parametrize(
    ("function", "mode"),
    [
        ("sigmoid", "forward"),
        ("leaky_relu", "forward"),  # the Python name, not the command-line one
        ("relu", "backward"),
        ("relu", "grad"),
    ],
)
def test_activation_rejects_unknown_function_and_mode_names(function: str, mode: str) -> None:
    with pytest.raises(ValueError, match=f"unknown activation '{function}' in mode '{mode}'"):
        activation(function, mode)  # type: ignore[arg-type]


# --- dependencies --------------------------------------------------------------------------------


def test_importing_core_in_a_fresh_interpreter_loads_neither_typer_nor_rich() -> None:
    code = (
        "import json, sys\n"
        "import relu_cli.core\n"
        "loaded = sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules)\n"
        "print(json.dumps({'file': relu_cli.core.__file__, 'numpy': 'numpy' in sys.modules,\n"
        "                  'loaded': loaded}))\n"
    )
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert Path(report["file"]).resolve() == Path(core.__file__).resolve()  # the module under test
    assert report["numpy"]
    assert report["loaded"] == []
