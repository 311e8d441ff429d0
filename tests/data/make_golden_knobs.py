"""Regenerate ``golden_knobs.json``: ReLU and leaky ReLU with ``max_value`` and ``threshold``, value and
gradient, computed by PyTorch (float64, autograd) for every combination it can express.

    pip install torch==2.13.0 && python tests/data/make_golden_knobs.py

The tests read the JSON and never import torch. Each case records the PyTorch expression it used:

* relu: ``F.threshold(x, T, 0)`` (``F.relu`` when T = 0), then ``F.hardtanh(y, min(T, 0), M)`` for a cap
  (``F.relu6`` when T = 0 and M = 6; both are checked to agree). hardtanh's gradient is 0 at the cap.
* leaky ReLU: ``F.leaky_relu(x, slope)`` when T = 0, else ``torch.where(x > T, x, slope * (x - T))``;
  a cap is ``torch.where(y < M, y, M)`` (hardtanh would give gradient 0 at ``-inf``, where leaky ReLU's
  is the slope).

Numbers are stored as ``repr`` strings so that ``inf`` and every bit of each float survive. NaN inputs
are left out: PyTorch's gradients for NaN differ between ops, and relu-cli's NaN rule is pinned by named
tests instead.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).parent / "golden_knobs.json"
SLOPES = (0.0, 0.001, 0.01, 0.2)
KNOBS = ((None, 0.0), (6.0, 0.0), (1.0, 0.0), (None, 1.0), (None, -1.0), (None, 0.5), (6.0, 1.0), (2.5, -1.0))
BASE = [-math.inf, -1e300, -10.0, -6.0, -2.5, -1.0, -0.5, -1e-300, -0.0, 0.0, 1e-300, 0.25, 0.5, 1.0]
BASE += [1.5, 2.0, 3.0, 5.999999, 6.0, 6.000001, 7.0, 10.0, 1e300, math.inf]


def inputs(max_value: float | None, threshold: float) -> list[float]:
    """The base points, points on and beside each kink, and seeded random ones."""
    kinks = [threshold] + ([max_value] if max_value is not None else [])
    near = [float(np.nextafter(k, d)) for k in kinks for d in (-math.inf, math.inf)]
    random = np.random.default_rng(20240601).uniform(-10, 10, 16).round(3).tolist()
    unique = {repr(v): v for v in BASE + kinks + near + random}  # by repr: keeps both -0.0 and 0.0
    return sorted(unique.values())


def torch_forward(x: torch.Tensor, slope: float, max_value: float | None, threshold: float) -> torch.Tensor:
    if slope == 0:
        y = F.relu(x) if threshold == 0 else F.threshold(x, threshold, 0.0)
        if max_value is None:
            return y
        capped = F.hardtanh(y, min(threshold, 0.0), max_value)
        if threshold == 0 and max_value == 6:
            assert torch.equal(capped, F.relu6(x))
        return capped
    shifted = torch.where(x > threshold, x, slope * (x - threshold))
    y = F.leaky_relu(x, slope) if threshold == 0 else shifted
    if max_value is None:
        return y
    return torch.where(y < max_value, y, torch.full_like(y, max_value))


def case(slope: float, max_value: float | None, threshold: float) -> dict[str, object]:
    x = torch.tensor(inputs(max_value, threshold), dtype=torch.float64, requires_grad=True)
    y = torch_forward(x, slope, max_value, threshold)
    (grad,) = torch.autograd.grad(y, x, torch.ones_like(y))
    return {
        "function": "relu" if slope == 0 else "leaky-relu",
        "slope": slope,
        "max_value": max_value,
        "threshold": threshold,
        "x": [repr(v) for v in x.tolist()],
        "forward": [repr(v) for v in y.tolist()],
        "gradient": [repr(v) for v in grad.tolist()],
    }


def main() -> None:
    cases = [case(slope, max_value, threshold) for slope in SLOPES for max_value, threshold in KNOBS]
    header = {"generator": "tests/data/make_golden_knobs.py", "torch": torch.__version__}
    lines = ",\n".join(json.dumps(c) for c in cases)  # one case per line: readable diffs
    OUT.write_text(json.dumps(header)[:-1] + ', "cases": [\n' + lines + "\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
