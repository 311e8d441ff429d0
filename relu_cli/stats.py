"""Summary statistics for ``--stats``: how many values fell on the flat or scaled side of the kink (the
"dead unit" fraction), how many hit the cap, and the range and mean of inputs and outputs.

Pure bookkeeping: processed batches in, lines of text out; the command line decides where they go.
Memory stays constant: each column keeps running counts, extremes and sums, never the values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .transform import Numbers, Processed

_MANY = 64  # columns from which a chunk's are summarised all at once


@dataclass
class Spread:
    """Running minimum, maximum and mean of the non-NaN values seen."""

    low: float = math.inf
    high: float = -math.inf
    total: float = 0.0
    count: int = 0

    def add(self, values: NDArray[np.float64]) -> None:
        present = values[~np.isnan(values)]
        if present.size:
            self.low = min(self.low, float(present.min()))
            self.high = max(self.high, float(present.max()))
            with np.errstate(invalid="ignore"):  # inf + -inf: the mean is NaN, and no warning is due
                self.total += float(present.sum())
            self.count += int(present.size)

    def merge(self, other: Spread) -> None:
        if other.count:
            self.low = min(self.low, other.low)
            self.high = max(self.high, other.high)
            self.total += other.total
            self.count += other.count

    def cells(self) -> list[str]:
        """``min``, ``max`` and ``mean`` as text; ``nan`` when there was nothing to summarise."""
        if not self.count:
            return ["nan"] * 3
        return [_number(self.low), _number(self.high), _number(self.total / self.count)]


@dataclass
class ColumnStats:
    """What one transformed column held."""

    count: int = 0
    nan: int = 0
    missing: int = 0  # missing cells (empty, blank, a null spelling): passed through, not values
    below: int = 0  # inputs at or below the threshold: zeroed by relu, scaled by leaky ReLU
    capped: int = 0  # inputs at or above max_value
    inputs: Spread = field(default_factory=Spread)
    outputs: Spread = field(default_factory=Spread)
    # of an array with two axes or more: per unit (index of the last axis), whether any input was above
    # the threshold; a unit that never was is dead
    alive: NDArray[np.bool_] | None = None
    samples: int = 0  # the values of each unit


class Stats:
    """Accumulates :class:`ColumnStats` for every transformed column of a run.

    ``function`` is ``"relu"`` or ``"leaky-relu"``; ``threshold`` and ``max_value`` are the knobs the
    values were transformed with, so the counts follow the function's branches in either mode.

    >>> import numpy as np
    >>> from relu_cli.transform import Processed
    >>> stats = Stats("relu")
    >>> x = np.array([-3.0, -1.0, 0.0, 2.0, np.nan])
    >>> stats.add(Processed("arguments", [], {0}, {0: (x, np.maximum(x, 0.0))}))
    >>> print(*stats.blocks(["1"]))
    5 values, 1 NaN
      zeroed, x <= 0       3   60.0%
                     min       max      mean
      input           -3         2      -0.5
      output           0         2       0.5
    """

    def __init__(self, function: str, *, threshold: float = 0.0, max_value: float | None = None) -> None:
        self.function = function
        self.threshold = threshold
        self.max_value = max_value
        self.columns: dict[int, ColumnStats] = {}

    def add(self, batch: Processed) -> None:
        if batch.summary is not None:  # summarised by a worker process
            self.merge(batch.summary)
            return
        if isinstance(batch.arrays, Numbers) and len(batch.arrays) > _MANY and batch.units is None:
            self._add_all(*batch.arrays.matrix())
        else:
            self._add_each(batch)
        for column, missing in batch.missing.items():
            if missing:
                self.columns.setdefault(column, ColumnStats()).missing += missing

    def _add_each(self, batch: Processed) -> None:
        for column, (read, computed) in batch.arrays.items():
            stats = self.columns.setdefault(column, ColumnStats())
            stats.count += int(read.size)
            stats.nan += int(np.count_nonzero(np.isnan(read)))
            stats.below += int(np.count_nonzero(read <= self.threshold))
            if self.max_value is not None:
                stats.capped += int(np.count_nonzero(read >= self.max_value))
            stats.inputs.add(read)
            stats.outputs.add(computed)
            if batch.units is not None:
                if stats.alive is None:
                    stats.alive = np.zeros(batch.units.count, dtype=bool)
                    stats.samples = batch.units.samples
                stats.alive[batch.units.of(np.flatnonzero(~(read <= self.threshold)))] = True

    def _add_all(self, columns: list[int], read: NDArray[np.float64], computed: NDArray[np.float64]) -> None:
        """Many columns at once, a row of ``read`` and ``computed`` each: counted and summed along the
        rows, so that 10,000 columns are not 10,000 rounds of the same numpy calls."""
        nan = np.isnan(read)
        nans = np.count_nonzero(nan, axis=1).tolist()
        below = np.count_nonzero(read <= self.threshold, axis=1).tolist()
        capped = [0] * len(columns)
        if self.max_value is not None:
            capped = np.count_nonzero(read >= self.max_value, axis=1).tolist()
        inputs, outputs = _spreads(read, nan), _spreads(computed, np.isnan(computed))
        for i, column in enumerate(columns):
            stats = self.columns.setdefault(column, ColumnStats())
            stats.count += read.shape[1]
            stats.nan += nans[i]
            stats.below += below[i]
            stats.capped += capped[i]
            stats.inputs.merge(inputs[i])
            stats.outputs.merge(outputs[i])

    def dumps(self) -> bytes:
        """The counts and spreads, for :meth:`merge` in another process."""
        import json  # NaN and ±inf included, as json writes them

        return json.dumps(
            {
                column: [
                    stats.count,
                    stats.nan,
                    stats.below,
                    stats.capped,
                    *_spread(stats.inputs),
                    *_spread(stats.outputs),
                    stats.missing,
                ]
                for column, stats in self.columns.items()
            }
        ).encode()

    def merge(self, data: bytes) -> None:
        """Count in what :meth:`dumps` of a later part of the input gave."""
        import json

        for column, numbers in json.loads(data).items():
            stats = self.columns.setdefault(int(column), ColumnStats())
            stats.count += numbers[0]
            stats.nan += numbers[1]
            stats.below += numbers[2]
            stats.capped += numbers[3]
            stats.inputs.merge(Spread(*numbers[4:8]))
            stats.outputs.merge(Spread(*numbers[8:12]))
            stats.missing += numbers[12]

    def blocks(self, names: list[str], *, named: bool = False, kind: str = "column") -> list[str]:
        """The summary as text, one block of lines per column in column order; ``0 values`` when
        nothing was read.

        ``names`` are the input's column names; each block says which column it is for when ``named``
        (an input with a header) or when several columns were transformed. ``kind`` is what a column is
        called: ``array`` for the arrays of NumPy input.
        """
        if not self.columns:
            return ["0 values"]
        blocks: list[str] = []
        named = named or len(self.columns) > 1
        for column in sorted(self.columns):
            stats = self.columns[column]
            name = names[column] if column < len(names) else str(column + 1)
            head = f"{kind} {name}: " if named else ""
            head += f"{stats.count:,} value" + ("" if stats.count == 1 else "s")
            head += f", {stats.nan:,} NaN" if stats.nan else ""
            lines = [head + (f", {stats.missing:,} missing" if stats.missing else "")]
            branch = "zeroed" if self.function == "relu" else "scaled"
            rows = [(f"{branch}, x <= {_number(self.threshold)}", stats.below, stats.count, "")]
            if self.max_value is not None:
                rows.append((f"capped, x >= {_number(self.max_value)}", stats.capped, stats.count, ""))
            if stats.alive is not None and stats.samples:
                units = stats.alive.size
                dead = int(units - np.count_nonzero(stats.alive))
                label = f"dead units, x <= {_number(self.threshold)} in all {stats.samples:,} samples"
                rows.append((label, dead, units, f" of {units:,} units"))
            width = max(len(row[0]) for row in rows)
            digits = max(7, *(len(f"{row[1]:,}") for row in rows))
            for label, count, whole, of in rows:
                lines.append(f"  {label:<{width}} {count:>{digits},} {_percent(count, whole):>7}{of}")
            lines.extend(_spread_table(stats.inputs, stats.outputs))
            blocks.append("\n".join(lines))
        return blocks


def _spreads(values: NDArray[np.float64], nan: NDArray[np.bool_]) -> list[Spread]:
    """:meth:`Spread.add` of each row at once: minimum, maximum, sum and count of the values not NaN."""
    with np.errstate(invalid="ignore"):  # inf + -inf: the mean is NaN, and no warning is due
        low = np.where(nan, np.inf, values).min(axis=1, initial=np.inf).tolist()
        high = np.where(nan, -np.inf, values).max(axis=1, initial=-np.inf).tolist()
        total = np.where(nan, 0.0, values).sum(axis=1).tolist()
    count = np.count_nonzero(~nan, axis=1).tolist()
    return [Spread(*numbers) for numbers in zip(low, high, total, count)]


def _spread(spread: Spread) -> list[float]:
    return [spread.low, spread.high, spread.total, spread.count]


def _spread_table(inputs: Spread, outputs: Spread) -> list[str]:
    """The min/max/mean lines of a block: each column 10 characters wide, or wider where a number needs
    it, so that a space always separates two numbers (``-1.23457e+08`` is 12 characters).

    >>> for line in _spread_table(Spread(-123456789.0, 123456789.5, 0.5, 2), Spread(0.0, 2.0, 2.0, 2)):
    ...     print(line)
                        min         max      mean
      input    -1.23457e+08 1.23457e+08      0.25
      output              0           2         1
    """
    rows = [("", ["min", "max", "mean"]), ("input", inputs.cells()), ("output", outputs.cells())]
    widths = [max(10, 1 + max(len(cells[i]) for _, cells in rows)) for i in range(3)]
    return [
        f"  {label:<8}" + "".join(f"{cell:>{width}}" for cell, width in zip(cells, widths))
        for label, cells in rows
    ]


def _number(value: float) -> str:
    """Six significant digits, as ``%g``: ``-0.5``, ``3``, ``1e+06``, ``inf``."""
    return f"{value:.6g}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
