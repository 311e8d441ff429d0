"""Regenerate ``tests/data/golden.json``: ReLU-family values and gradients computed by PyTorch.

How to run it, from the repository root::

    pip install torch==2.13.0
    python tests/data/make_golden.py            # rewrite tests/data/golden.json
    python tests/data/make_golden.py --check    # exit 1 if the stored file differs from a fresh run

Only this script needs torch; ``tests/test_core.py`` reads the JSON and never imports torch. The file
records what PyTorch *computes*, raw. Where relu-cli's documented conventions differ from it (NaN
gradients, the sign of relu's zero, ``leaky_relu(-inf, slope=0)``) the test states and asserts the
relu-cli value explicitly; the data here is never edited by hand.

What is computed, for every input ``x`` (float64):

* ``relu``: ``torch.nn.functional.relu(x)``;
* ``leaky-relu``: ``torch.nn.functional.leaky_relu(x, negative_slope=slope)`` for each slope in
  ``SLOPES``;
* gradients by autograd: ``x.requires_grad_()``, ``y.sum().backward()``, ``x.grad``.

Format: every float (inputs, slopes, results) is stored as a ``float.hex()`` string, so it round-trips
bit for bit with ``float.fromhex``, including ``-0.0`` (``'-0x0.0p+0'``), subnormals, ``'inf'``,
``'-inf'`` and ``'nan'``. The inputs are a fixed list of edge values followed by seeded random ones
(Python's ``random.Random``, so the inputs do not depend on torch's generator).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

GOLDEN_PATH = Path(__file__).parent / "golden.json"
COMMAND = "python tests/data/make_golden.py"
TORCH_REQUIREMENT = "torch==2.13.0"
SEED = 20_240_611

#: 0.001 is relu-cli's default, 0.01 PyTorch's; 0 must reduce to relu; 0.5 and 1 are exact in binary.
SLOPES = (0.001, 0.01, 0.0, 0.5, 1.0)

#: Every kink, limit and representable extreme the conventions talk about.
EDGE_VALUES = (
    -math.inf,
    -1e308,
    -1.0,
    -1e-300,
    -5e-324,  # the smallest subnormal: slope * x underflows to -0.0
    -0.0,
    0.0,
    5e-324,
    1e-5,
    0.5,
    1.0,
    1e16,
    math.inf,
    math.nan,
)


def make_inputs(seed: int = SEED) -> list[float]:
    """The edge values, 200 standard normals, then large, tiny and subnormal numbers of both signs."""
    rng = random.Random(seed)
    normals = [rng.gauss(0.0, 1.0) for _ in range(200)]
    exponents = (-310, -200, -100, -20, -8, -1, 3, 8, 20, 100, 200, 300)
    powers = [sign * 10.0**k for k in exponents for sign in (1.0, -1.0)]
    wide = [
        rng.choice((1.0, -1.0)) * rng.uniform(1.0, 2.0) * 2.0 ** rng.randint(-1022, 1023) for _ in range(24)
    ]
    subnormal = [rng.choice((1.0, -1.0)) * rng.randint(1, 2**20) * 5e-324 for _ in range(8)]
    return [*EDGE_VALUES, *normals, *powers, *wide, *subnormal]


def encode(value: float) -> str:
    """``float.hex``, checked to decode to the very same bits (NaN: to a NaN)."""
    text = value.hex()
    back = float.fromhex(text)
    assert (math.isnan(value) and math.isnan(back)) or (
        back == value and math.copysign(1.0, back) == math.copysign(1.0, value)
    ), (value, text)
    return text


def torch_case(inputs: list[float], function: str, slope: float | None) -> tuple[list[float], list[float]]:
    """Forward values and autograd gradients of one torch function at every input."""
    x = torch.tensor(inputs, dtype=torch.float64).requires_grad_()
    if function == "relu":
        y = F.relu(x)
    else:
        assert slope is not None
        y = F.leaky_relu(x, negative_slope=slope)
    y.sum().backward()  # type: ignore[no-untyped-call]
    assert x.grad is not None and y.dtype == x.grad.dtype == torch.float64
    return y.detach().tolist(), x.grad.tolist()


def build() -> dict[str, object]:
    inputs = make_inputs()
    cases: list[dict[str, object]] = []
    variants: list[tuple[str, float | None, str]] = [("relu", None, "torch.nn.functional.relu(x)")]
    variants += [
        ("leaky-relu", s, f"torch.nn.functional.leaky_relu(x, negative_slope={s!r})") for s in SLOPES
    ]
    for function, slope, call in variants:
        values, grads = torch_case(inputs, function, slope)
        for mode, results, how in (
            ("forward", values, call),
            ("gradient", grads, f"x.requires_grad_(); y = {call}; y.sum().backward(); x.grad"),
        ):
            cases.append(
                {
                    "function": function,
                    "mode": mode,
                    "slope": None if slope is None else encode(slope),
                    "torch": how,
                    "values": [encode(v) for v in results],
                }
            )
    return {
        "description": "PyTorch reference values for relu_cli.core; read by tests/test_core.py.",
        "command": COMMAND,
        "requires": TORCH_REQUIREMENT,
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "encoding": "float.hex() strings; float.fromhex decodes them, 'nan', 'inf' and '-inf' too",
        "seed": SEED,
        "inputs": [encode(v) for v in inputs],
        "cases": cases,
    }


def render(data: dict[str, object]) -> str:
    return json.dumps(data, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare a fresh run with the stored file; write nothing"
    )
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        same = GOLDEN_PATH.exists() and GOLDEN_PATH.read_text(encoding="utf-8") == text
        verdict = "up to date" if same else "DIFFERS from a fresh run"
        print(f"{GOLDEN_PATH}: {verdict}", file=sys.stderr)
        return 0 if same else 1
    GOLDEN_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {GOLDEN_PATH} (torch {torch.__version__})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
