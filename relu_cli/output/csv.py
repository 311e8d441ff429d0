"""``csv`` and ``tsv`` output: RFC 4180, as Python's csv module writes it."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, BinaryIO

from ..chunks import NEVER_IN_UTF8, Layout, join
from ..numbers import format_lines, format_rows
from . import Writer, interleaved, joined_rows

if TYPE_CHECKING:
    from ..transform import Columns, Processed


def csv_writer(out: io.StringIO, delimiter: str) -> Any:
    """RFC 4180 CSV (quotes only where needed) with ``delimiter`` and line feeds."""
    import csv  # here, not at the top: text output, the usual case, starts faster without it

    return csv.writer(out, delimiter=delimiter, lineterminator="\n")


class CsvWriter(Writer):
    """RFC 4180 CSV (or TSV) with a header: ``input,output`` for a value list, positional names ``1,2,…``
    for a headerless table (as Miller's implicit header and the JSON keys)."""

    def __init__(self, out: BinaryIO, layout: Layout, delimiter: str = ",") -> None:
        super().__init__(out, layout)
        self.buffer = io.StringIO()
        self.csv = csv_writer(self.buffer, delimiter)
        self.delimiter = delimiter.encode()
        # a quoted field as the csv module writes one, inner quotes doubled; and one whose quotes the
        # module would leave out (it holds no delimiter, quote or line feed). Fields stand between bytes
        # that UTF-8 never holds.
        self._quoted = re.compile(rb'\xff"[^"\xff]*(?:""[^"\xff]*)*"(?=\xff)')
        self._needlessly_quoted = re.compile(rb'\xff"[^"\xff\n' + re.escape(self.delimiter) + rb']*"(?=\xff)')

    def _drain(self) -> None:
        self.write_text(self.buffer.getvalue())
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
        if not columns.rows:  # only blank lines
            return b""
        # results hold no delimiter or quote: only a field as read may (and unquoted, no line end)
        plain = not columns.quoted and not columns.holds(self.delimiter)
        if self.layout.value_list and plain:
            result = columns.results[0]
            raw = columns.raw_lines()
            if format_lines(result.read) == raw:  # every input as written from its value: both, in bulk
                import numpy as np

                rows = format_rows(np.stack([result.read, result.computed], axis=1))
                return rows if self.delimiter == b"," else rows.replace(b",", self.delimiter)
            # input beside output: lines of each, taken in turn
            pieces = [b""] * (2 * columns.rows)
            pieces[0::2] = raw.replace(b"\n", self.delimiter + b"\n").split(b"\n")[:-1]
            pieces[1::2] = columns.out_lines().splitlines(keepends=True)
            return join(pieces)
        redo: list[int] = []  # the columns whose fields are not all written as they were read
        if not plain and not self.layout.value_list:
            redo = [
                column
                for column in self._closer_look(columns)
                if not self._as_read(columns.out_column(column))
            ]
        joined = columns.out_joined(self.delimiter) if not redo and not self.layout.value_list else None
        if joined is not None:
            return joined
        fields, width = columns.out, columns.width
        if self.layout.value_list:
            fields, width = interleaved(columns.raw, columns.out), 2
            redo = [] if plain else [column for column in range(2) if not self._as_read(fields[column::2])]
        if redo:  # each column that needs it, field by field: its values, quoted where needed
            fields = fields.copy()
            for column in redo:
                fields[column::width] = [self._field(cell) for cell in columns.values(fields[column::width])]
        if self.layout.value_list:
            return joined_rows(fields, width, self.delimiter)
        if width == 1 and b"" in fields:  # a record of one empty field, quoted so that it is no blank line
            fields = [field or b'""' for field in fields]
        if columns.lengths is not None:
            return join([self._record(row) for row in columns.by_row(fields)])
        return joined_rows(fields, width, self.delimiter)

    def _record(self, fields: list[bytes]) -> bytes:
        """One record's fields as a line; one empty field quoted, so that it is no blank line."""
        return (self.delimiter.join(fields) if fields != [b""] else b'""') + b"\n"

    def _as_read(self, cells: list[bytes]) -> bool:
        """Whether the fields of a column are written as they were read (:meth:`_written_as_read`)."""
        lines = b"".join((NEVER_IN_UTF8, join(cells, NEVER_IN_UTF8), NEVER_IN_UTF8))
        return (b'"' not in lines and self.delimiter not in lines) or self._written_as_read(lines)

    def _closer_look(self, columns: Columns) -> list[int]:
        """The columns whose fields may not be written as they were read, and so take a closer look
        (:meth:`_written_as_read`). Of delimited records with the delimiter read, those where the reader
        found a field quoted otherwise than the csv module quotes one (see
        :meth:`~relu_cli.chunks.Block.delimited`) and that no transformation replaced: a field without
        quotes there holds neither the delimiter nor a line feed. Otherwise, all."""
        lines = columns.out_delimited()
        if lines is not None and lines.odd_quotes is not None and lines.delimiter == self.delimiter:
            return sorted(lines.odd_quotes)
        return list(range(columns.width))

    def _written_as_read(self, fields: bytes) -> bool:
        """Whether every field of ``fields`` (each between two :data:`NEVER_IN_UTF8` bytes) is already as
        :meth:`_field` writes its value: quoted as the csv module quotes, where it must be, and otherwise
        free of quotes, line feeds and the delimiter. Real labels such as ``"item 7, lot 3"``, and notes
        with a line break in their quotes, then pass through in bulk."""
        if self._needlessly_quoted.search(fields):
            return False
        rest = self._quoted.sub(NEVER_IN_UTF8, fields)
        return b'"' not in rest and self.delimiter not in rest and b"\n" not in rest

    def _field(self, value: bytes) -> bytes:
        """A value as RFC 4180 writes it, as Python's csv module does: quoted when it holds the delimiter,
        a quote or a line feed."""
        if self.delimiter in value or b'"' in value or b"\n" in value:
            return b'"' + value.replace(b'"', b'""') + b'"'
        return value
