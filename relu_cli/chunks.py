"""The chunk model every part of relu-cli shares: what an input looks like (:class:`Layout`), and the
pieces it is read in (:class:`Batch`, with its lines as a :class:`Block` of bytes when they are plain, or
a :class:`Piece` of a long record). Once transformed, every batch is held in columns
(:class:`~relu_cli.transform.Columns`).

Fields are kept *raw* (exactly as read, quotes included) so untransformed fields can be written back byte
for byte; :func:`unquote` gives a field's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from .errors import InputError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


WHITESPACE = None  # the delimiter value meaning "runs of spaces and tabs", as awk splits by default


NEVER_IN_UTF8 = b"\xff"  # a byte that valid UTF-8 never holds: it can set apart fields of any text
#: Two more such bytes, which stand in a quoted block's delimited lines for a delimiter and a line feed
#: inside quotes (:meth:`Block.delimited`)
QUOTED_DELIMITER, QUOTED_LINE_FEED = b"\xfe", b"\xfd"

CHUNK_SIZE = 1 << 19  # 512 KiB: measured faster than 1 MiB (fewer page faults) and than 256 KiB


class JsonField(str):
    """A field read from JSON input. As a string it is the field the rest of relu-cli works with, as a
    delimited field would hold it (a string quoted as in CSV, ``null`` empty, other values as written);
    ``token`` is the JSON value it was read from, as JSON output writes it back, so that a value that is
    not transformed keeps its type (``true``, ``"0"``, ``null``, ``{"a": 1}``) and its number's spelling.

    :func:`unquote` keeps the token, so the value a field is read as remembers it too.
    """

    token: str

    def __new__(cls, text: str, token: str) -> JsonField:
        field = super().__new__(cls, text)
        field.token = token
        return field

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return str(self), self.token


def unquote(raw: str) -> str:
    """A field's value: RFC 4180 quotes removed and doubled quotes undone (a JSON field keeps its token)."""
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        value = raw[1:-1].replace('""', '"')
        return JsonField(value, raw.token) if isinstance(raw, JsonField) else value
    return raw


def unquote_bytes(raw: bytes) -> bytes:
    """:func:`unquote` of a field as bytes."""
    if raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2:
        return raw[1:-1].replace(b'""', b'"')
    return raw


def unquote_fields(fields: list[bytes]) -> list[bytes]:
    """:func:`unquote_bytes` of every field, in bulk: the quoted ones are found from the bytes that start
    and end each field, and their quotes taken off all at once.

    >>> unquote_fields([b"1", b'"2"', b"", b'"a ""b"" c"', b'x"', b'""', b'"'])
    [b'1', b'2', b'', b'a "b" c', b'x"', b'', b'"']
    """
    import numpy as np

    text = fields_text(fields)
    if b'"' not in text:
        return fields
    bytes_, starts, stops = field_bounds(text)
    quoted = (stops - starts >= 2) & (bytes_[starts] == ord('"')) & (bytes_[stops - 1] == ord('"'))
    indexes = np.flatnonzero(quoted).tolist()
    if len(indexes) == len(fields):
        return _unquoted(text[1:])
    unquoted = fields.copy()
    for index, value in zip(indexes, _unquoted(join([fields[index] for index in indexes], NEVER_IN_UTF8))):
        unquoted[index] = value
    return unquoted


def _unquoted(text: bytes) -> list[bytes]:
    """The values of quoted fields, each in its quotes, given joined by a byte that no field holds."""
    boundary = b'"' + NEVER_IN_UTF8 + b'"'  # a field's closing quote, and the next one's opening quote
    return text.replace(boundary, NEVER_IN_UTF8)[1:-1].replace(b'""', b'"').split(NEVER_IN_UTF8)


def fields_text(fields: list[bytes]) -> bytes:
    """``fields`` as one text, each after a byte that no field holds (:data:`NEVER_IN_UTF8`)."""
    return join([b"", *fields], NEVER_IN_UTF8)


def field_bounds(text: bytes) -> tuple[NDArray[np.uint8], NDArray[np.intp], NDArray[np.intp]]:
    """The bytes of ``text`` (as :func:`fields_text` makes it) and one more that no field holds, so that
    the byte at each field's start is that one for an empty field; and where each field starts and stops.

    >>> bytes_, starts, stops = field_bounds(fields_text([b"ab", b"", b"c"]))
    >>> bytes_[starts].tolist(), starts.tolist(), stops.tolist()
    ([97, 255, 99], [1, 4, 5], [3, 4, 6])
    """
    import numpy as np

    bytes_ = np.frombuffer(text + NEVER_IN_UTF8, dtype=np.uint8)
    bounds = np.flatnonzero(bytes_ == NEVER_IN_UTF8[0])
    return bytes_, bounds[:-1] + 1, bounds[1:]


#: Pieces joined at a time by :func:`join`
_JOIN_GROUP = 4096


def join(pieces: Sequence[bytes], separator: bytes = b"") -> bytes:
    """``separator.join(pieces)``, a group at a time. ``bytes.join`` first sets up an 80-byte buffer view
    for every piece, about 10 MB for the 130,000 pieces of a chunk's JSON; in groups it needs little more
    than the result, and is faster too (the groups stay in the processor's cache).

    >>> join([b"%d" % i for i in range(10_000)], b",") == b",".join(b"%d" % i for i in range(10_000))
    True
    """
    if len(pieces) <= _JOIN_GROUP:
        return separator.join(pieces)
    step = _JOIN_GROUP
    return separator.join(
        [separator.join(pieces[start : start + step]) for start in range(0, len(pieces), step)]
    )


def split_record(text: str, delimiter: str | None) -> list[str]:
    """Split one record into raw fields; a delimiter inside double quotes does not split."""
    if delimiter is WHITESPACE:
        return text.split()
    if '"' not in text:
        return text.split(delimiter)
    fields: list[str] = []
    start, quoted = 0, False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted  # a doubled quote toggles twice
        elif char == delimiter and not quoted:
            fields.append(text[start:i])
            start = i + 1
    fields.append(text[start:])
    return fields


@dataclass
class Layout:
    """What the first record of an input says about all of it."""

    source: str
    delimiter: str | None
    header: list[str] | None  # raw header fields, or None when the input has no header
    names: list[str]
    value_list: bool  # a plain list of numbers: arguments, or one headerless column
    json_shape: str | None = None  # JSON input: "array" or "lines" (NDJSON), which text output keeps

    @property
    def width(self) -> int:
        return len(self.names)


@dataclass
class Block:
    """A chunk of plain lines, for the transform to take in bulk: no carriage returns, and with ``width`` > 1
    exactly ``width`` fields split by a one-byte ``delimiter`` on every line; ``quoted`` when a field holds
    quotes: a quoted delimiter does not split, and a quoted line feed does not end its record, which then
    goes on over the next line (a note, an address). With ``width`` 1 every line is one field (no
    delimiter, space, tab or quote) or blank; blank lines are not records.
    """

    data: bytes  # the lines, each ending in a line feed; valid UTF-8
    width: int
    delimiter: bytes
    first_line: int  # the number of the first line in its input
    quoted: bool = False

    def fields(self) -> list[bytes]:
        """Every field as read (quotes and all), row after row; with ``width`` 1, every line (blank ones
        too)."""
        if self.width == 1:
            return self.data.split(b"\n")[:-1]
        if self.quoted:  # the delimiters and record ends outside quotes become one byte, split at once
            import numpy as np

            text = np.frombuffer(self.data, dtype=np.uint8).copy()
            places = self._separators.places
            if self._record_ends is None:
                text[places] = 10  # the line feeds among them stay line feeds
                return text.tobytes().split(b"\n")[:-1]
            text[places] = NEVER_IN_UTF8[0]
            return text.tobytes().split(NEVER_IN_UTF8)[:-1]
        return self.data.replace(b"\n", self.delimiter).split(self.delimiter)[:-1]

    def delimited(self) -> Delimited:
        """The records as :class:`Delimited` lines: in a quoted block, each delimiter and line feed inside
        quotes is a stand-in byte, so that only those that split fields and records are left."""
        if not self.quoted:
            return Delimited(self.width, self.delimiter, text=self.data)
        import numpy as np

        text = np.frombuffer(self.data, dtype=np.uint8).copy()
        found = self._separators
        text[found.quoted_places] = np.where(
            found.quoted_kinds == 10, QUOTED_LINE_FEED[0], QUOTED_DELIMITER[0]
        ).astype(np.uint8)
        return Delimited(
            self.width,
            self.delimiter,
            text=text.tobytes(),
            quoted=True,
            odd_quotes=self._odd_quotes(),
        )

    def _odd_quotes(self) -> frozenset[int]:
        """The columns with a field quoted otherwise than the csv module quotes one with the block's
        delimiter (a quote, text without quotes that holds the delimiter or a line feed, and a quote).
        Quotes pair up in a block, so each first of a pair must start its field and each second end it.

        >>> block = Block(b'"a,b",1,"c"\\n"d""e",2,"f,g"\\n', 3, b",", 1, quoted=True)
        >>> sorted(block._odd_quotes())
        [0, 2]
        """
        import numpy as np

        found = self._separators
        text = np.frombuffer(self.data, dtype=np.uint8)
        opening, closing = found.quotes[0::2], found.quotes[1::2]
        # the text ends with a line feed, which is then before a quote that starts it
        before, after = text[opening - 1], text[closing + 1]
        delimiter = self.delimiter[0]
        held = np.searchsorted(found.quoted_places, closing) - np.searchsorted(found.quoted_places, opening)
        odd = ~(
            ((before == delimiter) | (before == 10)) & ((after == delimiter) | (after == 10)) & (held > 0)
        )
        if not odd.any():
            return frozenset()
        # a quote's column: the delimiters outside quotes between its record's start and it
        delimiters = np.cumsum(found.kinds == delimiter)
        since_record = delimiters - np.maximum.accumulate(np.where(found.kinds == 10, delimiters, 0))
        before_quote = np.searchsorted(found.places, opening[odd])
        columns = np.where(before_quote > 0, since_record[before_quote - 1], 0)
        return frozenset(columns.tolist())

    @cached_property
    def _separators(self) -> Separators:
        """:func:`separators` of the block (a quoted one)."""
        import numpy as np

        return separators(np.frombuffer(self.data, dtype=np.uint8), self.delimiter[0])

    @cached_property
    def _record_ends(self) -> NDArray[np.intp] | None:
        """Where each record ends, when a quoted field holds a line feed (so that a record goes on over the
        next line); None when every line is a record."""
        if not self.quoted or not (self._separators.quoted_kinds == 10).any():
            return None
        found = self._separators
        ends: NDArray[np.intp] = found.places[found.kinds == 10]
        return ends

    def lines(self) -> int | list[int]:
        """The line each record starts on: when every line is a record, the first one's, the others'
        following on. Before a record start as many lines as records before it, and as many more as the
        line feeds in their quotes."""
        ends = self._record_ends
        if ends is None:
            return self.first_line
        import numpy as np

        found = self._separators
        quoted_line_feeds = found.quoted_places[found.quoted_kinds == 10]
        starts = np.concatenate(([0], ends[:-1] + 1))
        before = np.arange(len(starts)) + np.searchsorted(quoted_line_feeds, starts)
        numbers: list[int] = (self.first_line + before).tolist()
        return numbers

    def _texts(self) -> list[str]:
        """Each record's text, as the line-by-line reader gives it."""
        ends = self._record_ends
        if ends is None:
            return self.data.decode().split("\n")[:-1]
        starts = [0, *(ends[:-1] + 1).tolist()]
        return [self.data[start:end].decode() for start, end in zip(starts, ends.tolist())]

    def first_cell(self, column: int) -> str:
        ends = self._record_ends
        first = self.data[: self.data.index(b"\n") if ends is None else int(ends[0])]
        if self.width == 1:
            return first.decode()
        return unquote(split_record(first.decode(), self.delimiter.decode())[column])

    @cached_property
    def records(self) -> tuple[list[list[str]], list[int]]:
        """The records as lists of fields, and the line of each, as the line-by-line reader gives them."""
        lines = self._texts()
        if self.width > 1:
            delimiter = self.delimiter.decode()
            rows = [split_record(line, delimiter) for line in lines]
            numbers = self.lines()
            return rows, numbers if isinstance(numbers, list) else list(range(numbers, numbers + len(rows)))
        numbered = [(number, line) for number, line in enumerate(lines, self.first_line) if line]
        return [[line] for _, line in numbered], [number for number, _ in numbered]


class Delimited:
    """Lines of ``width`` fields (2 or more) split by a one-byte ``delimiter`` that no field holds, kept as
    their text or as the pieces between the delimiters: a line's last field and the next line's first are
    one piece, with the line feed between them. A column between the first and the last is then every
    ``width - 1``-th piece, taken out and put back without splitting the lines into fields at all; and
    lines given as text are written as they are.

    >>> lines = Delimited(3, b",", text=b"1,a,x\\n2,b,y\\n")
    >>> lines.column(1), lines.column(0), lines.column(2)
    ([b'a', b'b'], [b'1', b'2'], [b'x', b'y'])
    >>> lines.replaced({1: [b"A", b"B"]}).joined(b"\\t")
    b'1\\tA\\tx\\n2\\tB\\ty\\n'

    ``quoted`` lines hold :data:`QUOTED_DELIMITER` and :data:`QUOTED_LINE_FEED` for the delimiters and line
    feeds inside quotes; every field and line taken out has them as they were.

    >>> quoted = Delimited(3, b",", text=b'1,"a\\xfeb",x\\n2,"c\\xfdd",y\\n', quoted=True)
    >>> quoted.column(1), quoted.joined(b"\\t")
    ([b'"a,b"', b'"c\\nd"'], b'1\\t"a,b"\\tx\\n2\\t"c\\nd"\\ty\\n')
    >>> quoted.fields()
    [b'1', b'"a,b"', b'x', b'2', b'"c\\nd"', b'y']
    """

    def __init__(
        self,
        width: int,
        delimiter: bytes,
        *,
        text: bytes | None = None,
        pieces: list[bytes] | None = None,
        quoted: bool = False,
        odd_quotes: frozenset[int] | None = None,
    ) -> None:
        self.width = width
        self.delimiter = delimiter
        self.quoted = quoted
        # the columns with a field quoted otherwise than the csv module quotes one; None: not known
        self.odd_quotes = odd_quotes
        if text is not None:
            self.text = text
        if pieces is not None:
            self.pieces = pieces

    @classmethod
    def of_values(cls, lines: bytes, width: int, delimiter: bytes) -> Delimited:
        """Values one a line (as :func:`~relu_cli.numbers.format_lines` writes them), ``width`` to a line
        instead."""
        import numpy as np

        text = np.frombuffer(lines, dtype=np.uint8).copy()
        ends = np.flatnonzero(text == 10)
        text[ends] = delimiter[0]
        text[ends[width - 1 :: width]] = 10
        return cls(width, delimiter, text=text.tobytes())

    @cached_property
    def text(self) -> bytes:
        """The lines as they are held: in quoted ones, the stand-ins for what is inside quotes."""
        return join(self.pieces, self.delimiter)

    @cached_property
    def pieces(self) -> list[bytes]:
        return self.text.split(self.delimiter)

    @staticmethod
    def inner(width: int, column: int) -> bool:
        """Whether ``column`` is one that is pieces of its own: neither the first nor the last."""
        return 0 < column < width - 1

    def column(self, column: int) -> list[bytes]:
        if self.inner(self.width, column):
            fields = self.pieces[column :: self.width - 1]
        else:
            fields = self._ends[0:-1:2] if column == 0 else self._ends[1:-1:2]
        if self.quoted:  # the stand-ins given back in one pass over the column
            text = join(fields, NEVER_IN_UTF8)
            if QUOTED_DELIMITER in text or QUOTED_LINE_FEED in text:
                return text.translate(self._restore).split(NEVER_IN_UTF8)
        return fields

    @cached_property
    def _restore(self) -> bytes:
        """The table that gives the stand-ins of quoted lines back their bytes."""
        return bytes.maketrans(QUOTED_DELIMITER + QUOTED_LINE_FEED, self.delimiter + b"\n")

    @cached_property
    def _ends(self) -> list[bytes]:
        """Each line's first and last field in turn, then b""."""
        return join(self.pieces[0 :: self.width - 1], b"\n").split(b"\n")

    def replaced(self, columns: Mapping[int, list[bytes]]) -> Delimited:
        """These lines with the fields of some inner columns replaced."""
        pieces = self.pieces.copy()
        odd_quotes = self.odd_quotes
        for column, fields in columns.items():
            assert self.inner(self.width, column)
            pieces[column :: self.width - 1] = fields
            if odd_quotes and column in odd_quotes and b'"' not in join(fields):
                odd_quotes = odd_quotes - {column}
        return Delimited(self.width, self.delimiter, pieces=pieces, quoted=self.quoted, odd_quotes=odd_quotes)

    def joined(self, delimiter: bytes) -> bytes:
        """The lines, their fields joined by ``delimiter``."""
        if delimiter == self.delimiter:
            text = self.text
        elif "text" in self.__dict__:
            text = self.text.replace(self.delimiter, delimiter)
        else:
            text = join(self.pieces, delimiter)
        return text.translate(self._restore) if self.quoted else text

    def fields(self) -> list[bytes]:
        """Every field, row after row."""
        if not self.quoted:
            return self.text.replace(b"\n", self.delimiter).split(self.delimiter)[:-1]
        # the fields' ends become one byte, and the stand-ins what they stand for, in one pass
        ends = bytes.maketrans(
            self.delimiter + b"\n" + QUOTED_DELIMITER + QUOTED_LINE_FEED,
            NEVER_IN_UTF8 * 2 + self.delimiter + b"\n",
        )
        return self.text.translate(ends).split(NEVER_IN_UTF8)[:-1]


class Separators(NamedTuple):
    """Where a text holds delimiters and line feeds, outside quotes and inside them, each with which of
    the two it is; where it holds quotes; and whether it ends inside quotes."""

    places: NDArray[np.intp]  # outside quotes: those that split fields and records
    kinds: NDArray[np.uint8]
    quoted_places: NDArray[np.intp]  # inside quotes: part of a field
    quoted_kinds: NDArray[np.uint8]
    quotes: NDArray[np.intp]
    open: bool


def separators(text: NDArray[np.uint8], delimiter: int) -> Separators:
    """The :class:`Separators` of ``text``. A quote toggles, a doubled one twice, as :func:`split_record`
    reads them. Counted among those bytes and the quotes only, so that the cost of a chunk with quotes
    stays close to that of one without.

    >>> import numpy as np
    >>> found = separators(np.frombuffer(b'a,"b,\\nc",d\\n', dtype=np.uint8), ord(","))
    >>> found.places.tolist(), bytes(found.kinds), found.quoted_places.tolist(), found.quotes.tolist()
    ([1, 8, 10], b',,\\n', [4, 5], [2, 7])
    """
    import numpy as np

    special = np.flatnonzero((text == 10) | (text == delimiter) | (text == 34))
    kinds = text[special]
    quote = kinds == 34
    inside = np.bitwise_xor.accumulate(quote.view(np.uint8)).view(bool)  # after an odd number of quotes
    outside = np.flatnonzero(~inside & ~quote)
    quoted = np.flatnonzero(inside & ~quote)
    return Separators(
        special[outside],
        kinds[outside],
        special[quoted],
        kinds[quoted],
        special[quote],
        bool(inside[-1]) if inside.size else False,
    )


@dataclass
class Piece:
    """Part of a record too long to hold at once, and where it stands in that record."""

    cells: bytes  # its fields, each followed by a line feed (as :meth:`Block.columns` gives a column)
    first_field: int  # how many fields of the record came in earlier pieces
    ends: bool  # whether the record ends in this piece


@dataclass
class Batch:
    """Records read together, each with the line it started on. A batch of plain lines holds them as a
    ``block`` of bytes instead, split into records only if they are asked for (:meth:`records`); a
    ``piece`` batch holds some fields of a record too long to hold at once (see
    :meth:`TextReader._cut_at`)."""

    source: str
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    block: Block | None = None
    piece: Piece | None = None

    def records(self) -> tuple[list[list[str]], list[int]]:
        """The records as lists of raw fields, and the line of each."""
        if self.block is not None:
            return self.block.records
        if self.piece is not None:  # its fields hold no line feed: a piece ends at its record's end
            return [self.piece.cells.decode().split("\n")[:-1]], self.lines
        return self.rows, self.lines


def check_same_layout(first: Layout, other: Layout) -> None:
    """Several files form one stream only when they agree on their header."""
    if (first.header is None) != (other.header is None) or (
        first.header is not None and first.names != other.names
    ):
        raise InputError(
            f"its columns ({', '.join(other.names)}) differ from those of {first.source} "
            f"({', '.join(first.names)})",
            source=other.source,
        )
