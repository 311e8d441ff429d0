"""Output: processed batches → text, CSV/TSV, JSON/NDJSON, a Rich table or NumPy arrays, a module each;
here the base :class:`Writer` and :func:`make_writer`.

Writers never ask whether the output is a terminal: the command line decides the format (and whether a
table gets colour) once, and the writer carries it out. Output is written as UTF-8 bytes and flushed
after every batch, so results appear while the input is still arriving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from ..choices import OutputFormat
from ..chunks import Layout, join

if TYPE_CHECKING:
    from ..input.npy import ArrayInput
    from ..transform import Columns, Processed
    from .table import TableStyle


def joined_rows(fields: list[bytes], width: int, delimiter: bytes) -> bytes:
    """Fields, row after row, as lines of ``width`` fields each joined by ``delimiter``."""
    if not fields:
        return b""
    if width == 1:
        return join([*fields, b""], b"\n")
    pieces = [b""] * (2 * len(fields))
    pieces[0::2] = fields
    pieces[1::2] = ([delimiter] * (width - 1) + [b"\n"]) * (len(fields) // width)
    return join(pieces)


def joined_records(columns: Columns, fields: list[bytes], delimiter: bytes) -> bytes:
    """``fields`` (of ``columns``) as lines, each row's own fields joined by ``delimiter``: rows that differ
    in their count of fields too, one by one."""
    if columns.lengths is None:
        return joined_rows(fields, columns.width, delimiter)
    return join([delimiter.join(row) + b"\n" for row in columns.by_row(fields)])


def interleaved(first: list[bytes], second: list[bytes]) -> list[bytes]:
    """``first[0], second[0], first[1], second[1], …``"""
    both = [b""] * (2 * len(first))
    both[0::2] = first
    both[1::2] = second
    return both


def field_name(layout: Layout, column: int) -> str:
    return layout.names[column] if column < layout.width else str(column + 1)


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

    def write_text(self, text: str) -> None:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape: written as the escape it was
            data = text.encode("utf-8", "backslashreplace")
        self.write_bytes(data)

    def write_bytes(self, data: bytes | memoryview) -> None:
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
        """Write a batch: as a worker process rendered it, or rendered here."""
        rendered = batch.rendered if batch.rendered is not None else self.render(batch)
        if rendered is not None:
            self.write_bytes(rendered)

    def finish(self) -> None:
        pass


def make_writer(
    fmt: OutputFormat,
    out: BinaryIO,
    layout: Layout,
    *,
    table_style: TableStyle | None = None,
    headings: tuple[str, str] = ("input", "output"),
    arrays: list[ArrayInput] | None = None,
) -> Writer:
    """The writer for a resolved format (anything but ``auto``); each format's module is imported only when
    it is used. ``text`` of JSON input is JSON of the input's shape. ``arrays`` are the arrays transformed
    when the input is NumPy's: ``npy`` output then has the shape and order of the (one) array."""
    if fmt is OutputFormat.text and layout.json_shape:
        from .json import JsonWriter

        return JsonWriter(out, layout, lines=layout.json_shape == "lines", bare=layout.value_list)
    if fmt is OutputFormat.npz:
        from .npy import NpzWriter

        return NpzWriter(out, layout, arrays=arrays is not None)
    if fmt is OutputFormat.npy:
        from .npy import NpyWriter

        if arrays:  # its shape is known: written as the array was stored
            return NpyWriter(out, layout, arrays[0].shape, fortran=arrays[0].fortran)
        return NpyWriter(out, layout)
    if fmt is OutputFormat.text:
        from .text import TextWriter

        return TextWriter(out, layout)
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        from .csv import CsvWriter

        return CsvWriter(out, layout, "," if fmt is OutputFormat.csv else "\t")
    if fmt in (OutputFormat.json, OutputFormat.ndjson):
        from .json import JsonWriter

        return JsonWriter(out, layout, lines=fmt is OutputFormat.ndjson)
    if fmt is OutputFormat.table and table_style is not None:
        from .table import TableWriter

        return TableWriter(out, layout, table_style, headings)
    raise ValueError(f"no writer for format {fmt.value!r}")
