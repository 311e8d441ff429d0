"""The ReLU family as pure numpy functions: no I/O, no printing, no exits.

Every function takes a scalar or an array-like and returns a new float64 array of the same shape, and
takes two optional knobs, with Keras's ``relu`` parametrisation: ``max_value`` caps the output
(``max_value=6`` is ReLU6) and ``threshold`` moves the kink from 0 to ``threshold``::

    f(x) = min(x, max_value)          if x > threshold
    f(x) = slope * (x - threshold)    otherwise           (slope = 0 for relu)

Conventions shared by all of them (each pinned by a named test in ``tests/test_core.py`` and
``tests/test_core_knobs.py``):

* The positive branch is strict, ``x > 0`` (``x > threshold``), as in PyTorch: ``relu_grad(0) == 0``
  and ``leaky_relu_grad(0) == slope``; so ``relu(threshold) == 0``, as Keras computes it.
* At the cap the gradient is 0: ``relu_grad(max_value) == 0``, as PyTorch's ``relu6`` and ``hardtanh``
  give. The gradient is 1 only strictly inside ``threshold < x < max_value``.
* NaN in gives NaN out, for values and gradients alike.
* Infinities behave as limits: ``relu(-inf) == 0``, ``leaky_relu(-inf) == -inf`` for a positive slope
  and ``0`` for slope 0; every gradient at ``+inf`` is 1, or 0 with a cap (and the value is the cap).
* ``relu`` never returns ``-0.0``; with ``slope=0`` leaky ReLU *is* ReLU, in value and gradient.

Where Keras differs: its ``ReLU`` layer docstring says ``x`` for ``threshold <= x``, but its code (and
relu-cli) give 0 at ``x == threshold``; with a negative threshold *and* a ``max_value``, Keras also clips
the part between the threshold and 0 to 0, which relu-cli does not (it keeps ``x``, as Keras does
without ``max_value``); Keras returns ``-0.0`` below a threshold and NaN for ``-inf`` there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DEFAULT_SLOPE",
    "activation",
    "check_knobs",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
]

#: The default negative-side slope of leaky ReLU. PyTorch and Keras use 0.01; relu-cli keeps the 0.001
#: of the article it grew from, so ``leaky_relu(-1.0)`` is ``-0.001``.
DEFAULT_SLOPE = 0.001

FloatArray = NDArray[np.float64]
FunctionName = Literal["relu", "leaky-relu"]
ModeName = Literal["forward", "gradient"]


def _as_float(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def check_knobs(max_value: float | None = None, threshold: float = 0.0) -> None:
    """Raise ``ValueError`` unless ``threshold`` is finite and ``max_value`` is None or above both 0
    and ``threshold`` (a cap at or below them would leave no rising part).

    >>> check_knobs(max_value=6.0)
    >>> check_knobs(max_value=1.0, threshold=2.0)
    Traceback (most recent call last):
    ...
    ValueError: max_value must be above 0 and above threshold; got max_value=1.0, threshold=2.0
    """
    if not math.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number; got {threshold!r}")
    if max_value is not None and not max_value > max(threshold, 0.0):  # also rejects NaN
        raise ValueError(
            f"max_value must be above 0 and above threshold; got max_value={max_value!r}, "
            f"threshold={threshold!r}"
        )


def relu(x: ArrayLike, *, max_value: float | None = None, threshold: float = 0.0) -> FloatArray:
    """Rectified linear unit: ``relu(x) = max(0, x)``; with the knobs,
    ``min(x, max_value) if x > threshold else 0``.

    ``max_value`` caps the output (``max_value=6`` is ReLU6); ``threshold`` moves the kink: inputs at or
    below it give 0, inputs above it pass through unchanged (not shifted), as in Keras. NaN propagates
    (unlike Python's ``max(0.0, nan)``, which is ``0.0``) and ``-0.0`` becomes ``0.0``, so the result
    never carries a negative sign.

    >>> relu([-1.0, 0.0, 1.0])
    array([0., 0., 1.])
    >>> relu(float("nan"))
    array(nan)
    >>> relu([-1.0, 3.0, 8.0], max_value=6.0)
    array([0., 3., 6.])
    >>> relu([0.5, 1.0, 1.5], threshold=1.0)
    array([0. , 0. , 1.5])
    """
    check_knobs(max_value, threshold)
    return _relu(x, max_value, threshold)


def _relu(x: ArrayLike, max_value: float | None, threshold: float) -> FloatArray:
    a = _as_float(x)
    # np.maximum propagates NaN; so does np.where here, because ``nan <= threshold`` is False.
    out = np.maximum(a, 0.0) if threshold == 0 else np.where(a <= threshold, 0.0, a)
    if max_value is not None:
        out = np.minimum(out, max_value)  # NaN stays NaN
    out += 0.0  # -0.0 + 0.0 == +0.0 under round-to-nearest: drops the sign of zero
    return np.asarray(out)


def leaky_relu(
    x: ArrayLike, slope: float = DEFAULT_SLOPE, *, max_value: float | None = None, threshold: float = 0.0
) -> FloatArray:
    """Leaky ReLU: ``x if x > 0 else slope * x``; with the knobs,
    ``min(x, max_value) if x > threshold else slope * (x - threshold)``.

    Below the threshold the slope applies to the distance from it, so the negative side meets 0 at
    ``threshold``, as in Keras. ``-inf`` maps to ``-inf`` for a positive slope. With ``slope == 0`` the
    function is exactly :func:`relu`; that case is delegated, because ``0 * -inf`` would be NaN where
    the limit is 0.

    >>> leaky_relu([-1.0, 0.0, 2.0]).tolist()
    [-0.001, 0.0, 2.0]
    >>> leaky_relu(-10.0, slope=0.5)
    array(-5.)
    >>> leaky_relu([-2.0, 1.0, 9.0], slope=0.5, max_value=6.0, threshold=1.0).tolist()
    [-1.5, 0.0, 6.0]
    """
    check_knobs(max_value, threshold)
    return _leaky_relu(x, slope, max_value, threshold)


def _leaky_relu(x: ArrayLike, slope: float, max_value: float | None, threshold: float) -> FloatArray:
    if slope == 0:
        return _relu(x, max_value, threshold)
    a = _as_float(x)
    above = a if max_value is None else np.minimum(a, max_value)
    with np.errstate(over="ignore"):  # -1e308 * 10 is -inf, as IEEE 754 says: no warning for it
        return np.asarray(np.where(a > threshold, above, (a - threshold) * slope))  # a - 0.0 is exactly a


def relu_grad(x: ArrayLike, *, max_value: float | None = None, threshold: float = 0.0) -> FloatArray:
    """Derivative of ReLU: ``1 if x > 0 else 0``; with the knobs, ``1 if threshold < x < max_value
    else 0``; NaN for NaN.

    At the kink ``x == threshold`` (0 by default) the derivative is undefined; like PyTorch we take the
    left one, 0, so a unit that outputs exactly zero passes no gradient. At the cap ``x == max_value``
    it is 0 too, as PyTorch's ``relu6``/``hardtanh`` give: a saturated unit passes no gradient.

    >>> relu_grad([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    >>> relu_grad([0.0, 3.0, 6.0, 7.0], max_value=6.0)
    array([0., 1., 0., 0.])
    """
    return leaky_relu_grad(x, 0.0, max_value=max_value, threshold=threshold)


def leaky_relu_grad(
    x: ArrayLike, slope: float = DEFAULT_SLOPE, *, max_value: float | None = None, threshold: float = 0.0
) -> FloatArray:
    """Derivative of leaky ReLU: ``1 if x > 0 else slope``; with the knobs, ``slope if x <= threshold,
    1 if threshold < x < max_value, 0 if x >= max_value``; NaN for NaN.

    At ``x == threshold`` (0 by default) the derivative is ``slope`` (PyTorch's convention, consistent
    with :func:`relu_grad`: with ``slope == 0`` both agree everywhere). At ``x == max_value`` it is 0,
    as for :func:`relu_grad`.

    >>> leaky_relu_grad([-2.0, 0.0, 3.0])
    array([0.001, 0.001, 1.   ])
    >>> leaky_relu_grad([1.0, 2.0, 6.0], slope=0.5, max_value=6.0, threshold=1.0)
    array([0.5, 1. , 0. ])
    """
    check_knobs(max_value, threshold)
    return _leaky_relu_grad(x, slope, max_value, threshold)


def _leaky_relu_grad(x: ArrayLike, slope: float, max_value: float | None, threshold: float) -> FloatArray:
    a = _as_float(x)
    rising = 1.0 if max_value is None else np.where(a < max_value, 1.0, 0.0)
    out = np.where(a > threshold, rising, slope)
    return np.asarray(np.where(np.isnan(a), a, out))  # comparisons with NaN are False: put NaN back


def activation(
    function: FunctionName,
    mode: ModeName = "forward",
    slope: float = DEFAULT_SLOPE,
    *,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> Callable[[ArrayLike], FloatArray]:
    """The array function for ``function`` (``"relu"`` or ``"leaky-relu"``) in ``mode``
    (``"forward"`` or ``"gradient"``), with ``slope`` (leaky ReLU only), ``max_value`` and ``threshold``
    bound. Bad knobs raise ``ValueError`` here, before any data is seen, and only here: the function
    given back does not check them again at every call.

    >>> activation("leaky-relu", "gradient", slope=0.5)([-1.0, 1.0])
    array([0.5, 1. ])
    >>> activation("relu", max_value=6.0)([-1.0, 7.0])
    array([0., 6.])
    """
    if function not in ("relu", "leaky-relu") or mode not in ("forward", "gradient"):
        raise ValueError(f"unknown activation {function!r} in mode {mode!r}")
    check_knobs(max_value, threshold)
    if function == "relu":
        if max_value is None and threshold == 0:
            return relu if mode == "forward" else relu_grad  # nothing to bind: relu has no slope
        slope = 0.0
    kernel = _leaky_relu if mode == "forward" else _leaky_relu_grad
    return partial(kernel, slope=slope, max_value=max_value, threshold=threshold)
