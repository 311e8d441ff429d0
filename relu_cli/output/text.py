"""``text`` output: the input's own layout, untouched fields byte for byte as read."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from ..chunks import WHITESPACE, Layout
from . import Writer, joined_rows

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
        if batch.piece is not None:  # one line, however many pieces it came in
            self._write_piece(batch.piece.cells, ends=batch.piece.ends)
            return
        if batch.block is not None:  # already in the input's layout
            self.write_bytes(batch.block.data)
            return
        rendered = batch.rendered if batch.rendered is not None else self.render(batch)
        if rendered is not None:
            self.write_bytes(rendered)
            return
        join = self.joiner.join
        self.write_text("".join([join(row) + "\n" for row in batch.outputs]))

    def render(self, batch: Processed) -> bytes | None:
        if batch.columns is None:
            return None
        if batch.columns.width == 1:
            return batch.columns.out_lines()
        return joined_rows(batch.columns.out, batch.columns.width, self.joiner.encode())

    def _write_piece(self, cells: bytes, *, ends: bool) -> None:
        """Fields of a long record, joined to those before them; the line ends with the record."""
        joiner = self.joiner.encode()
        if cells:
            self.write_bytes((joiner if self.midline else b"") + cells[:-1].replace(b"\n", joiner))
            self.midline = True
        if ends and self.midline:
            self.write_bytes(b"\n")
            self.midline = False
