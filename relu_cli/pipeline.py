"""Processing: the numeric core applied to the selected columns of each batch, with bad data handled as
``--on-error`` says. No terminal, no files: batches in, batches out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InputError
from .readers import Batch, Layout, parse_number, unquote


class OnError(str, Enum):
    """What to do with a value that is not a number or a record with the wrong number of fields."""

    fail = "fail"
    skip = "skip"
    nan = "nan"


def format_floats(values: NDArray[np.float64]) -> list[str]:
    """Shortest round-trip text of each value, as Python's ``repr``: ``1.0``, ``-0.001``, ``1e-05``."""
    return list(map(repr, values.tolist()))


@dataclass
class Tally:
    """What ``--on-error skip|nan`` did, for the report at the end."""

    skipped: int = 0
    replaced: int = 0
    first_problem: str | None = None

    def note(self, problem: InputError) -> None:
        if self.first_problem is None:
            self.first_problem = str(problem)


@dataclass
class Processed:
    """A batch after transformation: output fields beside the values they were read as."""

    source: str
    inputs: list[list[str]]  # field values as read (unquoted)
    outputs: list[list[str]]  # raw fields with each transformed, non-empty cell replaced
    lines: list[int]
    transformed: set[int] = field(default_factory=set)  # 0-based indexes of transformed columns
    # per transformed column, the numbers read and computed (missing cells left out), for summaries
    arrays: dict[int, tuple[NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=dict)


class Processor:
    """Applies ``function`` to the chosen columns of a stream of batches.

    ``columns`` of None means: every column whose first non-empty value is a number, and always the column
    of a value list (a headerless single column is a list of numbers). A record whose field
    count differs from the layout's is malformed when the input has a header or columns were chosen.
    """

    def __init__(
        self,
        layout: Layout,
        function: Callable[[ArrayLike], NDArray[np.float64]],
        *,
        columns: list[int] | None,
        on_error: OnError,
        tally: Tally,
    ) -> None:
        self.layout = layout
        self.function = function
        self.on_error = on_error
        self.tally = tally
        self.strict_width = layout.header is not None or columns is not None
        self.numeric: dict[int, bool] = {i: True for i in columns} if columns is not None else {}
        if layout.value_list:
            self.numeric.setdefault(0, True)  # a list of numbers: anything else in it is bad data
        self.fixed_columns = columns is not None

    def _settle(self, problems: list[InputError]) -> None:
        """Fail on, or note, the batch's first problem in reading order (columns are worked one by one)."""
        if problems:
            first = min(problems, key=lambda problem: (problem.line or 0, problem.column or 0))
            if self.on_error is OnError.fail:
                raise first
            self.tally.note(first)

    def _is_numeric(self, column: int, text: str) -> bool:
        """Whether ``column`` is transformed; decided by its first non-empty value unless chosen."""
        known = self.numeric.get(column)
        if known is None and not self.fixed_columns and text.strip(" \t"):
            known = self.numeric[column] = parse_number(text) is not None
        return bool(known)

    def process(self, batch: Batch) -> Processed:
        rows, width = batch.rows, self.layout.width
        bad_rows: set[int] = set()
        problems: list[InputError] = []
        if self.strict_width:
            for i, row in enumerate(rows):
                if len(row) != width:
                    problem = InputError(
                        f"expected {width} fields, found {len(row)}", source=batch.source, line=batch.lines[i]
                    )
                    problems.append(problem)
                    bad_rows.add(i)
        inputs = [[unquote(raw) for raw in row] for row in rows]
        outputs = [list(row) for row in rows]
        transformed: set[int] = set()
        arrays: dict[int, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
        rows_of: dict[int, list[int]] = {}
        widest = max(map(len, rows), default=0)
        for column in range(widest):
            cells: list[int] = []
            values: list[float] = []
            for i, row in enumerate(inputs):
                if column >= len(row) or i in bad_rows or not self._is_numeric(column, row[column]):
                    continue
                text = row[column]
                if not text.strip(" \t"):
                    continue  # missing stays missing
                value = parse_number(text)
                if value is None:
                    problem = InputError(
                        f"{text!r} is not a number",
                        source=batch.source,
                        line=batch.lines[i],
                        column=column + 1,
                    )
                    problems.append(problem)
                    if self.on_error is OnError.nan:
                        self.tally.replaced += 1
                        value = float("nan")
                    else:
                        bad_rows.add(i)
                        continue
                cells.append(i)
                values.append(value)
            if self.numeric.get(column):
                transformed.add(column)
            if not cells:
                continue
            read = np.array(values, dtype=np.float64)
            computed = self.function(read)
            for i, text in zip(cells, format_floats(computed)):
                if i not in bad_rows:
                    outputs[i][column] = text
            arrays[column] = (read, computed)
            rows_of[column] = cells
        self._settle(problems)
        if bad_rows:
            self.tally.skipped += len(bad_rows)
            for column, (read, computed) in arrays.items():
                kept = np.array([i not in bad_rows for i in rows_of[column]], dtype=bool)
                arrays[column] = (read[kept], computed[kept])
            keep = [i for i in range(len(rows)) if i not in bad_rows]
            inputs = [inputs[i] for i in keep]
            outputs = [outputs[i] for i in keep]
            lines = [batch.lines[i] for i in keep]
        else:
            lines = batch.lines
        return Processed(batch.source, inputs, outputs, lines, transformed, arrays)

    def run(self, batches: Iterator[Batch]) -> Iterator[Processed]:
        for batch in batches:
            yield self.process(batch)
