"""The ReLU family as pure numpy functions: no I/O, no printing, no exits.

Every function takes a scalar or an array-like and returns a new float64 array of the same shape.
Conventions shared by all of them (each pinned by a named test in ``tests/test_core.py``):

* The positive branch is strict, ``x > 0``, as in PyTorch: ``relu_grad(0) == 0`` and
  ``leaky_relu_grad(0) == slope``.
* NaN in gives NaN out, for values and gradients alike.
* Infinities behave as limits: ``relu(-inf) == 0``, ``leaky_relu(-inf) == -inf`` for a positive slope
  and ``0`` for slope 0; every gradient at ``+inf`` is 1.
* ``relu`` never returns ``-0.0``; with ``slope=0`` leaky ReLU *is* ReLU, in value and gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DEFAULT_SLOPE",
    "activation",
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


def relu(x: ArrayLike) -> FloatArray:
    """Rectified linear unit: ``relu(x) = max(0, x)``.

    NaN propagates (unlike Python's ``max(0.0, nan)``, which is ``0.0``) and ``-0.0`` becomes ``0.0``,
    so the result never carries a negative sign.

    >>> relu([-1.0, 0.0, 1.0])
    array([0., 0., 1.])
    >>> relu(float("nan"))
    array(nan)
    """
    out = np.maximum(_as_float(x), 0.0)  # np.maximum propagates NaN
    out += 0.0  # -0.0 + 0.0 == +0.0 under round-to-nearest: drops the sign of zero
    return np.asarray(out)


def leaky_relu(x: ArrayLike, slope: float = DEFAULT_SLOPE) -> FloatArray:
    """Leaky ReLU: ``x if x > 0 else slope * x``.

    ``-inf`` maps to ``-inf`` for a positive slope. With ``slope == 0`` the function is exactly
    :func:`relu`; that case is delegated, because ``0 * -inf`` would be NaN where the limit is 0.

    >>> leaky_relu([-1.0, 0.0, 2.0]).tolist()
    [-0.001, 0.0, 2.0]
    >>> leaky_relu(-10.0, slope=0.5)
    array(-5.)
    """
    if slope == 0:
        return relu(x)
    a = _as_float(x)
    return np.asarray(np.where(a > 0, a, a * slope))


def relu_grad(x: ArrayLike) -> FloatArray:
    """Derivative of ReLU: ``1 if x > 0 else 0``; NaN for NaN.

    At the kink ``x == 0`` the derivative is undefined; like PyTorch we take the left one, 0, so a unit
    that outputs exactly zero passes no gradient.

    >>> relu_grad([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    # heaviside(x, 0.0) is 0 below 0, 0.0 at 0, 1 above, and NaN for NaN: exactly this convention.
    return np.asarray(np.heaviside(_as_float(x), 0.0))


def leaky_relu_grad(x: ArrayLike, slope: float = DEFAULT_SLOPE) -> FloatArray:
    """Derivative of leaky ReLU: ``1 if x > 0 else slope``; NaN for NaN.

    At ``x == 0`` the derivative is ``slope`` (PyTorch's convention, consistent with :func:`relu_grad`:
    with ``slope == 0`` both agree everywhere).

    >>> leaky_relu_grad([-2.0, 0.0, 3.0])
    array([0.001, 0.001, 1.   ])
    """
    a = _as_float(x)
    out = np.where(a > 0, 1.0, slope)
    return np.asarray(np.where(np.isnan(a), a, out))


def activation(
    function: FunctionName, mode: ModeName = "forward", slope: float = DEFAULT_SLOPE
) -> Callable[[ArrayLike], FloatArray]:
    """The array function for ``function`` (``"relu"`` or ``"leaky-relu"``) in ``mode``
    (``"forward"`` or ``"gradient"``), with ``slope`` bound for leaky ReLU.

    >>> activation("leaky-relu", "gradient", slope=0.5)([-1.0, 1.0])
    array([0.5, 1. ])
    """
    if function not in ("relu", "leaky-relu") or mode not in ("forward", "gradient"):
        raise ValueError(f"unknown activation {function!r} in mode {mode!r}")
    if function == "relu":
        return relu if mode == "forward" else relu_grad
    return partial(leaky_relu if mode == "forward" else leaky_relu_grad, slope=slope)
