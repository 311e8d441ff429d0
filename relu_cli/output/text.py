"""``text`` output: the input's own layout, untouched fields byte for byte as read."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from ..chunks import WHITESPACE, Layout, join
from . import Writer, interleaved, joined_records

if TYPE_CHECKING:
    from ..transform import Processed


class TextWriter(Writer):
    """The input's own layout: same delimiter and header, untouched fields byte for byte as read."""

    def __init__(self, out: BinaryIO, layout: Layout) -> None:
        super().__init__(out, layout)
        self.joiner = " " if layout.delimiter is WHITESPACE else layout.delimiter
        self.midline = False  # part of a long record is written, and its line not yet ended

    def start(self) -> None:
        if self.layout.header is not None:
            self.write_text(self.joiner.join(self.layout.header) + "\n")

    def write(self, batch: Processed) -> None:
        if batch.part is not None:  # one line, however many pieces it came in
            rendered = batch.rendered if batch.rendered is not None else self.render(batch)
            if rendered is not None:
                self._write_piece(rendered, ends=batch.part.ends)
            return
        super().write(batch)

    def render(self, batch: Processed) -> bytes | None:
        """The batch's lines; of a piece of a long record, its fields one a line, which :meth:`write` joins
        to the rest of their line."""
        columns = batch.columns
        if columns is None:
            return None
        if batch.part is not None:
            return columns.out_lines()
        joiner = self.joiner.encode()
        if columns.width > 1:
            joined = columns.out_joined(joiner)
            return joined if joined is not None else joined_records(columns, columns.out, joiner)
        if columns.ends is None:
            return columns.out_lines()
        return join(interleaved(columns.out, [b"\n" if end else joiner for end in columns.ends]))

    def _write_piece(self, cells: bytes, *, ends: bool) -> None:
        """Fields of a long record, joined to those before them; the line ends with the record."""
        joiner = self.joiner.encode()
        if cells:
            self.write_bytes((joiner if self.midline else b"") + cells[:-1].replace(b"\n", joiner))
            self.midline = True
        if ends and self.midline:
            self.write_bytes(b"\n")
            self.midline = False
