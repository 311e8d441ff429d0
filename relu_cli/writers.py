"""Writers: processed batches → text, CSV/TSV, JSON/NDJSON or a Rich table.

Writers never ask whether the output is a terminal: the command line decides the format (and whether a
table gets colour) once, and the writer carries it out. Output is written as UTF-8 bytes and flushed
after every batch, so results appear while the input is still arriving.
"""

from __future__ import annotations

import io
import math
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from .choices import OutputFormat
from .numbers import format_tokens, parse_number
from .pipeline import Columns, Processed
from .readers import WHITESPACE, JsonField, Layout, unquote

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


def json_float(text: str) -> str:
    """A value of a transformed column as a JSON token: the number, or ``null`` for NaN, ±inf and a
    missing cell; a bad value that ``--on-error nan`` replaced stays visible as the string it was."""
    if not text.strip(" \t"):
        return "null"
    value = parse_number(text)
    if value is None:
        return json_string(text)
    return repr(value) if math.isfinite(value) else "null"


def json_passthrough(text: str) -> str:
    """An untouched field as JSON: a number token when it already is one, else a string."""
    return text if _JSON_NUMBER.fullmatch(text) else json_string(text)


def json_string(text: str) -> str:
    """``text`` as a JSON string. A lone surrogate (read from JSON input, where only an escape such as
    ``\\ud800`` can make one) stays in it, and :meth:`Writer.emit` writes it as that escape."""
    import json  # here, not at the top: text output, the usual case, starts faster without it

    return json.dumps(text, ensure_ascii=False)


def json_token(field: str) -> str | None:
    """The JSON value a field of JSON input was read from, as JSON output writes it back; None for a
    field of delimited text or a computed number."""
    return field.token if isinstance(field, JsonField) else None


def json_passthrough_tokens(cells: list[bytes]) -> list[bytes]:
    """:func:`json_passthrough` of each cell: in bulk when every cell is a JSON number already."""
    from .numbers import loads_json_numbers

    if loads_json_numbers(cells):
        return cells
    return [json_passthrough(cell.decode()).encode() for cell in cells]


def joined_rows(fields: list[bytes], width: int, delimiter: bytes) -> bytes:
    """Fields, row after row, as lines of ``width`` fields each joined by ``delimiter``."""
    if not fields:
        return b""
    if width == 1:
        return b"\n".join([*fields, b""])
    pieces = [b""] * (2 * len(fields))
    pieces[0::2] = fields
    pieces[1::2] = ([delimiter] * (width - 1) + [b"\n"]) * (len(fields) // width)
    return b"".join(pieces)


def interleaved(first: list[bytes], second: list[bytes]) -> list[bytes]:
    """``first[0], second[0], first[1], second[1], …``"""
    both = [b""] * (2 * len(first))
    both[0::2] = first
    both[1::2] = second
    return both


def csv_writer(out: io.StringIO, delimiter: str) -> Any:
    """RFC 4180 CSV (quotes only where needed) with ``delimiter`` and line feeds."""
    import csv  # here, not at the top: text output, the usual case, starts faster without it

    return csv.writer(out, delimiter=delimiter, lineterminator="\n")


def field_name(layout: Layout, column: int) -> str:
    return layout.names[column] if column < layout.width else str(column + 1)


def value_pairs(batch: Processed) -> Iterator[tuple[str, str, bool]]:
    """(input, output, transformed) for every field of a value list, in reading order."""
    for inputs, outputs in zip(batch.inputs, batch.outputs):
        for column, (value, raw) in enumerate(zip(inputs, outputs)):
            yield value, unquote(raw), batch.is_transformed(column)


def write_all(out: BinaryIO, data: bytes | memoryview) -> None:
    """Write all of ``data`` to ``out``.

    When the reader of a pipe goes away in the middle of a large write, the kernel takes part of it and
    Python's buffered ``write`` returns that count without an error; the rest would be dropped and the
    exit status say all went well. Writing on until all is taken makes the next write raise
    :class:`BrokenPipeError`, as it must.
    """
    view = memoryview(data)
    while view:
        written = out.write(view)
        view = view[written if written is not None else len(view) :]


class Writer:
    """Base class: ``start`` once, ``write`` each batch, ``finish`` once."""

    def __init__(self, out: BinaryIO, layout: Layout) -> None:
        self.out = out
        self.layout = layout

    def emit(self, text: str) -> None:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape: written as the escape it was
            data = text.encode("utf-8", "backslashreplace")
        self.send(data)

    def send(self, data: bytes | memoryview) -> None:
        if data:
            write_all(self.out, data)
            self.out.flush()

    def start(self) -> None:
        pass

    def render(self, batch: Processed) -> bytes | None:
        """A batch held in columns as this writer writes it, made in bulk, with nothing written and no
        state changed, so that worker processes can do it; None when it cannot be done so."""
        return None

    def write(self, batch: Processed) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        pass


class TextWriter(Writer):
    """The input's own layout: same delimiter and header, untouched fields byte for byte as read."""

    def __init__(self, out: BinaryIO, layout: Layout) -> None:
        super().__init__(out, layout)
        self.joiner = " " if layout.delimiter is WHITESPACE else layout.delimiter
        self.midline = False  # part of a long record is written, and its line not yet ended

    def start(self) -> None:
        if self.layout.header is not None:
            self.emit(self.joiner.join(self.layout.header) + "\n")

    def write(self, batch: Processed) -> None:
        if batch.piece is not None:  # one line, however many pieces it came in
            self._write_piece(batch.piece.cells, ends=batch.piece.ends)
            return
        if batch.block is not None:  # already in the input's layout
            self.send(batch.block.data)
            return
        rendered = batch.rendered if batch.rendered is not None else self.render(batch)
        if rendered is not None:
            self.send(rendered)
            return
        join = self.joiner.join
        self.emit("".join([join(row) + "\n" for row in batch.outputs]))

    def render(self, batch: Processed) -> bytes | None:
        if batch.columns is None:
            return None
        return joined_rows(batch.columns.out, batch.columns.width, self.joiner.encode())

    def _write_piece(self, cells: bytes, *, ends: bool) -> None:
        """Fields of a long record, joined to those before them; the line ends with the record."""
        joiner = self.joiner.encode()
        if cells:
            self.send((joiner if self.midline else b"") + cells[:-1].replace(b"\n", joiner))
            self.midline = True
        if ends and self.midline:
            self.send(b"\n")
            self.midline = False


class CsvWriter(Writer):
    """RFC 4180 CSV (or TSV) with a header: ``input,output`` for a value list, positional names ``1,2,…``
    for a headerless table (as Miller's implicit header and the JSON keys)."""

    def __init__(self, out: BinaryIO, layout: Layout, delimiter: str = ",") -> None:
        super().__init__(out, layout)
        self.buffer = io.StringIO()
        self.csv = csv_writer(self.buffer, delimiter)
        self.delimiter = delimiter.encode()

    def _drain(self) -> None:
        self.emit(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()

    def start(self) -> None:
        if self.layout.value_list:
            self.csv.writerow(["input", "output"])
        else:
            self.csv.writerow(self.layout.names)
        self._drain()

    def render(self, batch: Processed) -> bytes | None:
        columns = batch.columns
        if columns is None:
            return None
        # results hold no delimiter or quote: only a field as read may (none holds a line break)
        plain = not columns.quoted and self.delimiter not in b"".join(columns.raw)
        if not columns.raw:  # only blank lines
            return b""
        if self.layout.value_list and plain:  # input beside output
            return b"".join((b"\n".join(map(self.delimiter.join, zip(columns.raw, columns.out))), b"\n"))
        fields, width = columns.out, columns.width
        if self.layout.value_list:
            fields, width = interleaved(columns.raw, columns.out), 2
        if not plain:  # each column that needs it, field by field: its values, quoted where needed
            fields = fields.copy()
            for column in range(width):
                cells = fields[column::width]
                joined = b"".join(cells)
                if b'"' in joined or self.delimiter in joined:
                    fields[column::width] = [self._field(cell) for cell in columns.values(cells)]
        return joined_rows(fields, width, self.delimiter)

    def _field(self, value: bytes) -> bytes:
        """A value as RFC 4180 writes it, as Python's csv module does: quoted when it holds the delimiter,
        a quote or a line feed."""
        if self.delimiter in value or b'"' in value or b"\n" in value:
            return b'"' + value.replace(b'"', b'""') + b'"'
        return value

    def write(self, batch: Processed) -> None:
        rendered = batch.rendered if batch.rendered is not None else self.render(batch)
        if rendered is not None:
            self.send(rendered)
            return
        if self.layout.value_list:
            self.csv.writerows((value, result) for value, result, _ in value_pairs(batch))
        else:
            self.csv.writerows([unquote(raw) for raw in row] for row in batch.outputs)
        self._drain()


class JsonWriter(Writer):
    """Strict JSON: one array of objects (``json``) or one object per line (``ndjson``).

    NaN and ±inf have no JSON spelling and are written as ``null``, as is a missing value.
    """

    def __init__(self, out: BinaryIO, layout: Layout, *, lines: bool) -> None:
        super().__init__(out, layout)
        self.lines = lines
        self.count = 0

    def _objects(self, batch: Processed) -> Iterator[str]:
        """Each record as a JSON object. A field of JSON input that is not transformed (a missing value in a
        transformed column included) is written back as the JSON value it was read as."""
        if self.layout.value_list:
            for value, result, transformed in value_pairs(batch):
                if transformed:
                    # the input as the number read; one that is none (missing, or a bad value that
                    # --on-error nan replaced) as it was: its JSON value, or the text of a delimited field
                    token = json_token(value) if parse_number(value) is None else None
                    shown, output = token or json_float(value), json_token(result) or json_float(result)
                else:
                    shown = json_token(value) or json_passthrough(value)
                    output = json_token(result) or json_passthrough(result)
                yield f'{{"input": {shown}, "output": {output}}}'
            return
        first_field = batch.piece.first_field if batch.piece is not None else 0
        for inputs, outputs in zip(batch.inputs, batch.outputs):
            members = []
            for column, value in enumerate(inputs):
                key = json_string(field_name(self.layout, first_field + column))
                token = json_token(outputs[column])
                if token is None:
                    transformed = batch.is_transformed(column)
                    token = json_float(unquote(outputs[column])) if transformed else json_passthrough(value)
                members.append(f"{key}: {token}")
            yield "{" + ", ".join(members) + "}"

    def start(self) -> None:
        if not self.lines:
            self.emit("[")

    def write(self, batch: Processed) -> None:
        rendered = batch.rendered if batch.rendered is not None else self.render(batch)
        if rendered is not None:
            if rendered:
                self.send(rendered if self.lines else (b"," if self.count else b"") + b"\n" + rendered)
                self.count += 1
            return
        objects = list(self._objects(batch))
        if not objects:
            return
        if self.lines:
            self.emit("".join(obj + "\n" for obj in objects))
        else:
            self.emit(("," if self.count else "") + "\n" + ",\n".join(objects))
        self.count += len(objects)

    def render(self, batch: Processed) -> bytes | None:
        """Objects assembled in bulk, the key of each member beside the column of its values' tokens:
        one a line for ``ndjson``; for ``json``, joined by commas, without the array's brackets."""
        columns = batch.columns
        if columns is None:
            return None
        rows = columns.rows
        if not rows:
            return b""
        if self.layout.value_list:
            result = columns.results[0]
            inputs = format_tokens(result.read, json=True)
            for index in result.bad.tolist():  # a bad value replaced by NaN shows as the text it was
                inputs[index] = json_string(columns.raw[index].decode()).encode()
            tokens = [inputs, format_tokens(result.computed, json=True)]
            keys = ["input", "output"]
        else:
            tokens = []
            for column in range(columns.width):
                if column in columns.results:
                    tokens.append(format_tokens(columns.results[column].computed, json=True))
                else:
                    tokens.append(
                        json_passthrough_tokens(columns.values(columns.raw[column :: columns.width]))
                    )
            keys = [field_name(self.layout, column) for column in range(columns.width)]
        separator = "\n" if self.lines else ",\n"
        labels = [("{" if i == 0 else ", ") + json_string(key) + ": " for i, key in enumerate(keys)]
        pieces = [b""] * (rows * (2 * len(keys) + 1))
        step = 2 * len(keys) + 1
        for i, (label, column_tokens) in enumerate(zip(labels, tokens)):
            pieces[2 * i :: step] = [label.encode()] * rows
            pieces[2 * i + 1 :: step] = column_tokens
        pieces[step - 1 :: step] = [b"}" + separator.encode()] * rows
        text = b"".join(pieces)
        return text if self.lines else text[: -len(separator)]

    def finish(self) -> None:
        if not self.lines:
            self.emit("\n]\n" if self.count else "]\n")


#: A table of every row (``--max-rows 0``) longer than this is drawn as its rows come rather than held whole
STREAM_AFTER = 1000
_PLACEHOLDER = 0xE000  # private-use characters, one cell wide, that stand for the cells in a row's template


@dataclass
class TableStyle:
    """How the command line wants the table drawn."""

    title: str
    notes: list[str]  # caption lines before the row count, such as the slope
    color: bool
    width: int
    max_rows: int  # 0 = every row; else the first and last rows around an elision row
    stream_after: int = STREAM_AFTER  # with max_rows 0: rows held before the table is drawn as it comes


class TableWriter(Writer):
    """A Rich table: input beside output for a value list, else the transformed table.

    Numbers are right-aligned and never wrapped or cut. A long input keeps only its first and last rows
    (memory stays bounded) and says how many there were.

    With every row asked for (``max_rows`` 0), a table longer than ``stream_after`` rows is drawn as its
    rows come, so it starts at once, memory stays bounded and a closed pipe ends it: the columns are as
    wide as the widest cell of the rows read by then (a chunk of input), and when a later cell is wider,
    its column widens and the header is drawn again above it. Until a column widens, it looks exactly as
    the table drawn whole.
    """

    def __init__(self, out: BinaryIO, layout: Layout, style: TableStyle, headings: tuple[str, str]) -> None:
        super().__init__(out, layout)
        self.style = style
        self.headings = headings
        half = style.max_rows // 2
        self.head: list[tuple[list[str], set[int]]] = []
        self.head_size = style.max_rows - half if style.max_rows else None
        self.tail: deque[tuple[list[str], set[int]]] = deque(maxlen=half if style.max_rows else None)
        self.total = 0
        self.columns: set[int] = set()
        self.streamed: _StreamedTable | None = None

    def _keep(self, cells: list[str], numeric: set[int]) -> None:
        self.total += 1
        if self.head_size is None or len(self.head) < self.head_size:
            self.head.append((cells, numeric))
        elif self.tail.maxlen != 0:
            self.tail.append((cells, numeric))

    def write(self, batch: Processed) -> None:
        self._take(batch)
        if self.head_size is None and (self.streamed is not None or len(self.head) > self.style.stream_after):
            self._stream()

    def _take(self, batch: Processed) -> None:
        if batch.columns is not None:
            self._write_columns(batch.columns, batch.transformed)
            return
        if self.layout.value_list:
            for value, result, transformed in value_pairs(batch):
                self._keep([value, result], {0, 1} if transformed else set())
            return
        self.columns |= batch.transformed
        for row in batch.outputs:
            self._keep([unquote(raw) for raw in row], batch.transformed)

    def _write_columns(self, columns: Columns, transformed: set[int]) -> None:
        """Only the rows the table can show are taken out of the columns: the first ones while the head
        has room, and the last ones of every chunk for the tail."""
        rows = columns.rows
        room = rows if self.head_size is None else max(0, min(rows, self.head_size - len(self.head)))
        tail = min(rows - room, self.tail.maxlen if self.tail.maxlen is not None else rows)
        wanted = [*range(room), *range(rows - tail, rows)]
        self.total += rows - len(wanted)  # counted here; the rows kept are counted by _keep
        if self.layout.value_list:
            for row in wanted:
                self._keep([columns.raw[row].decode(), columns.out[row].decode()], {0, 1})
            return
        self.columns |= transformed
        width = columns.width
        for row in wanted:
            fields = columns.values(columns.out[row * width : (row + 1) * width])
            self._keep([field.decode() for field in fields], transformed)

    def _names(self, rows: list[tuple[list[str], set[int]]]) -> tuple[list[str], set[int]]:
        """The columns' names for ``rows``, and which of them are numbers (right-aligned)."""
        if self.layout.value_list:
            return list(self.headings), {0, 1}
        width = max([self.layout.width, *(len(cells) for cells, _ in rows)])
        return [field_name(self.layout, column) for column in range(width)], set(self.columns)

    def _new_table(self, names: list[str], numeric: set[int], widths: list[int], *, fixed: bool) -> Table:
        """A table of the columns, each ``widths`` wide at least (exactly, when ``fixed``)."""
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for column, (name, width) in enumerate(zip(names, widths)):
            right = column in numeric
            table.add_column(
                name,
                justify="right" if right else "left",
                no_wrap=True,
                min_width=width,
                width=width if fixed else None,
                style="cyan" if right and column == len(names) - 1 and self.layout.value_list else None,
            )
        return table

    def _table(self) -> Table:
        shown = self.head + list(self.tail)
        hidden = self.total - len(shown)
        names, numeric = self._names(shown)
        widths = [
            max([len(name), *(len(c[column]) for c, _ in shown if column < len(c))])
            for column, name in enumerate(names)
        ]
        table = self._new_table(names, numeric, widths, fixed=False)
        for cells, _ in self.head:
            table.add_row(*cells, *([""] * (len(names) - len(cells))))
        if hidden:
            table.add_row(*(["…"] * len(names)), style="dim")
        for cells, _ in self.tail:
            table.add_row(*cells, *([""] * (len(names) - len(cells))))
        return table

    def _caption(self) -> str:
        shown = len(self.head) + len(self.tail)
        if shown < self.total and self.streamed is None:
            count = f"{shown} of {self.total:,} rows shown (--max-rows 0 shows all)"
        else:
            count = f"{self.total:,} row" + ("" if self.total == 1 else "s")
        return " · ".join([*self.style.notes, count])

    def _console(self, width: int) -> tuple[Console, io.StringIO]:
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(
            file=buffer,
            width=width,
            force_terminal=self.style.color,
            color_system="standard" if self.style.color else None,
            no_color=not self.style.color,
            highlight=False,
            emoji=False,
            markup=False,
            legacy_windows=False,
        )
        return console, buffer

    def _stream(self) -> None:
        """Draw the rows held so far, the title and header first if the table has not started yet."""
        rows, self.head = self.head, []
        if self.streamed is None:
            names, numeric = self._names(rows)
            self.streamed = _StreamedTable(self, names, numeric, rows)
            console, buffer = self._console(self.style.width)
            console.print(self.style.title, style="bold")
            self.emit(buffer.getvalue())
        for lines in self.streamed.lines(rows):
            self.emit(lines)

    def finish(self) -> None:
        console, buffer = self._console(self.style.width)
        if self.streamed is not None:
            if self.head:
                self._stream()
        else:
            table = self._table()
            # measured without the terminal's limit, which would clamp the answer to the width checked below
            measured = console.measure(table, options=console.options.update_width(1 << 20)).maximum
            if measured > console.width:  # never wrap or cut numbers: draw wider than the terminal instead
                console.width = measured
            console.print(self.style.title, style="bold")
            console.print(table)
        console.print(self._caption(), style="dim")
        self.emit(buffer.getvalue())


class _StreamedTable:
    """The rows of a :class:`TableWriter` drawn as they come, in columns of fixed widths, each row as Rich
    draws it in the table drawn whole.

    A row of printable text is put into a template of the row, which Rich draws once for each set of
    widths with a run of placeholders for every cell: one string format a row, each cell padded to its
    column's width in terminal cells as Rich pads it. Rows with anything else in them (tabs, line breaks,
    control characters) are drawn by Rich itself. The lines come in groups of :attr:`GROUP` rows, so
    that even rows Rich draws one by one start to show at once.
    """

    GROUP = 256

    def __init__(
        self, writer: TableWriter, names: list[str], numeric: set[int], rows: list[tuple[list[str], set[int]]]
    ) -> None:
        from rich.cells import cell_len

        self.writer = writer
        self.cell_len = cell_len
        self.measurer, _ = writer._console(1 << 20)
        self.names = names
        self.numeric = numeric
        self.widths = [len(name) for name in names]
        for cells, _ in rows:
            self._widen(cells)
        self.template: str | None = None  # made with the header, by lines()
        self.stale = True  # whether the header is to be drawn (again) before the next row

    def _cell_width(self, cell: str) -> int:
        """The width the table drawn whole gives a cell: its length, or the terminal cells it takes (as Rich
        measures them) when more."""
        if cell.isprintable():
            return max(len(cell), self.cell_len(cell))
        console = self.measurer
        return max(len(cell), console.measure(console.render_str(cell)).maximum)

    def _widen(self, cells: list[str]) -> bool:
        """Make the columns wide enough for ``cells`` (adding columns a row has more of); whether any
        widened."""
        widened = False
        if len(cells) > len(self.names):
            layout = self.writer.layout
            self.names += [field_name(layout, column) for column in range(len(self.names), len(cells))]
            self.widths += [len(name) for name in self.names[len(self.widths) :]]
            widened = True
        for column, cell in enumerate(cells):
            width = self._cell_width(cell)
            if width > self.widths[column]:
                self.widths[column] = width
                widened = True
        return widened

    def _draw(self, table: Table) -> str:
        width = sum(self.widths) + 3 * (len(self.widths) - 1)
        console, buffer = self.writer._console(max(self.writer.style.width, width))
        console.print(table)
        return buffer.getvalue()

    def _rows_table(self) -> Table:
        table = self.writer._new_table(self.names, self.numeric, self.widths, fixed=True)
        table.show_header = False
        return table

    def _header(self) -> str:
        """The header for the current widths (with its rule); makes the row template that goes with it."""
        header = self._draw(self.writer._new_table(self.names, self.numeric, self.widths, fixed=True))
        self.template = None
        if len(self.widths) <= 0xF8FF - _PLACEHOLDER:  # enough private-use characters for the columns
            table = self._rows_table()
            table.add_row(*(chr(_PLACEHOLDER + i) * width for i, width in enumerate(self.widths)))
            template = self._draw(table).replace("{", "{{").replace("}", "}}")
            for i, width in enumerate(self.widths):
                if width:  # a column 0 wide shows nothing: its cells are all empty
                    template = template.replace(chr(_PLACEHOLDER + i) * width, f"{{{i}}}", 1)
            self.template = template
        return header

    def _padded(self, cells: list[str], ascii: bool) -> list[str]:
        """Each cell padded with spaces to its column's width, on the left in a column of numbers."""
        pads = (
            [width - len(cell) for cell, width in zip(cells, self.widths)]
            if ascii
            else [width - self.cell_len(cell) for cell, width in zip(cells, self.widths)]
        )
        numeric = self.numeric
        return [
            " " * pad + cell if column in numeric else cell + " " * pad
            for column, (cell, pad) in enumerate(zip(cells, pads))
        ]

    def lines(self, rows: list[tuple[list[str], set[int]]]) -> Iterator[str]:
        """The lines of ``rows`` in groups, after the header wherever it is needed: before the first row, and
        again before a row that widens a column or that comes after a column turned out to hold numbers."""
        pieces: list[str] = []
        numeric = self.writer._names(rows)[1]
        if numeric != self.numeric:
            self.numeric, self.stale = numeric, True
        others = self._rows_table()  # rows Rich draws, one after another
        for count, (cells, _) in enumerate(rows, 1):
            text = "".join(cells)
            ascii = text.isascii()
            printable = text.isprintable()
            if ascii and printable:
                wider = len(cells) > len(self.widths) or any(map(int.__gt__, map(len, cells), self.widths))
            else:
                wider = True  # measured in terminal cells by _widen
            if (wider and self._widen(cells)) or self.stale:
                if others.row_count:
                    pieces.append(self._draw(others))
                    others = self._rows_table()
                pieces.append(self._header())
                self.stale = False
            cells = [*cells, *([""] * (len(self.widths) - len(cells)))]
            if not printable or self.template is None:
                others.add_row(*cells)
            else:
                if others.row_count:
                    pieces.append(self._draw(others))
                    others = self._rows_table()
                pieces.append(self.template.format(*self._padded(cells, ascii)))
            if count % self.GROUP == 0:
                if others.row_count:
                    pieces.append(self._draw(others))
                    others = self._rows_table()
                yield "".join(pieces)
                pieces = []
        if others.row_count:
            pieces.append(self._draw(others))
        yield "".join(pieces)


def make_writer(
    fmt: OutputFormat,
    out: BinaryIO,
    layout: Layout,
    *,
    table_style: TableStyle | None = None,
    headings: tuple[str, str] = ("input", "output"),
) -> Writer:
    """The writer for a resolved format (anything but ``auto``)."""
    if fmt is OutputFormat.text:
        return TextWriter(out, layout)
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        return CsvWriter(out, layout, "," if fmt is OutputFormat.csv else "\t")
    if fmt in (OutputFormat.json, OutputFormat.ndjson):
        return JsonWriter(out, layout, lines=fmt is OutputFormat.ndjson)
    if fmt is OutputFormat.table and table_style is not None:
        return TableWriter(out, layout, table_style, headings)
    raise ValueError(f"no writer for format {fmt.value!r}")
