"""The ReLU family's knobs, ``max_value`` and ``threshold``: golden vectors from PyTorch and the
convention at every kink, each pinned by a named test."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relu_cli.core import activation, check_knobs, leaky_relu, leaky_relu_grad, relu, relu_grad

GOLDEN = json.loads((Path(__file__).parent / "data" / "golden_knobs.json").read_text())["cases"]
INF, NAN = math.inf, math.nan
SPECIALS = [-INF, -1.0, -0.0, 0.0, 0.5, INF, NAN]
KNOBS = [
    {"max_value": 6.0},
    {"threshold": 1.0},
    {"threshold": -1.0},
    {"max_value": 6.0, "threshold": 1.0},
    {"max_value": 2.5, "threshold": -1.0},
]


def _id(case: dict[str, Any]) -> str:
    return f"{case['function']}-slope{case['slope']}-max{case['max_value']}-t{case['threshold']}"


@pytest.mark.parametrize("case", GOLDEN, ids=_id)
@pytest.mark.parametrize("mode", ["forward", "gradient"])
def test_knobs_match_pytorch_golden_vectors(case: dict[str, Any], mode: str) -> None:
    x = np.array([float(v) for v in case["x"]])
    expected = np.array([float(v) for v in case[mode]])
    function = activation(
        case["function"],
        mode,  # type: ignore[arg-type]
        case["slope"],
        max_value=case["max_value"],
        threshold=case["threshold"],
    )
    np.testing.assert_array_equal(function(x), expected)


def test_golden_vectors_cover_relu6_thresholds_and_leaky_caps() -> None:
    combos = {(c["function"], c["max_value"], c["threshold"]) for c in GOLDEN}
    assert ("relu", 6.0, 0.0) in combos and ("relu", None, 1.0) in combos
    assert ("leaky-relu", 6.0, 1.0) in combos and ("leaky-relu", 2.5, -1.0) in combos


def test_default_knobs_leave_relu_and_leaky_relu_unchanged() -> None:
    """The values (and signs of zero) the functions gave before they had knobs."""
    x = np.array(SPECIALS)  # -inf, -1, -0.0, 0, 0.5, inf, nan
    expected = {
        "relu": (relu(x), [0.0, 0.0, 0.0, 0.0, 0.5, INF, NAN]),
        "leaky_relu": (leaky_relu(x), [-INF, -0.001, -0.0, 0.0, 0.5, INF, NAN]),
        "relu_grad": (relu_grad(x), [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, NAN]),
        "leaky_relu_grad": (leaky_relu_grad(x), [0.001, 0.001, 0.001, 0.001, 1.0, 1.0, NAN]),
    }
    for name, (got, want) in expected.items():
        np.testing.assert_array_equal(got, want, err_msg=name)
        assert np.signbit(got).tolist() == np.signbit(want).tolist(), name


def test_relu6_is_relu_with_max_value_6() -> None:
    assert relu([-1.0, 3.0, 6.0, 7.5, INF], max_value=6.0).tolist() == [0.0, 3.0, 6.0, 6.0, 6.0]


def test_value_at_max_value_is_max_value() -> None:
    assert relu(6.0, max_value=6.0).item() == 6.0
    assert leaky_relu(6.0, 0.1, max_value=6.0).item() == 6.0


def test_grad_at_max_value_is_zero() -> None:
    assert relu_grad(6.0, max_value=6.0).item() == 0.0
    assert leaky_relu_grad(6.0, 0.1, max_value=6.0).item() == 0.0
    assert relu_grad(np.nextafter(6.0, 0.0), max_value=6.0).item() == 1.0


def test_relu_at_threshold_is_zero_and_above_it_passes_x_unshifted() -> None:
    assert relu([1.0, 1.5], threshold=1.0).tolist() == [0.0, 1.5]


def test_relu_grad_at_threshold_is_zero() -> None:
    assert relu_grad([1.0, 1.5], threshold=1.0).tolist() == [0.0, 1.0]


def test_leaky_grad_at_threshold_equals_slope() -> None:
    assert leaky_relu_grad([1.0, 1.5], 0.1, threshold=1.0).tolist() == [0.1, 1.0]


def test_leaky_slope_applies_to_the_distance_below_threshold() -> None:
    assert leaky_relu([-1.0, 1.0, 2.0], 0.5, threshold=1.0).tolist() == [-1.0, 0.0, 2.0]


def test_negative_threshold_keeps_values_between_it_and_zero_even_with_a_cap() -> None:
    """Keras clips (threshold, 0] to 0 only when max_value is set; relu-cli never does."""
    assert relu([-2.0, -0.5, 3.0], threshold=-1.0).tolist() == [0.0, -0.5, 3.0]
    assert relu([-2.0, -0.5, 3.0], threshold=-1.0, max_value=2.0).tolist() == [0.0, -0.5, 2.0]


@pytest.mark.parametrize("knobs", KNOBS, ids=str)
def test_nan_in_gives_nan_out_with_every_knob(knobs: dict[str, float]) -> None:
    for function in (relu, relu_grad):
        assert math.isnan(function(NAN, **knobs).item())
    for function in (leaky_relu, leaky_relu_grad):
        assert math.isnan(function(NAN, 0.1, **knobs).item())


@pytest.mark.parametrize("knobs", KNOBS, ids=str)
def test_relu_with_knobs_never_returns_negative_zero(knobs: dict[str, float]) -> None:
    out = relu(np.array([-INF, -3.0, -1.0, -0.0, 0.0, 0.5]), **knobs)
    assert not np.signbit(out[out == 0]).any()


def test_minus_inf_below_a_threshold_is_the_limit() -> None:
    assert relu(-INF, threshold=1.0).item() == 0.0
    assert leaky_relu(-INF, 0.1, threshold=1.0).item() == -INF
    assert leaky_relu_grad(-INF, 0.1, threshold=1.0, max_value=6.0).item() == 0.1


def test_plus_inf_with_a_cap_is_the_cap_with_gradient_zero() -> None:
    assert relu(INF, max_value=6.0).item() == 6.0
    assert leaky_relu(INF, 0.1, max_value=6.0).item() == 6.0
    assert relu_grad(INF, max_value=6.0).item() == 0.0


@pytest.mark.parametrize("knobs", KNOBS, ids=str)
def test_leaky_with_slope_zero_is_relu_with_the_same_knobs(knobs: dict[str, float]) -> None:
    x = np.array(SPECIALS)
    np.testing.assert_array_equal(leaky_relu(x, 0.0, **knobs), relu(x, **knobs))
    np.testing.assert_array_equal(leaky_relu_grad(x, 0.0, **knobs), relu_grad(x, **knobs))


@pytest.mark.parametrize(
    "knobs",
    [
        {"threshold": NAN},
        {"threshold": INF},
        {"max_value": 0.0},
        {"max_value": -1.0},
        {"max_value": 1.0, "threshold": 1.0},
        {"max_value": NAN},
    ],
    ids=str,
)
def test_bad_knobs_raise_value_error(knobs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        check_knobs(**knobs)
    with pytest.raises(ValueError):
        activation("leaky-relu", **knobs)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        relu(1.0, **knobs)


@pytest.mark.parametrize("knobs", KNOBS, ids=str)
def test_knobs_keep_shape_and_give_float64(knobs: dict[str, float]) -> None:
    x = np.arange(-6, 6, dtype=np.int32).reshape(3, 4)
    for function in (relu, relu_grad):
        out = function(x, **knobs)
        assert out.shape == (3, 4) and out.dtype == np.float64


@given(
    x=st.floats(-20, 20),
    slope=st.sampled_from([0.0, 0.01, 0.5]),
    knobs=st.sampled_from(KNOBS),
)
def test_gradient_equals_a_finite_difference_away_from_the_kinks(
    x: float, slope: float, knobs: dict[str, float]
) -> None:
    step = 1e-6
    kinks = [knobs.get("threshold", 0.0), knobs.get("max_value", INF)]
    if any(abs(x - k) < 10 * step for k in kinks):
        return
    difference = (leaky_relu(x + step, slope, **knobs) - leaky_relu(x - step, slope, **knobs)) / (2 * step)
    assert difference.item() == pytest.approx(leaky_relu_grad(x, slope, **knobs).item(), abs=1e-6)
