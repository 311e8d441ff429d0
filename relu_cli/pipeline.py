"""Processing: the numeric core applied to the selected columns of each batch, with bad data handled as
``--on-error`` says. No terminal, no files: batches in, batches out.

A batch that came as a :class:`~relu_cli.readers.Block` takes the fast path: each numeric column is parsed
and formatted in bulk with orjson (:func:`parse_numbers`, :func:`format_numbers`), giving the same bytes
as the general path, which goes cell by cell. A block with any cell that is not a plain JSON number (an
empty cell, ``+1``, ``.5``, ``nan``, a bad value) goes the general way, so errors, ``--on-error`` and the
lenient number forms are handled in one place.

For a large input, the bulk work on each block's columns (:meth:`Processor.transform_cells`) is given to
worker processes (:mod:`relu_cli.workers`); all the rest, and so every decision, stays here
(:meth:`Processor.run`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .choices import OnError
from .errors import InputError, quoted
from .numbers import format_tokens, parse_cells
from .readers import CHUNK_SIZE, Batch, Block, Deferred, Layout, Piece, parse_number, unquote
from .workers import Job, Workers

#: Input this big is worth starting the worker processes for
BIG_INPUT = CHUNK_SIZE // 2


def format_floats(values: NDArray[np.float64]) -> list[str]:
    """Shortest round-trip text of each value, as Python's ``repr``: ``1.0``, ``-0.001``, ``1e-05``."""
    return list(map(repr, values.tolist()))


# A JSON value that is not a number starts with one of these; without them, orjson reads only numbers.
_NOT_NUMBERS = (b'"', b"[", b"{", b"t", b"f", b"n", b",")  # b",": a cell '1,5' must not read as two


def parse_numbers(cells: bytes) -> NDArray[np.float64] | None:
    """The numbers in ``cells`` (each followed by a line feed), parsed in bulk; None unless every cell is
    a JSON number.

    JSON numbers are a subset of what :func:`~relu_cli.readers.parse_number` accepts, and orjson rounds
    them exactly as ``float()`` does, except that it reads the integer ``-0`` as ``0``: that sign is put
    back here.

    >>> parse_numbers(b"1\\n-2.5\\n1e-05\\n").tolist()
    [1.0, -2.5, 1e-05]
    >>> parse_numbers(b"1\\n+2\\n") is None
    True
    >>> parse_numbers(b"-0\\n0\\n").tolist()
    [-0.0, 0.0]
    >>> parse_numbers(b"1,5\\n2\\n") is None
    True
    """
    import orjson

    if cells.startswith(b"\n") or any(byte in cells for byte in _NOT_NUMBERS):
        return None  # an empty first cell (alone, it would read as []), or a JSON value that is no number
    # With none of those bytes, a JSON array that parses can hold only numbers, one a comma: one a cell.
    try:
        parsed = orjson.loads(b"".join((b"[", cells[:-1].replace(b"\n", b","), b"]")))
    except orjson.JSONDecodeError:
        return None
    values = np.fromiter(parsed, dtype=np.float64, count=len(parsed))
    integer_zeros = [i for i in np.flatnonzero(values == 0).tolist() if type(parsed[i]) is int]
    if integer_zeros:
        texts = cells.split(b"\n")
        for i in integer_zeros:
            if texts[i].lstrip(b" \t").startswith(b"-"):
                values[i] = -0.0
    return values


def format_numbers(values: NDArray[np.float64]) -> bytes:
    """The text :func:`format_floats` gives, each value followed by a line feed, formatted in bulk.

    orjson writes the same shortest round-trip digits as ``repr``, in the same form except for NaN and
    ±inf (``null``) and for 0 < |x| < 1e-4 (``0.00001`` and ``1e-7`` where ``repr`` writes ``1e-05`` and
    ``1e-07``). Those few values are written as NaN, and each ``null`` is then replaced by their ``repr``.

    >>> format_numbers(np.array([1.0, -0.001, 1e-05, -1.5e-05, 1e-07, float("-inf"), 1e16]))
    b'1.0\\n-0.001\\n1e-05\\n-1.5e-05\\n1e-07\\n-inf\\n1e+16\\n'
    """
    import orjson

    values = np.ascontiguousarray(values, dtype=np.float64)
    if not values.size:
        return b""
    odd = ~np.isfinite(values) | ((np.abs(values) < 1e-4) & (values != 0))
    shown = values
    if odd.any():
        shown = values.copy()
        shown[odd] = np.nan
    text = orjson.dumps(shown, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].replace(b",", b"\n") + b"\n"
    if shown is values:
        return text
    parts = text.split(b"null")
    pieces = [b""] * (2 * len(parts) - 1)
    pieces[0::2] = parts
    pieces[1::2] = [repr(value).encode() for value in values[odd].tolist()]
    return b"".join(pieces)


@dataclass
class Tally:
    """What ``--on-error skip|nan`` did, for the report at the end: counts, and the first problem of each
    kind in reading order."""

    skipped: int = 0
    replaced: int = 0
    first_skipped: str | None = None
    first_replaced: str | None = None

    def note(self, problem: InputError, *, replaced: bool) -> None:
        if replaced and self.first_replaced is None:
            self.first_replaced = str(problem)
        elif not replaced and self.first_skipped is None:
            self.first_skipped = str(problem)

    def add(self, later: Tally) -> None:
        """Count in what a later part of the input (done in a worker process) tallied."""
        self.skipped += later.skipped
        self.replaced += later.replaced
        self.first_skipped = self.first_skipped or later.first_skipped
        self.first_replaced = self.first_replaced or later.first_replaced

    def dumps(self) -> bytes:
        import orjson

        return orjson.dumps([self.skipped, self.replaced, self.first_skipped, self.first_replaced])

    @classmethod
    def loads(cls, data: bytes) -> Tally:
        import orjson

        return cls(*orjson.loads(data))


@dataclass
class Processed:
    """A batch after transformation: output fields beside the values they were read as."""

    source: str
    inputs: Sequence[list[str]]  # field values as read (unquoted)
    outputs: Sequence[list[str]]  # raw fields with each transformed, non-empty cell replaced
    lines: Sequence[int]
    transformed: set[int] = field(default_factory=set)  # 0-based indexes of transformed columns
    # per transformed column, the numbers read and computed (missing cells left out), for summaries
    arrays: dict[int, tuple[NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=dict)
    block: Block | None = None  # the outputs as text in the input's layout, when they came from a block
    columns: Columns | None = None  # the outputs in bulk, when they came from a block
    rendered: bytes | None = None  # the outputs as the writer writes them, from a worker process
    # one piece of a long record, with the output fields as cells; every field of it is a value
    piece: Piece | None = None

    def is_transformed(self, column: int) -> bool:
        return self.piece is not None or column in self.transformed


@dataclass
class Computed:
    """A transformed column of a chunk: the value each cell was read as and what it became (NaN where a
    cell is missing, or was bad and replaced), and which cells were bad."""

    read: NDArray[np.float64]
    computed: NDArray[np.float64]
    missing: NDArray[np.intp]  # row indexes of empty or blank cells, passed through as they are
    bad: NDArray[np.intp]  # row indexes of bad values that --on-error nan replaced


@dataclass
class Columns:
    """A chunk of records after transformation, held as columns: every field as read and as written, row
    after row, ``width`` to a row, and the numbers of each transformed column."""

    width: int
    raw: list[bytes]  # the fields as read (no quotes: a chunk in columns has none)
    out: list[bytes]  # the same, each transformed cell replaced by its result's text
    results: dict[int, Computed]

    @property
    def rows(self) -> int:
        return len(self.raw) // self.width

    def column(self, index: int, fields: list[bytes] | None = None) -> list[bytes]:
        return (self.out if fields is None else fields)[index :: self.width]


class Processor:
    """Applies ``function`` to the chosen columns of a stream of batches.

    ``columns`` of None means: every column whose first non-empty value is a number, and always the column
    of a value list (a headerless single column is a list of numbers). A record whose field
    count differs from the layout's is malformed when the input has a header or columns were chosen.

    The fields of a piece of a long record (:class:`~relu_cli.readers.Piece`) are all values, as in a
    value list: no column is decided from them, so nothing is kept per column however wide the record.
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

    def _settle(self, problems: list[InputError], tally: Tally | None = None) -> None:
        """Fail on, or note, the batch's first problem in reading order (columns are worked one by one)."""
        in_order = sorted(problems, key=lambda problem: (problem.line or 0, problem.column or 0))
        if in_order and self.on_error is OnError.fail:
            raise in_order[0]
        tally = self.tally if tally is None else tally
        for problem in in_order:  # with nan, a bad value is replaced; a record of the wrong width is skipped
            tally.note(problem, replaced=self.on_error is OnError.nan and problem.column is not None)

    def _is_numeric(self, column: int, text: str) -> bool:
        """Whether ``column`` is transformed; decided by its first non-empty value unless chosen."""
        known = self.numeric.get(column)
        if known is None and not self.fixed_columns and text.strip(" \t"):
            known = self.numeric[column] = parse_number(text) is not None
        return bool(known)

    def process(self, batch: Batch) -> Processed:
        if batch.piece is not None:
            return self._process_piece(batch, batch.piece)
        if batch.block is not None:
            processed = self._process_block(batch, batch.block)
            if processed is not None:
                return processed
        return self._process_rows(batch)

    def _process_block(self, batch: Batch, block: Block) -> Processed | None:
        """The fast path: each numeric column parsed, computed and formatted in bulk, its odd cells
        (missing, ``nan``, ``+1``, bad) found and handled at a cost that grows with their number. None
        when a column is still undecided; nothing is decided or counted before that is known."""
        numeric = self._plan(block)
        if numeric is None:
            return None
        bulk = self._bulk(block, _chosen(numeric), batch.source)
        drop = self._drop(bulk, self.tally)
        if not self.fixed_columns:
            self.numeric.update(numeric)
        return bulk.processed(batch.source, drop)

    def _drop(self, bulk: _Bulk, tally: Tally) -> NDArray[np.bool_]:
        """The records of ``bulk`` that are not written, as ``--on-error`` says (with ``fail``, the first
        bad value is raised), tallied in ``tally``."""
        self._settle(bulk.problems, tally)
        if self.on_error is OnError.nan:
            tally.replaced += len(bulk.problems)
            return bulk.blank
        tally.skipped += int(np.count_nonzero(bulk.bad))
        return bulk.blank | bulk.bad

    def _bulk(self, block: Block, chosen: list[int], source: str) -> _Bulk:
        """The columns ``chosen`` of ``block`` transformed, and every bad value found; decides nothing and
        counts nothing, so worker processes can do it too."""
        width = block.width
        raw = block.fields()
        rows = len(raw) // width
        lines = np.arange(block.first_line, block.first_line + rows)
        out = raw.copy()
        results: dict[int, Computed] = {}
        problems: list[InputError] = []
        blank = np.zeros(rows, dtype=bool)  # blank lines of a single column: no records
        bad = np.zeros(rows, dtype=bool)  # records with a bad value, dropped unless --on-error nan
        for column in chosen:
            cells = raw[column::width]
            parsed = parse_cells(b"\n".join([*cells, b""]))
            computed = self.function(parsed.values)
            tokens = format_tokens(computed)
            for index in parsed.missing.tolist():
                tokens[index] = cells[index]
            out[column::width] = tokens
            if width == 1:
                blank[parsed.missing] = True
            for index in parsed.bad.tolist():
                problems.append(
                    InputError(
                        f"{quoted(cells[index].decode())} is not a number",
                        source=source,
                        line=int(lines[index]),
                        column=column + 1,
                    )
                )
            bad[parsed.bad] = True
            results[column] = Computed(parsed.values, computed, parsed.missing, parsed.bad)
        return _Bulk(Columns(width, raw, out, results), lines, problems, blank, bad)

    def work(self, render: Callable[[Processed], bytes | None]) -> Callable[[bytes], bytes | None]:
        """What a worker process does with a job (:meth:`job`): the block transformed and given to
        ``render``; None when it holds a bad value (the main process decides what becomes of it) or
        ``render`` cannot do it in bulk."""

        def run(job: bytes) -> bytes | None:
            header, data = job.split(b"\n", 1)
            first_line, delimiter, *chosen = header.split(b" ")
            block = Block(data, self.layout.width, bytes.fromhex(delimiter.decode()), int(first_line))
            bulk = self._bulk(block, [int(column) for column in chosen], self.layout.source)
            if bulk.problems and self.on_error is OnError.fail:
                return None
            tally = Tally()
            rendered = render(bulk.processed(self.layout.source, self._drop(bulk, tally)))
            return None if rendered is None else b"".join((tally.dumps(), b"\n", rendered))

        return run

    @staticmethod
    def job(block: Block, chosen: list[int]) -> bytes:
        """A block and its columns to transform, as bytes for a worker process."""
        header = " ".join([str(block.first_line), block.delimiter.hex(), *map(str, chosen)]).encode()
        return b"".join((header, b"\n", block.data))

    def _plan(self, block: Block, *, decided: bool = False) -> dict[int, bool] | None:
        """Whether each column of ``block`` is transformed, deciding a column by its first cell if need be
        (unless ``decided``: then None unless every column is known). None also when the first cell of an
        undecided column is empty, or when no column is transformed: then the general path is needed."""
        numeric: dict[int, bool] = {}
        for column in range(block.width):
            known = self.numeric.get(column)
            if known is None and not self.fixed_columns:
                first = block.first_cell(column)
                if decided or not first.strip(" \t"):
                    return None  # the column is decided by a later cell: let the general path find it
                known = parse_number(first) is not None
            numeric[column] = bool(known)
        return numeric if any(numeric.values()) else None  # with none, a one-column block may hold blanks

    def _process_piece(self, batch: Batch, piece: Piece) -> Processed:
        """Some fields of a long record, each a value: parsed in bulk when all are plain JSON numbers, else
        one by one. A bad value is named by its line and its field number in the whole record; ``skip``
        drops that value (the record's earlier pieces may already be written) and counts it."""
        line = batch.lines[0]
        read = parse_numbers(piece.cells) if piece.cells else np.empty(0)
        if read is not None:
            computed = self.function(read)
            formatted = format_numbers(computed)
            done = Piece(formatted, piece.first_field, piece.ends)
            return Processed(
                batch.source,
                Deferred(lambda: [piece.cells.decode().split("\n")[:-1]]),
                Deferred(lambda: [formatted.decode().split("\n")[:-1]]),
                [line],
                {0},
                {0: (read, computed)},
                piece=done,
            )
        raw = batch.rows[0]
        inputs = [unquote(field) for field in raw]
        outputs = list(raw)
        cells: list[int] = []
        values: list[float] = []
        bad: set[int] = set()
        problems: list[InputError] = []
        for i, text in enumerate(inputs):
            if not text.strip(" \t"):
                continue  # missing stays missing
            value = parse_number(text)
            if value is None:
                column = piece.first_field + i + 1
                message = f"{quoted(text)} is not a number"
                problems.append(InputError(message, source=batch.source, line=line, column=column))
                if self.on_error is not OnError.nan:
                    bad.add(i)
                    continue
                self.tally.replaced += 1
                value = float("nan")
            cells.append(i)
            values.append(value)
        self._settle(problems)
        read = np.array(values, dtype=np.float64)
        computed = self.function(read)
        for i, text in zip(cells, format_floats(computed)):
            outputs[i] = text
        if bad:
            self.tally.skipped += len(bad)
            inputs = [value for i, value in enumerate(inputs) if i not in bad]
            outputs = [value for i, value in enumerate(outputs) if i not in bad]
        arrays = {0: (read, computed)} if cells else {}
        done = Piece("".join([output + "\n" for output in outputs]).encode(), piece.first_field, piece.ends)
        return Processed(batch.source, [inputs], [outputs], [line], {0}, arrays, piece=done)

    def _process_rows(self, batch: Batch) -> Processed:
        """The general path, cell by cell."""
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
                        f"{quoted(text)} is not a number",
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
        lines: Sequence[int] = batch.lines
        if bad_rows:
            self.tally.skipped += len(bad_rows)
            for column, (read, computed) in arrays.items():
                kept = np.array([i not in bad_rows for i in rows_of[column]], dtype=bool)
                arrays[column] = (read[kept], computed[kept])
            keep = [i for i in range(len(rows)) if i not in bad_rows]
            inputs = [inputs[i] for i in keep]
            outputs = [outputs[i] for i in keep]
            lines = [batch.lines[i] for i in keep]
        return Processed(batch.source, inputs, outputs, lines, transformed, arrays)

    def run(
        self, batches: Iterable[Batch], workers: Workers, *, ready: Callable[[], bool], big: int = BIG_INPUT
    ) -> Iterator[Processed]:
        """Each batch processed, in order, with ``workers`` doing the bulk work as :meth:`ahead` says.

        A bad record stops the stream as it would a line-by-line filter, whatever the read size: the
        records before it in its batch are still given, then its error is raised.
        """
        for batch, done in self.ahead(batches, workers, ready=ready, big=big):
            if done is not None:
                yield done
                continue
            try:
                processed = self.process(batch)
            except InputError as error:
                good = sum(line < (error.line or 0) for line in batch.lines)
                if good:
                    yield self.process(Batch(batch.source, batch.rows[:good], batch.lines[:good]))
                raise
            yield processed

    def ahead(
        self, batches: Iterable[Batch], workers: Workers, *, ready: Callable[[], bool], big: int = BIG_INPUT
    ) -> Iterator[tuple[Batch, Processed | None]]:
        """The batches in order, each with what ``workers`` made of it, or with None: then it is for
        :meth:`process`, now.

        A block goes to the workers when its columns are all decided, once the blocks read reach ``big``
        bytes: a small input is done before the workers would have started. Up to two blocks a worker are
        in work ahead of the one given back; when the input has nothing more ready (``ready()`` is
        false), all are given back before the next read waits, so a slow stream's output is not held
        back. A read error comes after the batches before it.
        """
        in_work: deque[_InWork] = deque()
        seen = 0  # bytes in the blocks so far
        iterator = iter(batches)
        while True:
            try:
                batch = next(iterator, None)
            except Exception:
                while in_work:
                    yield self._given_back(in_work.popleft(), workers)
                raise
            if batch is None:
                break
            block, numeric = batch.block, None
            seen += len(block.data) if block is not None else 0
            if block is not None and workers.count and seen >= big:
                numeric = self._plan(block, decided=True)
            if block is None or numeric is None:
                while in_work:
                    yield self._given_back(in_work.popleft(), workers)
                yield batch, None
                continue
            in_work.append(_InWork(batch, numeric, workers.submit(self.job(block, _chosen(numeric)))))
            while in_work and (len(in_work) > 2 * workers.count or not ready()):
                yield self._given_back(in_work.popleft(), workers)
        while in_work:
            yield self._given_back(in_work.popleft(), workers)

    def _given_back(self, item: _InWork, workers: Workers) -> tuple[Batch, Processed | None]:
        """A block as the workers rendered it; or, when it holds a bad value or could not be rendered in
        bulk, the batch and None: then :meth:`process` does it here."""
        result = workers.result(item.job)
        if result is None:
            return item.batch, None
        tally, rendered = result.split(b"\n", 1)
        self.tally.add(Tally.loads(tally))
        if not self.fixed_columns:
            self.numeric.update(item.numeric)
        transformed = set(_chosen(item.numeric))
        return item.batch, Processed(item.batch.source, [], [], [], transformed, {}, rendered=rendered)


@dataclass
class _InWork:
    """A block given to the workers, as one job."""

    batch: Batch
    numeric: dict[int, bool]
    job: Job


def _chosen(numeric: dict[int, bool]) -> list[int]:
    return [column for column, yes in numeric.items() if yes]


@dataclass
class _Bulk:
    """A block transformed in bulk, before ``--on-error`` has had its say."""

    columns: Columns
    lines: NDArray[np.int64]
    problems: list[InputError]  # every bad value, column by column
    blank: NDArray[np.bool_]  # blank lines of a single column: no records
    bad: NDArray[np.bool_]  # records with a bad value

    def processed(self, source: str, drop: NDArray[np.bool_]) -> Processed:
        """The records but those in ``drop``, with the numbers read and computed of each transformed
        column (missing cells left out) for summaries."""
        columns, lines = self.columns, self.lines
        arrays = {}
        for column, result in columns.results.items():
            present = ~drop
            present[result.missing] = False
            arrays[column] = (result.read[present], result.computed[present])
        if drop.any():
            keep = ~drop
            fields_kept = np.repeat(keep, columns.width).tolist()
            results = {
                column: Computed(
                    result.read[keep],
                    result.computed[keep],
                    _renumber(result.missing, keep),
                    _renumber(result.bad, keep),
                )
                for column, result in columns.results.items()
            }
            columns = Columns(
                columns.width,
                list(compress(columns.raw, fields_kept)),
                list(compress(columns.out, fields_kept)),
                results,
            )
            lines = lines[keep]
        final = columns
        return Processed(
            source,
            Deferred(lambda: _decoded_rows(final, final.raw)),
            Deferred(lambda: _decoded_rows(final, final.out)),
            lines.tolist(),
            set(columns.results),
            arrays,
            columns=columns,
        )


def _renumber(indexes: NDArray[np.intp], keep: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Row indexes after the rows not in ``keep`` are gone (those among ``indexes`` are dropped)."""
    after = np.cumsum(keep) - 1
    return after[indexes[keep[indexes]]].astype(np.intp)


def _decoded_rows(columns: Columns, fields: list[bytes]) -> list[list[str]]:
    width = columns.width
    texts = [field.decode() for field in fields]
    return [texts[start : start + width] for start in range(0, len(texts), width)]
