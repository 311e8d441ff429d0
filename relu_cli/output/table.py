"""``table`` output: a Rich table, drawn whole or, for a long input, as its rows come."""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from ..chunks import Layout
from . import Writer, field_name

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from ..transform import Processed


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


def _shown(layout: Layout, column: int) -> str:
    """A column's name as the table shows it: a lone surrogate of a JSON key as the escape it was, as wide
    as it is written (the cells come so from the columns)."""
    return field_name(layout, column).encode("utf-8", "backslashreplace").decode()


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

    def render(self, batch: Processed) -> bytes | None:
        """The rows of a chunk the table may show (see :meth:`_shown_rows`), as JSON, so that a worker
        process takes them out of the columns."""
        import orjson

        return None if batch.columns is None else orjson.dumps(self._shown_rows(batch))

    def _shown_rows(self, batch: Processed) -> tuple[int, int, list[list[str]]]:
        """A chunk's count of rows, then how many of its first rows and the cells of those and of its last
        rows: as many first ones as the head can take, as many last ones as the tail (all, with every row
        shown). Whatever the head has taken already, the rows the table shows are among these."""
        if batch.rendered is not None:
            import orjson

            rows, first, cells = orjson.loads(batch.rendered)
            return rows, first, cells
        columns = batch.columns
        assert columns is not None
        rows = columns.rows
        first = rows if self.head_size is None else min(rows, self.head_size)
        last = min(rows - first, self.tail.maxlen or 0)
        if self.layout.value_list:
            pairs = zip(*map(columns.values, columns.taken(first, last)))
            return rows, first, [[value.decode(), result.decode()] for value, result in pairs]
        width = columns.width
        lengths = columns.lengths
        cells = []
        for row in [*range(first), *range(rows - last, rows)]:
            end = row * width + (width if lengths is None else lengths[row])
            cells.append([field.decode() for field in columns.values(columns.out[row * width : end])])
        return rows, first, cells

    def _take(self, batch: Processed) -> None:
        """Only the rows the table can show are kept: the first ones while the head has room, and the last
        ones of every chunk for the tail."""
        if batch.columns is None and batch.rendered is None:
            return
        rows, first, cells = self._shown_rows(batch)
        room = rows if self.head_size is None else max(0, min(rows, self.head_size - len(self.head)))
        tail = min(rows - room, self.tail.maxlen if self.tail.maxlen is not None else rows)
        wanted = [*range(room), *range(rows - tail, rows)]
        self.total += rows - len(wanted)  # counted here; the rows kept are counted by _keep
        numeric = {0, 1} if self.layout.value_list else batch.transformed
        self.columns |= numeric
        after = rows - (len(cells) - first)  # the first row of the last ones
        for row in wanted:
            self._keep(cells[row if row < first else first + row - after], numeric)

    def _names(self, rows: list[tuple[list[str], set[int]]]) -> tuple[list[str], set[int]]:
        """The columns' names for ``rows``, and which of them are numbers (right-aligned)."""
        if self.layout.value_list:
            return list(self.headings), {0, 1}
        width = max([self.layout.width, *(len(cells) for cells, _ in rows)])
        return [_shown(self.layout, column) for column in range(width)], set(self.columns)

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
            self.write_text(buffer.getvalue())
        for lines in self.streamed.lines(rows):
            self.write_text(lines)

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
        self.write_text(buffer.getvalue())


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
            self.names += [_shown(layout, column) for column in range(len(self.names), len(cells))]
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
