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
from typing import TYPE_CHECKING, BinaryIO

from .choices import OutputFormat
from .pipeline import Processed
from .readers import WHITESPACE, Layout, parse_number, unquote

if TYPE_CHECKING:
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
    import json  # here, not at the top: text output, the usual case, starts faster without it

    return json.dumps(text, ensure_ascii=False)


def field_name(layout: Layout, column: int) -> str:
    return layout.names[column] if column < layout.width else str(column + 1)


def value_pairs(batch: Processed) -> Iterator[tuple[str, str, bool]]:
    """(input, output, transformed) for every field of a value list, in reading order."""
    for inputs, outputs in zip(batch.inputs, batch.outputs):
        for column, (value, raw) in enumerate(zip(inputs, outputs)):
            yield value, unquote(raw), batch.is_transformed(column)


class Writer:
    """Base class: ``start`` once, ``write`` each batch, ``finish`` once."""

    def __init__(self, out: BinaryIO, layout: Layout) -> None:
        self.out = out
        self.layout = layout

    def emit(self, text: str) -> None:
        self.send(text.encode("utf-8"))

    def send(self, data: bytes) -> None:
        if data:
            self.out.write(data)
            self.out.flush()

    def start(self) -> None:
        pass

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
        join = self.joiner.join
        self.emit("".join([join(row) + "\n" for row in batch.outputs]))

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
        import csv  # here, not at the top: text output, the usual case, starts faster without it

        self.csv = csv.writer(self.buffer, delimiter=delimiter, lineterminator="\n")

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

    def write(self, batch: Processed) -> None:
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
        if self.layout.value_list:
            for value, result, transformed in value_pairs(batch):
                if transformed:
                    yield f'{{"input": {json_float(value)}, "output": {json_float(result)}}}'
                else:
                    yield f'{{"input": {json_passthrough(value)}, "output": {json_passthrough(result)}}}'
            return
        first_field = batch.piece.first_field if batch.piece is not None else 0
        for inputs, outputs in zip(batch.inputs, batch.outputs):
            members = []
            for column, value in enumerate(inputs):
                key = json_string(field_name(self.layout, first_field + column))
                if batch.is_transformed(column):
                    token = json_float(unquote(outputs[column]))
                else:
                    token = json_passthrough(value)
                members.append(f"{key}: {token}")
            yield "{" + ", ".join(members) + "}"

    def start(self) -> None:
        if not self.lines:
            self.emit("[")

    def write(self, batch: Processed) -> None:
        objects = list(self._objects(batch))
        if not objects:
            return
        if self.lines:
            self.emit("".join(obj + "\n" for obj in objects))
        else:
            self.emit(("," if self.count else "") + "\n" + ",\n".join(objects))
        self.count += len(objects)

    def finish(self) -> None:
        if not self.lines:
            self.emit("\n]\n" if self.count else "]\n")


@dataclass
class TableStyle:
    """How the command line wants the table drawn."""

    title: str
    notes: list[str]  # caption lines before the row count, such as the slope
    color: bool
    width: int
    max_rows: int  # 0 = every row; else the first and last rows around an elision row


class TableWriter(Writer):
    """A Rich table: input beside output for a value list, else the transformed table.

    Numbers are right-aligned and never wrapped or cut. A long input keeps only its first and last rows
    (memory stays bounded) and says how many there were.
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

    def _keep(self, cells: list[str], numeric: set[int]) -> None:
        self.total += 1
        if self.head_size is None or len(self.head) < self.head_size:
            self.head.append((cells, numeric))
        elif self.tail.maxlen != 0:
            self.tail.append((cells, numeric))

    def write(self, batch: Processed) -> None:
        if self.layout.value_list:
            for value, result, transformed in value_pairs(batch):
                self._keep([value, result], {0, 1} if transformed else set())
            return
        self.columns |= batch.transformed
        for row in batch.outputs:
            self._keep([unquote(raw) for raw in row], batch.transformed)

    def _table(self) -> Table:
        from rich import box
        from rich.table import Table

        shown = self.head + list(self.tail)
        hidden = self.total - len(shown)
        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
        )
        if self.layout.value_list:
            names = list(self.headings)
            numeric = {0, 1}
        else:
            width = max([self.layout.width, *(len(cells) for cells, _ in shown)])
            names = [field_name(self.layout, column) for column in range(width)]
            numeric = self.columns
        for column, name in enumerate(names):
            right = column in numeric
            widest = max([len(name), *(len(c[column]) for c, _ in shown if column < len(c))])
            table.add_column(
                name,
                justify="right" if right else "left",
                no_wrap=True,
                min_width=widest,
                style="cyan" if right and column == len(names) - 1 and self.layout.value_list else None,
            )
        for cells, _ in self.head:
            table.add_row(*cells, *([""] * (len(names) - len(cells))))
        if hidden:
            table.add_row(*(["…"] * len(names)), style="dim")
        for cells, _ in self.tail:
            table.add_row(*cells, *([""] * (len(names) - len(cells))))
        return table

    def _caption(self) -> str:
        shown = len(self.head) + len(self.tail)
        if shown < self.total:
            count = f"{shown} of {self.total:,} rows shown (--max-rows 0 shows all)"
        else:
            count = f"{self.total:,} row" + ("" if self.total == 1 else "s")
        return " · ".join([*self.style.notes, count])

    def finish(self) -> None:
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(
            file=buffer,
            width=self.style.width,
            force_terminal=self.style.color,
            color_system="standard" if self.style.color else None,
            no_color=not self.style.color,
            highlight=False,
            emoji=False,
            markup=False,
            legacy_windows=False,
        )
        table = self._table()
        # measured without the terminal's limit, which would clamp the answer to the width checked below
        measured = console.measure(table, options=console.options.update_width(1 << 20)).maximum
        if measured > console.width:  # never wrap or cut numbers: draw wider than the terminal instead
            console.width = measured
        console.print(self.style.title, style="bold")
        console.print(table)
        console.print(self._caption(), style="dim")
        self.emit(buffer.getvalue())


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
