"""Transform: the numeric core applied to the chosen columns of each batch, with bad data handled as
``--on-error`` says. No terminal, no files, no processes: batches in, processed batches out.

A batch that came as a :class:`~relu_cli.chunks.Block` of plain lines is transformed in bulk into
:class:`Columns`: each numeric column parsed by :func:`~relu_cli.numbers.parse_cells`, whose odd cells
(missing, ``nan``, ``+1``, bad) cost in proportion to their number, computed by the core, and formatted by
:func:`~relu_cli.numbers.format_lines` or :func:`~relu_cli.numbers.format_tokens`; writers assemble
their format from the columns. Other batches (quoted fields across lines, records of varying width, JSON
input, pieces of a long record) are split into records first, their numbers parsed and computed in bulk
all the same, and end in the same :class:`Columns`: every writer has one kind of chunk to write.

A block can also be done elsewhere, as bytes in and bytes out: :meth:`Processor.job` makes the job and
:meth:`Processor.work` does it (transformed and rendered, ``--on-error skip`` and ``nan`` applied and
tallied); the command gives jobs to worker processes (:meth:`relu_cli.parallel.Workers.map`). A block
with a bad value under ``fail`` comes back to be done here, so every decision is the main process's
(:meth:`Processor.run`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain, compress
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .choices import OnError
from .chunks import Batch, Block, Delimited, JsonField, Layout, Piece, join, unquote, unquote_fields
from .errors import InputError, UsageError, quoted
from .numbers import (
    BLANKS,
    NULL_VALUES,
    format_lines,
    format_tokens,
    is_missing,
    parse_cells,
    parse_number,
)

if TYPE_CHECKING:
    from .input.npy import Units


_BLANK_BYTES = BLANKS.encode()
_NO_ROWS = np.empty(0, dtype=np.intp)  # the rows of a column that has no missing or bad cell
_NO_ROWS.flags.writeable = False
_PIECE = b"piece "  # the start of a job that is a piece of a long record


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
    """A batch after transformation: its records in :attr:`columns` (or as a worker process rendered and
    summarised them), and the numbers read and computed of each transformed column, for summaries."""

    source: str
    lines: Sequence[int]  # the line of each record
    transformed: set[int] = field(default_factory=set)  # 0-based indexes of transformed columns
    # per transformed column, the numbers read and computed (missing cells left out), for summaries
    arrays: Mapping[int, tuple[NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=dict)
    missing: dict[int, int] = field(default_factory=dict)  # per transformed column, its missing cells
    columns: Columns | None = None  # the records, but for a chunk a worker process rendered
    rendered: bytes | None = None  # the records as the writer writes them, from a worker process
    summary: bytes | None = None  # what a worker process summarised of the numbers, for --stats
    # where the fields stand in their record when they are part of a record too long to hold at once
    part: Piece | None = None
    units: Units | None = None  # where the values of an array's chunk sit along its last axis


@dataclass
class Computed:
    """A transformed column of a chunk: the value each cell was read as and what it became (NaN where a
    cell is missing, or was bad and replaced), and which cells were bad."""

    read: NDArray[np.float64]
    computed: NDArray[np.float64]
    missing: NDArray[np.intp]  # row indexes of missing cells (is_missing), passed through as they are
    bad: NDArray[np.intp]  # row indexes of bad values that --on-error nan replaced
    # a value list's cells of a column found to hold text, passed through as they are
    passed: NDArray[np.intp] = field(default_factory=lambda: _NO_ROWS)


class _Results(Mapping[int, Computed]):
    """The :class:`Computed` of each chosen column of a chunk, made only when asked for: a chunk may have
    10,000 columns, and text output asks for none. ``read`` and ``computed`` have a row for each chosen
    column, in the order of ``chosen``; ``missing`` and ``failed`` hold the row indexes of a column's
    missing and bad cells, for the columns that have any."""

    def __init__(
        self,
        chosen: list[int],
        read: NDArray[np.float64],
        computed: NDArray[np.float64],
        missing: dict[int, list[int]],
        failed: dict[int, list[int]],
    ) -> None:
        self._numbers = Numbers(chosen, read, computed)
        self._missing, self._failed = missing, failed

    def __getitem__(self, column: int) -> Computed:
        read, computed = self._numbers[column]
        return Computed(
            read,
            computed,
            np.array(self._missing[column], dtype=np.intp) if column in self._missing else _NO_ROWS,
            np.array(self._failed[column], dtype=np.intp) if column in self._failed else _NO_ROWS,
        )

    def __iter__(self) -> Iterator[int]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def numbers(self) -> Numbers:
        """Each column's numbers as read and as computed."""
        return self._numbers


class Numbers(Mapping[int, tuple[NDArray[np.float64], NDArray[np.float64]]]):
    """:meth:`_Results.numbers`: what ``--stats`` summarises of each column, taken out only when asked
    for, or for all columns at once (:meth:`matrix`): a row of ``read`` and ``computed`` for each column of
    ``chosen``, in its order."""

    def __init__(self, chosen: list[int], read: NDArray[np.float64], computed: NDArray[np.float64]) -> None:
        self._chosen, self._read, self._computed = chosen, read, computed

    @cached_property
    def _position(self) -> dict[int, int]:
        return {column: k for k, column in enumerate(self._chosen)}

    def __getitem__(self, column: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        k = self._position[column]
        return self._read[k], self._computed[k]

    def __iter__(self) -> Iterator[int]:
        return iter(self._chosen)

    def __len__(self) -> int:
        return len(self._chosen)

    def matrix(self) -> tuple[list[int], NDArray[np.float64], NDArray[np.float64]]:
        """The columns, and their numbers as read and as computed, a row for each column."""
        return list(self._chosen), self._read, self._computed


class Columns:
    """A chunk of records after transformation, held as columns: every field as read (:attr:`raw`, quotes
    and all) and as written (:attr:`out`, each transformed cell replaced by its result's text), row after
    row, ``width`` to a row, and the numbers of each transformed column; ``quoted`` when a field may hold
    quotes.

    With ``width`` 1, the fields may be given as lines of text instead of a list: they are split only if a
    writer asks for them one by one, and :meth:`out_lines` is then the text as given. Wider lines may be
    given as :class:`~relu_cli.chunks.Delimited` pieces: a column of its own (:meth:`column`) and whole
    lines (:meth:`out_joined`) are then taken without splitting every field.

    Records of the general kind add what plain lines do not have: ``lengths``, each row's count of fields
    when the rows differ in it (a row's fields are its first ones, the rest empty stand-ins); ``ends``, for
    a value list whose records hold several values (one a row here), whether each value ends its record;
    and ``tokens``, for JSON input, each field as the JSON value it was read from, which JSON output
    writes back for a field it does not transform.
    """

    def __init__(
        self,
        width: int,
        raw: list[bytes] | bytes | Delimited,
        out: list[bytes] | bytes | Delimited | Callable[[], bytes | Delimited],
        results: Mapping[int, Computed],
        quoted: bool = False,
        *,
        lengths: list[int] | None = None,
        ends: list[bool] | None = None,
        tokens: list[bytes] | None = None,
    ) -> None:
        self.width = width
        self.results = results
        self.quoted = quoted
        self.lengths = lengths
        self.ends = ends
        self.tokens = tokens
        self._raw = raw
        self._out_given = out

    @cached_property
    def _out(self) -> list[bytes] | bytes | Delimited:
        """The fields as written; given as the function that makes them, made when first asked for: a
        writer that makes its text from the numbers needs none."""
        return self._out_given() if callable(self._out_given) else self._out_given

    @cached_property
    def raw(self) -> list[bytes]:
        return _fields(self._raw)

    @cached_property
    def out(self) -> list[bytes]:
        return _fields(self._out)

    def taken(self, first: int, last: int) -> tuple[list[bytes], list[bytes]]:
        """The fields as read and as written of the first ``first`` rows and the last ``last`` ones
        (``width`` 1): given as lines of text, only those lines are split off.

        >>> Columns(1, b"a\\nb\\nc\\nd\\n", b"1\\n2\\n3\\n4\\n", {}).taken(1, 2)
        ([b'a', b'c', b'd'], [b'1', b'3', b'4'])
        """

        def take(given: list[bytes] | bytes | Delimited, name: str) -> list[bytes]:
            if not isinstance(given, bytes) or name in self.__dict__:  # a list, or made one
                fields: list[bytes] = getattr(self, name)
                return fields[:first] + fields[len(fields) - last :]
            head = given.split(b"\n", first)[:first] if first else []
            return head + (given.rsplit(b"\n", last + 1)[1:-1] if last else [])

        return take(self._raw, "raw"), take(self._out, "out")

    def column(self, column: int) -> list[bytes]:
        """The fields of one column as read."""
        if isinstance(self._raw, Delimited) and "raw" not in self.__dict__:
            return self._raw.column(column)
        return self.raw[column :: self.width]

    def out_column(self, column: int) -> list[bytes]:
        """The fields of one column as written."""
        if isinstance(self._out, Delimited) and "out" not in self.__dict__:
            return self._out.column(column)
        return self.out[column :: self.width]

    def out_delimited(self) -> Delimited | None:
        """The fields as written, when they are held as :class:`~relu_cli.chunks.Delimited` records."""
        return self._out if isinstance(self._out, Delimited) else None

    def out_joined(self, delimiter: bytes) -> bytes | None:
        """The fields as written, a row a line joined by ``delimiter``, when they are held so that no row
        need be split into fields (as :class:`~relu_cli.chunks.Delimited` pieces); else None."""
        return self._out.joined(delimiter) if isinstance(self._out, Delimited) else None

    def holds(self, text: bytes) -> bool:
        """Whether a field as read holds ``text``."""
        if isinstance(self._raw, Delimited):
            return text != self._raw.delimiter and text in self._raw.joined(self._raw.delimiter)
        return text in self.raw_lines()

    def out_lines(self) -> bytes:
        """The fields as written, each on a line of its own."""
        return self._out if isinstance(self._out, bytes) else join([*self.out, b""], b"\n")

    def raw_lines(self) -> bytes:
        """The fields as read, each on a line of its own."""
        return self._raw if isinstance(self._raw, bytes) else join([*self.raw, b""], b"\n")

    @property
    def rows(self) -> int:
        if self.lengths is not None:
            return len(self.lengths)
        if self.results:  # each transformed column has a number for every row
            return int(next(iter(self.results.values())).computed.size)
        return len(self.raw) // self.width

    def values(self, fields: list[bytes]) -> list[bytes]:
        """``fields`` (of this chunk) as values: each quoted one unquoted."""
        if not self.quoted:
            return fields
        return unquote_fields(fields)

    def by_row(self, fields: list[bytes]) -> list[list[bytes]]:
        """``fields`` (of this chunk, ``width`` to a row) split into rows, each with its own fields only.

        >>> fields = [b"1", b"2", b"3", b""]
        >>> Columns(2, fields, fields, {}, lengths=[2, 1]).by_row(fields)
        [[b'1', b'2'], [b'3']]
        """
        width = self.width
        lengths = self.lengths or [width] * (len(fields) // width)
        return [fields[row * width : row * width + length] for row, length in enumerate(lengths)]


def stacked(results: Mapping[int, Computed]) -> tuple[list[int], NDArray[np.float64], NDArray[np.float64]]:
    """The columns of ``results``, and their numbers as read and as computed, a row for each column."""
    if isinstance(results, _Results):
        return results.numbers().matrix()
    order = list(results)
    if not order:
        return [], np.empty((0, 0)), np.empty((0, 0))
    read = np.stack([results[column].read for column in order])
    return order, read, np.stack([results[column].computed for column in order])


def _fields(given: list[bytes] | bytes | Delimited) -> list[bytes]:
    """Fields given as a list, as lines of text, or as delimited pieces."""
    if isinstance(given, Delimited):
        return given.fields()
    return given if isinstance(given, list) else given.split(b"\n")[:-1]


def process_values(
    source: str,
    values: NDArray[np.float64],
    function: Callable[[ArrayLike], NDArray[np.float64]],
    *,
    key: int = 0,
    first: int = 1,
    units: Units | None = None,
    outputs: bool = True,
    inputs: bool = True,
) -> Processed:
    """A chunk of numbers already read (from an array) as a value list: each computed, and written as text
    for the formats that need it, the results when ``outputs`` and the values read as well when ``inputs``.
    Its numbers are summarised under ``key``; ``first`` is the 1-based place of its first value."""
    computed = function(values)
    raw = format_lines(values) if inputs else b""
    out = format_lines(computed) if outputs else b""
    columns = Columns(1, raw, out, {0: Computed(values, computed, _NO_ROWS, _NO_ROWS)})
    places = range(first, first + values.size)
    return Processed(source, places, {0}, {key: (values, computed)}, columns=columns, units=units)


class Processor:
    """Applies ``function`` to the chosen columns of a stream of batches.

    ``columns`` of None means: every column whose first non-missing value is a number, and always the
    column of a value list (a headerless single column is a list of numbers). A record whose field
    count differs from the layout's is malformed when the input has a header or columns were chosen.

    A missing value — empty, blank, or one of ``nulls`` (:func:`~relu_cli.numbers.is_missing`) — passes
    through as written, in bulk and record by record alike; JSON output writes it ``null`` (an empty value
    of JSON input as the value it was).

    The fields of a piece of a long record (:class:`~relu_cli.chunks.Piece`) are all values, as in a
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
        nulls: Collection[str] = NULL_VALUES,
    ) -> None:
        self.layout = layout
        self.nulls = frozenset(nulls)
        self.function = function
        self.on_error = on_error
        self.tally = tally
        self.strict_width = layout.header is not None or columns is not None
        self.numeric: dict[int, bool] = {i: True for i in columns} if columns is not None else {}
        if layout.value_list:
            self.numeric.setdefault(0, True)  # a list of numbers: anything else in it is bad data
        self.fixed_columns = columns is not None
        # _numeric_columns of each width, once none of those columns is left to decide
        self._settled: dict[int, tuple[dict[int, bool], list[int]] | None] = {}
        self._spans: tuple[list[int], str] | None = None  # the columns last given to a worker, as spans

    def _raise_or_tally(self, problems: list[InputError], tally: Tally | None = None) -> None:
        """Fail on, or note, the batch's first problem in reading order (columns are worked one by one)."""
        in_order = sorted(problems, key=lambda problem: (problem.line or 0, problem.column or 0))
        if in_order and self.on_error is OnError.fail:
            raise in_order[0]
        tally = self.tally if tally is None else tally
        for problem in in_order:  # with nan, a bad value is replaced; a record of the wrong width is skipped
            tally.note(problem, replaced=self.on_error is OnError.nan and problem.column is not None)

    def _is_numeric(self, column: int, text: str) -> bool:
        """Whether ``column`` is transformed; decided by its first non-missing value unless chosen."""
        known = self.numeric.get(column)
        if known is None and not self.fixed_columns and not is_missing(text, self.nulls):
            known = self.numeric[column] = parse_number(text) is not None
        return bool(known)

    def process(self, batch: Batch) -> Processed:
        if batch.piece is not None:
            return self._process_piece(batch)
        if batch.block is not None:
            processed = self._process_block(batch, batch.block)
        else:
            processed = self._process_records(batch)
        return processed if processed is not None else self._process_rows(batch)

    def _process_records(self, batch: Batch) -> Processed | None:
        """Records of the layout's width (quoted fields across lines, JSON input) in bulk, as a block's
        lines are; None when a record differs in width or a column is still undecided."""
        rows, width = batch.rows, self.layout.width
        if not rows or not width or any(len(row) != width for row in rows):
            return None
        decision = self._numeric_columns(width, lambda column: unquote(rows[0][column]))
        if decision is None:
            return None
        numeric, chosen = decision
        fields = [field for row in rows for field in row]
        try:
            raw = [field.encode() for field in fields]
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape, to be named as it is: one by one
            return None
        has_quotes = b'"' in b"".join(raw)
        bulk = self._in_bulk(
            width, raw, has_quotes, batch.lines, chosen, batch.source, tokens=_tokens(fields)
        )
        drop = self._drop(bulk, self.tally)
        if not self.fixed_columns:
            self.numeric.update(numeric)
        return bulk.processed(batch.source, drop)

    def _process_block(self, batch: Batch, block: Block) -> Processed | None:
        """The fast path: each numeric column parsed, computed and formatted in bulk, its odd cells
        (missing, ``nan``, ``+1``, bad) found and handled at a cost that grows with their number. None
        when a column is still undecided; nothing is decided or counted before that is known."""
        decision = self._numeric_columns(block.width, block.first_cell)
        if decision is None:
            return None
        numeric, chosen = decision
        bulk = self._bulk(block, chosen, batch.source)
        drop = self._drop(bulk, self.tally)
        if not self.fixed_columns:
            self.numeric.update(numeric)
        return bulk.processed(batch.source, drop)

    def _drop(self, bulk: _Bulk, tally: Tally) -> NDArray[np.bool_]:
        """The records of ``bulk`` that are not written, as ``--on-error`` says (with ``fail``, the first
        bad value is raised), tallied in ``tally``."""
        self._raise_or_tally(bulk.problems, tally)
        if self.on_error is OnError.nan:
            tally.replaced += len(bulk.problems)
            return bulk.blank
        tally.skipped += int(np.count_nonzero(bulk.bad))
        return bulk.blank | bulk.bad

    def _bulk(self, block: Block, chosen: list[int], source: str) -> _Bulk:
        """The columns ``chosen`` of ``block`` transformed, and every bad value found; decides nothing and
        counts nothing, so worker processes can do it too."""
        fields: list[bytes] | bytes | Delimited = block.data
        if block.width > 1:
            # every column, or inner ones only: taken without splitting the lines into fields
            whole = len(chosen) == block.width or all(
                Delimited.inner(block.width, column) for column in chosen
            )
            fields = block.delimited() if whole else block.fields()
        return self._in_bulk(block.width, fields, block.quoted, block.lines(), chosen, source)

    def _in_bulk(
        self,
        width: int,
        fields: list[bytes] | bytes | Delimited,
        has_quotes: bool,
        lines: int | list[int],
        chosen: list[int],
        source: str,
        *,
        tokens: list[bytes] | None = None,
    ) -> _Bulk:
        """:meth:`_bulk` of ``fields``, row after row, given as :class:`Columns` takes them (with ``width``
        1, as lines of text; as delimited lines when all columns or only inner ones are chosen): of plain
        lines, numbered from the line ``lines``; or of records (their ``lines`` given), whose fields may hold
        line feeds (within quotes) and of which none is blank: a blank field is a missing value."""
        from_records = isinstance(lines, list)
        raw = fields if isinstance(fields, list) else None  # lines as text: split only if need be
        # the cells of every chosen column in one run, parsed and computed at once however many columns
        # there are: row after row when all are chosen, else column after column
        everything = len(chosen) == width
        cells: list[bytes] | None
        if isinstance(fields, Delimited):  # every cell of the lines, or the pieces of inner columns
            cells = None if everything else list(chain.from_iterable(map(fields.column, chosen)))
        elif raw is None or everything:
            cells = raw
        else:
            cells = []
            for column in chosen:
                cells += raw[column::width]
        if cells is not None:
            joined = join([*cells, b""], b"\n")
        elif isinstance(fields, Delimited):  # lines of text: a cell a line once delimiters are line feeds
            joined = fields.joined(b"\n")
        else:
            assert isinstance(fields, bytes)
            joined = fields
        as_read = cells  # the cells, quotes and all: a missing one is written back as it was read
        if has_quotes and b'"' in joined:  # the values of quoted cells
            as_read = cells if cells is not None else _fields(fields)
            cells = unquote_fields(as_read)
            joined = join([*cells, b""], b"\n")
        if from_records and cells is not None and joined.count(b"\n") != len(cells):
            # a line break can only be in a quoted field, which is then no number: it stays bad as a NUL
            joined = join([*(cell.replace(b"\n", b"\0") for cell in cells), b""], b"\n")
        parsed = parse_cells(joined, self.nulls)
        computed = self.function(parsed.values)
        rows = parsed.values.size // len(chosen)
        numbers = (
            np.array(lines, dtype=np.int64) if isinstance(lines, list) else np.arange(lines, lines + rows)
        )
        problems: list[InputError] = []
        blank = np.zeros(rows, dtype=bool)  # blank lines of a single column: no records
        bad = np.zeros(rows, dtype=bool)  # records with a bad value, dropped unless --on-error nan
        if cells is None and not parsed.missing.size and not parsed.bad.size:  # lines of numbers: lines out
            if isinstance(fields, Delimited):
                delimiter = fields.delimiter
                by_row = parsed.values.reshape(rows, width).T, computed.reshape(rows, width).T
                results = _Results(chosen, *by_row, {}, {})

                def lines_out() -> Delimited:
                    return Delimited.of_values(format_lines(computed), width, delimiter)

                return _Bulk(Columns(width, fields, lines_out, results), numbers, problems, blank, bad)
            results = _Results([0], parsed.values[None], computed[None], {}, {})
            columns = Columns(1, fields, partial(format_lines, computed), results)
            return _Bulk(columns, numbers, problems, blank, bad)
        if cells is None:
            raw = cells = _fields(fields)
        assert cells is not None
        tokens_out = format_tokens(computed)

        def place(index: int) -> tuple[int, int]:  # (row, column) of a cell of the run
            if everything:
                return divmod(index, width)
            return index % rows, chosen[index // rows]

        # rows of missing and of bad cells, for the columns that have any: a chunk may have 10,000 columns
        missing: dict[int, list[int]] = defaultdict(list)
        for index in parsed.missing.tolist():
            row, column = place(index)
            # missing stays missing, as written
            tokens_out[index] = (as_read or cells)[index] if raw is None else raw[row * width + column]
            missing[column].append(row)
            # a blank line is no record; a null spelling is one, with a missing value
            blank[row] |= (
                width == 1 and not from_records and raw is not None and not raw[row].strip(_BLANK_BYTES)
            )
        failed: dict[int, list[int]] = defaultdict(list)
        for index in parsed.bad.tolist():
            row, column = place(index)
            problems.append(
                InputError(
                    f"{quoted(cells[index].decode())} is not a number",
                    source=source,
                    line=int(numbers[row]),
                    column=column + 1,
                )
            )
            failed[column].append(row)
            bad[row] = True
        out: list[bytes] | bytes | Delimited
        if everything:
            out = tokens_out
            by_column = parsed.values.reshape(rows, width).T, computed.reshape(rows, width).T
        elif isinstance(fields, Delimited):
            out = fields.replaced(
                {column: tokens_out[k * rows : (k + 1) * rows] for k, column in enumerate(chosen)}
            )
            by_column = parsed.values.reshape(len(chosen), rows), computed.reshape(len(chosen), rows)
        else:
            assert raw is not None
            out = raw.copy()
            for k, column in enumerate(chosen):
                out[column::width] = tokens_out[k * rows : (k + 1) * rows]
            by_column = parsed.values.reshape(len(chosen), rows), computed.reshape(len(chosen), rows)
        results = _Results(chosen, *by_column, missing, failed)
        columns = Columns(width, raw if raw is not None else fields, out, results, has_quotes, tokens=tokens)
        return _Bulk(columns, numbers, problems, blank, bad, any_missing=bool(parsed.missing.size))

    def work(
        self,
        render: Callable[[Processed], bytes | None],
        summarize: Callable[[Processed], bytes] | None = None,
    ) -> Callable[[bytes], bytes | None]:
        """What a worker process does with a job (:meth:`job`): the block transformed, ``--on-error skip``
        or ``nan`` applied and tallied, and the result given to ``render`` (and to ``summarize``, for
        ``--stats``); None when it holds a bad value under ``fail`` (the main process raises it) or
        ``render`` cannot do it in bulk."""

        def run(job: bytes) -> bytes | None:
            header, data = job.split(b"\n", 1)
            tally = Tally()
            if header.startswith(_PIECE):  # a bad value under fail is raised: the main process reports it
                line, first_field, ends = map(int, header.removeprefix(_PIECE).split(b" "))
                piece = Piece(data, first_field, bool(ends))
                processed = self._process_piece(Batch(self.layout.source, lines=[line], piece=piece), tally)
            else:
                first_line, delimiter, quoted, chosen = header.split(b" ")
                block = Block(
                    data,
                    self.layout.width,
                    bytes.fromhex(delimiter.decode()),
                    int(first_line),
                    quoted == b"1",
                )
                bulk = self._bulk(block, _from_spans(chosen.decode()), self.layout.source)
                if bulk.problems and self.on_error is OnError.fail:
                    return None
                processed = bulk.processed(self.layout.source, self._drop(bulk, tally))
            rendered = render(processed)
            if rendered is None:
                return None
            summary = b"" if summarize is None else summarize(processed)
            return b"".join((tally.dumps(), b"\n", summary, b"\n", rendered))

        return run

    def job(self, batch: Batch) -> bytes | None:
        """A batch as a job for a worker process (:meth:`work` does it): a block whose columns are all
        decided, with the columns to transform, or a piece of a long record (each of its fields a value).
        None for any other batch: it is done here, in its place."""
        if batch.piece is not None:
            piece = batch.piece
            header = b"%s%d %d %d\n" % (_PIECE, batch.lines[0], piece.first_field, piece.ends)
            return header + piece.cells
        if batch.block is None:
            return None
        decision = self._numeric_columns(batch.block.width, batch.block.first_cell, decided=True)
        if decision is None:
            return None
        chosen = decision[1]
        if self._spans is None or self._spans[0] is not chosen:  # the same list while nothing is decided
            self._spans = chosen, _as_spans(chosen)
        return self.block_job(batch.block, self._spans[1])

    @staticmethod
    def block_job(block: Block, spans: str) -> bytes:
        """A block and its columns to transform (:func:`_as_spans`), as bytes for a worker process."""
        header = " ".join([str(block.first_line), block.delimiter.hex(), str(int(block.quoted)), spans])
        return b"".join((header.encode(), b"\n", block.data))

    def _numeric_columns(
        self, width: int, first_cell: Callable[[int], str], *, decided: bool = False
    ) -> tuple[dict[int, bool], list[int]] | None:
        """Whether each of ``width`` columns is transformed, deciding a column by its first cell if need be
        (unless ``decided``: then None unless every column is known), and the columns transformed. None
        also when the first cell of an undecided column is missing, or when no column is transformed: then
        the general path is needed.

        Once every column is decided, the answer is kept: a chunk may have 10,000 columns."""
        if width in self._settled:
            return self._settled[width]
        numeric: dict[int, bool] = {}
        looked = False  # whether a column was decided by its first cell here
        for column in range(width):
            known = self.numeric.get(column)
            if known is None and not self.fixed_columns:
                first = first_cell(column)
                if decided or is_missing(first, self.nulls):
                    return None  # the column is decided by a later cell: let the general path find it
                known = parse_number(first) is not None
                looked = True
            numeric[column] = bool(known)
        chosen = [column for column, yes in numeric.items() if yes]
        answer = (numeric, chosen) if chosen else None  # with none, a one-column block may hold blanks
        if not looked:
            self._settled[width] = answer
        return answer

    def _process_piece(self, batch: Batch, tally: Tally | None = None) -> Processed:
        """Some fields of a long record, each a value, parsed in bulk. A bad value is named by its line and
        its field number in the whole record; ``skip`` drops that value (the record's earlier pieces may
        already be written) and counts it.

        In a value list they are values one a row, as any other; in a table they are one row of as many
        columns, which JSON output names from the field's place in the whole record."""
        piece, line = batch.piece, batch.lines[0]
        assert piece is not None
        tally = self.tally if tally is None else tally
        raw = piece.cells.split(b"\n")[:-1]
        has_quotes = b'"' in piece.cells  # the last piece of a record with a quote in it
        values = unquote_fields(raw) if has_quotes else raw
        parsed = parse_cells(join([*values, b""], b"\n") if has_quotes else piece.cells, self.nulls)
        if self.layout.value_list and not has_quotes and not parsed.missing.size and not parsed.bad.size:
            computed = self.function(parsed.values)  # values written as lines of text, as a block's
            result = Computed(parsed.values, computed, _NO_ROWS, _NO_ROWS)
            columns = Columns(1, piece.cells, partial(format_lines, computed), {0: result})
            arrays = {0: (parsed.values, computed)} if parsed.values.size else {}
            return Processed(batch.source, [line], {0}, arrays, {0: 0}, columns=columns, part=piece)
        problems = [
            InputError(
                f"{quoted(values[i].decode())} is not a number",
                source=batch.source,
                line=line,
                column=piece.first_field + i + 1,
            )
            for i in parsed.bad.tolist()
        ]
        computed = self.function(parsed.values)
        tokens = format_tokens(computed)
        for i in parsed.missing.tolist():
            tokens[i] = raw[i]  # missing stays missing, as written
        self._raise_or_tally(problems, tally)
        keep = np.ones(len(raw), dtype=bool)
        if self.on_error is OnError.nan:
            tally.replaced += len(problems)
        elif problems:
            tally.skipped += len(problems)
            keep[parsed.bad] = False
            kept = keep.tolist()
            raw, tokens = list(compress(raw, kept)), list(compress(tokens, kept))
        present = keep.copy()
        present[parsed.missing] = False
        arrays = {0: (parsed.values[present], computed[present])} if present.any() else {}
        read, computed = parsed.values[keep], computed[keep]
        missing, bad = _renumber(parsed.missing, keep), _renumber(parsed.bad, keep)
        if self.layout.value_list:
            columns = Columns(1, raw, tokens, {0: Computed(read, computed, missing, bad)}, has_quotes)
        else:
            every = list(range(len(raw)))
            results = _Results(every, read[:, None], computed[:, None], _one_row(missing), _one_row(bad))
            columns = Columns(len(raw), raw, tokens, results, has_quotes)
        counts = {0: int(parsed.missing.size)}
        return Processed(batch.source, [line], {0}, arrays, counts, columns=columns, part=piece)

    def _process_rows(self, batch: Batch) -> Processed:
        """The general path, record by record, with the numbers parsed and computed in bulk.

        Each column is decided by its first non-empty value in a record not already dropped, and under
        ``fail`` or ``skip`` a bad value drops its record for the columns after it; so when a batch holds a
        bad value under those, it is worked again with every value checked as it comes."""
        decided = dict(self.numeric)
        processed = self._rows(batch, in_order=False)
        if processed is None:
            self.numeric = decided
            self._settled.clear()
            processed = self._rows(batch, in_order=True)
            assert processed is not None
        return processed

    def _rows(self, batch: Batch, *, in_order: bool) -> Processed | None:
        """:meth:`_process_rows`, checking each value as it comes when ``in_order``; else None when a
        value is bad and ``--on-error`` drops its record."""
        rows, lines = batch.records()
        width = self.layout.width
        bad_rows: set[int] = set()
        problems: list[InputError] = []
        if self.strict_width:
            for i, row in enumerate(rows):
                if len(row) != width:
                    problem = InputError(
                        f"expected {width} fields, found {len(row)}", source=batch.source, line=lines[i]
                    )
                    problems.append(problem)
                    bad_rows.add(i)
        drops = self.on_error is not OnError.nan
        places: list[tuple[int, int]] = []  # (column, record) of each value, column by column
        texts: list[str] = []
        spans: dict[int, tuple[int, int]] = {}  # where each column's values are among them
        missing: dict[int, list[int]] = {}  # each transformed column's records with a missing value
        widest = max(map(len, rows), default=0)
        for column in range(widest):
            start = len(places)
            blanks: list[int] = []
            for i, row in enumerate(rows):
                if column >= len(row) or i in bad_rows:
                    continue
                text = unquote(row[column])
                if is_missing(text, self.nulls):
                    blanks.append(i)
                    continue
                if not self._is_numeric(column, text):
                    continue
                if in_order and drops and parse_number(text) is None:
                    problems.append(_not_a_number(batch.source, text, lines[i], column))
                    bad_rows.add(i)
                    continue
                places.append((column, i))
                texts.append(text)
            if len(places) > start:
                spans[column] = (start, len(places))
            if blanks and self.numeric.get(column):  # missing stays missing: as written, and null in JSON
                missing[column] = blanks
        # a line break can only be in a quoted field, which is then no number: it stays bad as a NUL
        # (a lone surrogate from a JSON string is kept as its bytes, which are no number either)
        parsed = parse_cells(
            "".join([text.replace("\n", "\0") + "\n" for text in texts]).encode("utf-8", "surrogatepass")
        )
        if parsed.bad.size and drops and not in_order:
            return None
        for index in parsed.bad.tolist():  # --on-error nan
            column, i = places[index]
            problems.append(_not_a_number(batch.source, texts[index], lines[i], column))
            self.tally.replaced += 1
        self._raise_or_tally(problems)
        computed = self.function(parsed.values)
        kept = np.array([i not in bad_rows for _, i in places], dtype=bool)  # a record may go after its value
        arrays = {
            column: (parsed.values[start:end][kept[start:end]], computed[start:end][kept[start:end]])
            for column, (start, end) in spans.items()
        }
        transformed = {column for column in range(widest) if self.numeric.get(column)}
        counts = {column: sum(i not in bad_rows for i in records) for column, records in missing.items()}
        if bad_rows:
            self.tally.skipped += len(bad_rows)
        keep = [i for i in range(len(rows)) if i not in bad_rows]
        cells = _Cells(places, parsed.values, computed, parsed.bad, missing)
        make = self._value_list if self.layout.value_list else self._table
        columns = make(rows, keep, cells)
        return Processed(batch.source, [lines[i] for i in keep], transformed, arrays, counts, columns=columns)

    def _value_list(self, rows: list[list[str]], keep: list[int], cells: _Cells) -> Columns:
        """The records of a value list as its values, one a row, each record's in turn: a record of several
        values ends at its last. A value of a column found to hold text passes through."""
        raw: list[str] = []
        at: list[int] = []
        ends: list[bool] = []
        kinds: dict[str, list[int]] = {"missing": [], "bad": [], "passed": []}
        for i in keep:
            row = rows[i]
            for column, text in enumerate(row):
                index = cells.at.get((column, i), -1)
                kind = cells.kind(column, i, index, numeric=bool(self.numeric.get(column)))
                if kind is not None:
                    kinds[kind].append(len(raw))
                at.append(index)
                raw.append(text)
                ends.append(column == len(row) - 1)
        read, computed = cells.taken(at)
        encoded = _encoded(raw)
        tokens = format_tokens(computed)
        out = [encoded[k] if index < 0 else tokens[k] for k, index in enumerate(at)]
        missing, bad, passed = (np.array(kinds[kind], dtype=np.intp) for kind in ("missing", "bad", "passed"))
        result = Computed(read, computed, missing, bad, passed)
        ends_given = None if all(ends) else ends
        return Columns(1, encoded, out, {0: result}, _quoted(raw), ends=ends_given, tokens=_tokens(raw))

    def _table(self, rows: list[list[str]], keep: list[int], cells: _Cells) -> Columns:
        """The records of a table, a row each; rows that differ in their count of fields are as long as the
        longest, their own count in ``lengths``."""
        kept = [rows[i] for i in keep]
        width = max(map(len, kept), default=self.layout.width)
        lengths = [len(row) for row in kept]
        raw = [
            field for row in kept for field in (row if len(row) == width else row + [""] * (width - len(row)))
        ]
        chosen = [column for column in range(width) if self.numeric.get(column)]
        at = [cells.at.get((column, i), -1) for column in chosen for i in keep]
        read, computed = cells.taken(at)
        tokens = format_tokens(computed)
        encoded = _encoded(raw)
        out = encoded.copy()
        missing: dict[int, list[int]] = defaultdict(list)
        failed: dict[int, list[int]] = defaultdict(list)
        for k, column in enumerate(chosen):
            for row, i in enumerate(keep):
                index = at[k * len(keep) + row]
                kind = cells.kind(column, i, index, numeric=True) if column < lengths[row] else None
                if index >= 0:
                    out[row * width + column] = tokens[k * len(keep) + row]
                if kind == "missing":
                    missing[column].append(row)
                elif kind == "bad":
                    failed[column].append(row)
        shape = (len(chosen), len(keep))
        results = _Results(chosen, read.reshape(shape), computed.reshape(shape), missing, failed)
        ragged = lengths if not width or any(length != width for length in lengths) else None
        return Columns(width, encoded, out, results, _quoted(raw), lengths=ragged, tokens=_tokens(raw))

    def run(self, batches: Iterable[tuple[Batch, bytes | None]]) -> Iterator[Processed]:
        """Each batch processed, in order: from what a worker process gave for its :meth:`job`, or here
        when it comes with None.

        A bad record stops the stream as it would a line-by-line filter, whatever the read size: the
        records before it in its batch are still given, then its error is raised.
        """
        for batch, result in batches:
            if result is not None:
                yield self._worked(batch, result)
                continue
            try:
                processed = self.process(batch)
            except InputError as error:
                rows, lines = batch.records()
                good = sum(line < (error.line or 0) for line in lines)
                if good:
                    yield self.process(Batch(batch.source, rows[:good], lines[:good]))
                raise
            yield processed

    def _worked(self, batch: Batch, result: bytes) -> Processed:
        """A block or a piece of a long record as a worker process transformed and rendered it
        (:meth:`work`); a block's columns were all decided when it was given (:meth:`job`), so nothing is
        decided here."""
        tally, summary, rendered = result.split(b"\n", 2)
        self.tally.add(Tally.loads(tally))
        if batch.piece is not None:
            transformed = {0}
        else:
            assert batch.block is not None
            decision = self._numeric_columns(batch.block.width, batch.block.first_cell, decided=True)
            transformed = set(decision[1] if decision is not None else [])
        return Processed(
            batch.source, [], transformed, rendered=rendered, summary=summary or None, part=batch.piece
        )


def _sequence(lines: NDArray[np.int64]) -> Sequence[int]:
    """Line numbers, rising, as a sequence: a range when they follow on, as those of plain lines do, which
    spares a list of tens of thousands of numbers for each chunk.

    >>> _sequence(np.array([3, 4, 5])), _sequence(np.array([3, 5]))
    (range(3, 6), [3, 5])
    """
    if lines.size and int(lines[-1]) - int(lines[0]) == lines.size - 1:
        return range(int(lines[0]), int(lines[-1]) + 1)
    numbers: list[int] = lines.tolist()
    return numbers


def _not_a_number(source: str, text: str, line: int, column: int) -> InputError:
    return InputError(f"{quoted(text)} is not a number", source=source, line=line, column=column + 1)


def _as_spans(columns: list[int]) -> str:
    """Columns (in order) as runs of consecutive ones: a chunk may have 10,000 columns.

    >>> _as_spans([0, 1, 2, 5, 7, 8])
    '0-2,5-5,7-8'
    """
    bounds = np.flatnonzero(np.diff(columns) != 1)
    starts = [columns[0], *(columns[at + 1] for at in bounds.tolist())]
    ends = [*(columns[at] for at in bounds.tolist()), columns[-1]]
    return ",".join(f"{start}-{end}" for start, end in zip(starts, ends))


def _from_spans(spans: str) -> list[int]:
    """:func:`_as_spans` undone.

    >>> _from_spans("0-2,5-5,7-8")
    [0, 1, 2, 5, 7, 8]
    """
    columns: list[int] = []
    for span in spans.split(","):
        start, end = span.split("-")
        columns += range(int(start), int(end) + 1)
    return columns


@dataclass
class _Bulk:
    """A block transformed in bulk, before ``--on-error`` has had its say."""

    columns: Columns
    lines: NDArray[np.int64]
    problems: list[InputError]  # every bad value, column by column
    blank: NDArray[np.bool_]  # blank lines of a single column: no records
    bad: NDArray[np.bool_]  # records with a bad value
    any_missing: bool = False  # whether a cell of a transformed column is missing

    def processed(self, source: str, drop: NDArray[np.bool_]) -> Processed:
        """The records but those in ``drop``, with the numbers read and computed of each transformed
        column (missing cells left out) for summaries."""
        columns, lines = self.columns, self.lines
        dropping = bool(drop.any())
        results = columns.results
        if not dropping and not self.any_missing and isinstance(results, _Results):  # the numbers as they are
            return Processed(source, _sequence(lines), set(results), results.numbers(), columns=columns)
        arrays = {}
        missing = {}
        for column, result in columns.results.items():
            if not result.missing.size and not dropping:
                arrays[column] = (result.read, result.computed)
                continue
            present = ~drop
            present[result.missing] = False
            arrays[column] = (result.read[present], result.computed[present])
            missing[column] = int(np.count_nonzero(~drop[result.missing]))
        if dropping:
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
            tokens = columns.tokens
            columns = Columns(
                columns.width,
                list(compress(columns.raw, fields_kept)),
                list(compress(columns.out, fields_kept)),
                results,
                columns.quoted,
                tokens=list(compress(tokens, fields_kept)) if tokens is not None else None,
            )
            lines = lines[keep]
        return Processed(source, _sequence(lines), set(columns.results), arrays, missing, columns=columns)


def _renumber(indexes: NDArray[np.intp], keep: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Row indexes after the rows not in ``keep`` are gone (those among ``indexes`` are dropped)."""
    after = np.cumsum(keep) - 1
    return after[indexes[keep[indexes]]].astype(np.intp)


def _one_row(rows: NDArray[np.intp]) -> dict[int, list[int]]:
    """Indexes of a one-row chunk's cells as row indexes of its columns (the cells are its columns)."""
    return {column: [0] for column in rows.tolist()}


def _encoded(fields: list[str]) -> list[bytes]:
    """Fields as UTF-8; a lone surrogate from a JSON escape is written as the escape it was."""
    try:
        return [field.encode() for field in fields]
    except UnicodeEncodeError:
        return [field.encode("utf-8", "backslashreplace") for field in fields]


def _tokens(fields: list[str]) -> list[bytes] | None:
    """The JSON value each field of JSON input was read from; None for fields of delimited text."""
    if not fields or not isinstance(fields[0], JsonField):
        return None
    return _encoded([field.token if isinstance(field, JsonField) else "null" for field in fields])


def _quoted(fields: list[str]) -> bool:
    return any('"' in field for field in fields)


class _Cells:
    """The values of a batch's records, parsed and computed: where each one is, by (column, record), with
    which were bad and which records had a missing value in each transformed column."""

    def __init__(
        self,
        places: list[tuple[int, int]],
        values: NDArray[np.float64],
        computed: NDArray[np.float64],
        bad: NDArray[np.intp],
        missing: dict[int, list[int]],
    ) -> None:
        self.at = {place: index for index, place in enumerate(places)}
        self.values, self.computed = values, computed
        self.bad = set(bad.tolist())
        self.missing = {(column, record) for column, records in missing.items() for record in records}

    def kind(self, column: int, record: int, index: int, *, numeric: bool) -> str | None:
        """What a cell is besides a value: ``missing``, ``bad`` (replaced by NaN), or ``passed`` (of a
        column of text); None for a value."""
        if index >= 0:
            return "bad" if index in self.bad else None
        if not numeric:
            return "passed"
        return "missing" if (column, record) in self.missing else None

    def taken(self, at: list[int]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The values read and computed at the indexes ``at``; NaN for an index of -1 (no value)."""
        read = np.full(len(at), np.nan)
        computed = np.full(len(at), np.nan)
        where = np.array(at, dtype=np.intp)
        present = where >= 0
        read[present] = self.values[where[present]]
        computed[present] = self.computed[where[present]]
        return read, computed


def parse_columns(spec: str, names: list[str]) -> list[int]:
    """0-based column indexes for a csvkit-style list: names, 1-based numbers and ranges (``1,3-5,x``).

    A name is looked up first, so a column named ``2`` is found by its name: as written, then with the
    blanks around the item and around the names ignored, so ``b`` finds a column named ``b  `` (the
    first one, should several differ only in blanks).

    >>> parse_columns("b,1", ["a", " b "]), parse_columns(" b ", ["b", " b "])
    ([1, 0], [1])
    """
    indexes: list[int] = []
    trimmed = [name.strip(BLANKS) for name in names]
    for part in spec.split(","):
        item = part.strip()
        looked_up = ((names, part), (names, item), (trimmed, item.strip(BLANKS)))
        found = next((where.index(wanted) for where, wanted in looked_up if wanted in where), None)
        if found is not None:
            indexes.append(found)
            continue
        bounds = item.split("-")
        if 1 <= len(bounds) <= 2 and all(b.isdigit() for b in bounds):
            low, high = int(bounds[0]), int(bounds[-1])
            if 1 <= low <= high <= len(names):
                indexes.extend(i for i in range(low - 1, high) if i not in indexes)
                continue
        available = ", ".join(f"{i} {quoted(name)}" for i, name in enumerate(names, start=1))
        raise UsageError(f"no column {quoted(item)}; available: {available}", where="--columns")
    return indexes
