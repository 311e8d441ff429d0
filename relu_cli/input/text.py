"""Readers: command-line values and text/CSV streams → batches of records with their locations.

The data model is the one awk, csvkit and Miller users know: a record is a line, split into fields by a
delimiter. Fields are kept *raw* (exactly as read, quotes included) so untransformed fields can be written
back byte for byte; :func:`unquote` gives a field's value. Streams are read in chunks of whatever is
available, so output for early lines can appear while a slow producer is still writing.

A chunk of plain lines — no quotes, the same number of fields on every line — also comes as
a :class:`Block` of bytes, so that the transform can take its columns in bulk instead of field by field.
"""

from __future__ import annotations

import re
import select
from collections.abc import Collection, Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, BinaryIO

from ..chunks import (
    CHUNK_SIZE,
    WHITESPACE,
    Batch,
    Block,
    Layout,
    Piece,
    separators,
    split_record,
    unquote,
)
from ..errors import InputError, UsageError, quoted
from ..numbers import BLANKS, NULL_VALUES, is_missing, parse_number

if TYPE_CHECKING:
    pass


_BOM = b"\xef\xbb\xbf"


def count_byte(data: bytes, byte: bytes) -> int:
    """How many times ``data`` holds ``byte`` (numpy compares in bulk: faster than ``bytes.count``)."""
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == byte[0]))


@cache
def _all_but_separators(delimiter: bytes) -> bytes:
    """Every byte but a one-byte ``delimiter`` and the line feed."""
    return bytes(byte for byte in range(256) if byte not in (delimiter[0], 10))


def plain_lines(data: bytes, delimiter: bytes, width: int, *, quoted: bool = False) -> bool:
    """Whether every record of ``data`` holds exactly ``width`` fields: in the order the delimiters and line
    feeds stand, every line feed comes right after ``width - 1`` delimiters. With ``quoted``, delimiters
    and line feeds inside quotes do not count (a record then goes on over the next line), and the quotes
    must pair up before the last line feed."""
    import numpy as np

    line = delimiter * (width - 1) + b"\n"
    if not quoted:  # the delimiters and line feeds alone, kept in one pass
        kept = data.translate(None, _all_but_separators(delimiter))
        return kept == line * (len(kept) // width)
    found = separators(np.frombuffer(data, dtype=np.uint8), delimiter[0])
    if found.open:
        return False  # a quoted field goes on past the data
    return found.kinds.tobytes() == line * (len(found.kinds) // width)


def sniff_delimiter(first_record: str, named: str | None = None) -> str | None:
    """Tab, else comma, else semicolon, else runs of whitespace: the first that the record contains.

    With ``named``, the delimiter a file's name implies (:func:`delimiter_for_path`): that one, unless the
    record does not contain it and does contain another of the three (a ``.csv`` that Excel in a European
    locale wrote with semicolons); a record with none of them is one field, as the name says.

    >>> sniff_delimiter("a;b", ","), sniff_delimiter("a,b;c", ","), sniff_delimiter("a b", ",")
    (';', ',', ',')
    """
    if named is not None and named in first_record:
        return named
    for candidate in ("\t", ",", ";"):
        if candidate in first_record:
            return candidate
    return WHITESPACE if named is None else named


def delimiter_for_path(path: str) -> str | None:
    """The delimiter a file's name implies (``data.csv.gz`` too), or None when the name says nothing."""
    lowered = path.lower().removesuffix(".gz")
    if lowered.endswith(".tsv"):
        return "\t"
    if lowered.endswith(".csv"):
        return ","
    return None


def is_header(fields: list[str], nulls: Collection[str] = NULL_VALUES) -> bool:
    """A first record is a header when a field of it is text (not missing, see
    :func:`~relu_cli.numbers.is_missing`, and not a number) and none is a number: a record with a number
    in it is data (as csvkit's sniffer and awk take it), so ``cat -1`` is a record and ``id,2021`` too
    (``--header`` says otherwise), and so is a lone ``NA``.

    >>> is_header(["x", "y"]), is_header(["cat", "-1"]), is_header(["1", "2"]), is_header(["x", ""])
    (True, False, False, True)
    >>> is_header(["NA"]), is_header(["NA"], ())
    (False, True)
    """
    values = [value for value in map(unquote, fields) if not is_missing(value, nulls)]
    return bool(values) and all(parse_number(value) is None for value in values)


def column_names(header: list[str] | None, width: int) -> list[str]:
    """Names for the columns: the header's as written, blanks included (duplicates made unique as
    ``name_2``), else ``1``, ``2``, …"""
    if header is None:
        return [str(i) for i in range(1, width + 1)]
    names: list[str] = []
    seen: set[str] = set()
    tried: dict[str, int] = {}  # per name, the suffixes below this one are taken: a header of one name
    for raw in header:  # repeated thousands of times is numbered in one pass
        name = base = unquote(raw)
        suffix = tried.get(base, 2)
        while name in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        tried[base] = suffix
        seen.add(name)
        names.append(name)
    return names


# the characters ``str.split()`` splits at, among ASCII ones
_ASCII_BLANKS = re.compile(rb"[ \t\n\r\x0b\x0c\x1c-\x1f]+")


def record_cells(data: bytes, delimiter: str | None) -> bytes:
    """The raw fields of a record (without its line end), each followed by a line feed; split in bulk
    unless quotes or non-ASCII text need :func:`split_record`.

    >>> record_cells(b" 1  -2\t3 ", WHITESPACE), record_cells(b"1,,2", ","), record_cells(b"", ",")
    (b'1\\n-2\\n3\\n', b'1\\n\\n2\\n', b'\\n')
    """
    if b'"' in data or not data.isascii():
        return "".join([field + "\n" for field in split_record(data.decode(), delimiter)]).encode()
    if delimiter is WHITESPACE:
        cells = _ASCII_BLANKS.sub(b"\n", data).strip(b"\n")
        return cells + b"\n" if cells else b""
    return data.replace(delimiter.encode(), b"\n") + b"\n"


def read_values(tokens: Iterable[str]) -> tuple[Layout, Batch]:
    """Numbers given on the command line; a token that is not a number is a usage error."""
    rows: list[list[str]] = []
    for position, token in enumerate(tokens, start=1):
        if parse_number(token) is None:
            raise UsageError(f"{quoted(token)} is not a number", where=f"argument {position}")
        rows.append([token])
    layout = Layout("arguments", WHITESPACE, None, ["1"], value_list=True)
    return layout, Batch("arguments", rows, list(range(1, len(rows) + 1)))


class TextReader:
    """Records from a byte stream of delimited text.

    ``delimiter`` and ``header`` of None mean: detect them from the first record. After the first batch
    has been produced, :attr:`layout` describes the input. ``named_delimiter``, the delimiter the file's
    name implies, is used unless the first record says otherwise (:func:`sniff_delimiter`).

    With ``cut_long_records``, a headerless record that grows beyond ``chunk_size`` with no line end in
    sight comes in pieces, so that memory stays bounded however long a line is (see :meth:`_cut_at`).
    """

    def __init__(
        self,
        stream: BinaryIO,
        source: str,
        *,
        delimiter: str | None = None,
        detect_delimiter: bool = True,
        named_delimiter: str | None = None,
        header: bool | None = None,
        nulls: Collection[str] = NULL_VALUES,
        chunk_size: int = CHUNK_SIZE,
        cut_long_records: bool = False,
    ) -> None:
        self.stream = stream
        self.source = source
        self.delimiter = delimiter
        self.detect_delimiter = detect_delimiter
        self.named_delimiter = named_delimiter
        self.header = header
        self.nulls = nulls
        self.chunk_size = chunk_size
        self.cut_long_records = cut_long_records
        self.layout: Layout | None = None
        self.line = 0  # lines read so far
        self._open: list[str] = []  # the lines of a record whose quoted field continues on the next line
        self._open_line = 0
        self._fields_before = 0  # fields of a long record that came in earlier pieces
        self._quoted = False  # whether the bytes read so far leave a quoted field open
        self._after_cr = False  # the bytes read so far end in a CR, made a line feed: drop a next one
        self._held = b""  # a CR at the end of a read inside a quoted field: half of a CR-LF, or not

    def _chunks(self) -> Iterator[tuple[bytes, bool]]:
        """The bytes, cut after a line end, each with whether it is a piece of a long record; reads what
        is available rather than waiting for more.

        The first line comes on its own, so that the layout is known before the rest is looked at in bulk.
        A byte-order mark is dropped and a missing final line end supplied; the read that finds the end of
        the input also ends the last chunk, so a last record without a line end comes in the same chunk as
        with one. Cutting at a line feed never splits a UTF-8 character. A record that outgrows the chunk
        size with no line end is cut where :meth:`_cut_at` says; its pieces come one by one, the last one
        with its line end. One that cannot be cut and holds a NUL byte is binary data, an error.
        """
        pending, first, inside = b"", True, False  # inside: a long record has been cut and goes on
        while True:
            data, end = self._read(pending)
            if end:
                if (data or inside) and not data.endswith(b"\n"):
                    data += b"\n"
                chunk, pending = data, b""
            else:
                cut = data.rfind(b"\n") + 1
                if not cut and len(data) >= self.chunk_size:
                    if first:
                        data = data.removeprefix(_BOM)
                    at, after = self._cut_at(data) if self.cut_long_records else (-1, -1)
                    if at >= 0:
                        yield data[:at], True
                        pending, first, inside = data[after:], False, True
                        continue
                    if b"\x00" in data:
                        line = self._open_line if self._open else self.line + 1
                        raise InputError(
                            f"binary data: NUL bytes and no line end in {len(data):,} bytes "
                            "(relu-cli reads UTF-8 text)",
                            source=self.source,
                            line=line,
                        )
                chunk, pending = data[:cut], data[cut:]
            if chunk and inside:
                head = chunk.index(b"\n") + 1
                yield chunk[:head], True
                chunk, inside = chunk[head:], False
            elif chunk and first:
                first = False
                chunk = chunk.removeprefix(_BOM)
                head = chunk.index(b"\n") + 1
                yield chunk[:head], False
                chunk = chunk[head:]
            if chunk:
                yield chunk, False
            if end:
                return

    def _cut_at(self, data: bytes) -> tuple[int, int]:
        """Where a record with no line end in ``data`` may be cut: the start and end of its last field
        separator (a space or tab for whitespace-delimited input, else the delimiter), or (-1, -1).

        Only a record of a headerless input is cut, and only while no quote has been seen in it, so a
        cut never falls inside a quoted field. When the long record is the first, the input's layout is
        decided here from its first piece: a list of values, each field one value.
        """
        if self._open or b'"' in data:
            return -1, -1
        if self.layout is None and b"\x00" in data:  # the first record, and no line end in sight
            raise self._binary(self.line + 1)
        layout = self.layout
        delimiter = layout.delimiter if layout is not None else self._sniff(data)
        # pieces of a quarter chunk: the work on each piece, not the chunk read, sets the memory needed
        within = self.chunk_size // 4
        if delimiter is WHITESPACE:
            at = max(data.rfind(b" ", 0, within), data.rfind(b"\t", 0, within))
            if at < 0:
                at = max(data.rfind(b" "), data.rfind(b"\t"))
            after = at + 1
        else:
            separator = delimiter.encode()
            at = data.rfind(separator, 0, within)
            if at < 0:
                at = data.rfind(separator)
            after = at + len(separator)
        if at < 0 or (layout is not None and layout.header is not None):
            return -1, -1
        if layout is None:
            fields = split_record(self._decode(data[:at]), delimiter)
            if self.header or (self.header is None and is_header(fields, self.nulls)):
                self.cut_long_records = False  # a header is held whole, and so is every record after it
                return -1, -1
            self.layout = Layout(self.source, delimiter, None, ["1"], value_list=True)
        return at, after

    def _sniff(self, data: bytes) -> str | None:
        """The delimiter for the first record, as :meth:`_make_layout` would decide it."""
        if self.delimiter is not None or not self.detect_delimiter:
            return self.delimiter
        return sniff_delimiter(data.decode(errors="replace"), self.named_delimiter)

    def _piece(self, data: bytes) -> Batch:
        """A batch of one row: the fields of a piece of a long record (the last piece ends in a line feed)."""
        assert self.layout is not None  # decided by _cut_at at the first cut
        ends = data.endswith(b"\n")
        if ends:
            data = data[:-1]
        if not data.isascii():
            self._decode(data)  # invalid UTF-8 is named by its line
        delimiter = self.layout.delimiter
        piece = Piece(record_cells(data, delimiter), self._fields_before, ends)
        batch = Batch(self.source, lines=[self.line + 1], piece=piece)
        self._fields_before += piece.cells.count(b"\n")
        if ends:
            self.line += 1
            self._fields_before = 0
        return batch

    def _read(self, pending: bytes) -> tuple[bytes, bool]:
        """``pending`` and up to a chunk's size more: what is available now, waiting only while nothing is;
        and whether the input has ended. The bytes read have their line ends made line feeds
        (:meth:`_line_ends`).

        A pipe hands over at most 64 KiB at a time, so reads are gathered while more is ready.
        """
        read = getattr(self.stream, "read1", self.stream.read)
        # what is pending counts toward the chunk, so the pieces of a long record do not pile up
        wanted = max(self.chunk_size - len(pending), self.chunk_size // 4, 1)
        pieces = [self._held, read(wanted)]
        size = len(pieces[-1])
        while pieces[-1] and size < wanted and self.ready():
            pieces.append(read(wanted - size))
            size += len(pieces[-1])
        ended = not pieces[-1]
        return pending + self._line_ends(b"".join(pieces), ended=ended), ended

    def _line_ends(self, data: bytes, *, ended: bool) -> bytes:
        """``data``, the next bytes of the input, with every line end a line feed: CR-LF, and a lone CR
        outside a quoted field (classic Mac OS line ends), as Python's csv module splits records.

        Inside a quoted field a CR-LF is a line feed too and a lone CR stays as it is. A CR that ends
        ``data`` outside quoted fields is a line end at once (so a record is not held back until more
        comes), and a line feed right after it, in the next read, is dropped; inside a quoted field it
        is held until the next byte says which it is. Quotes are counted as the reader counts them
        (a doubled quote counts twice), so a field is quoted when an odd number of quotes precede it.
        """
        if self._after_cr and data.startswith(b"\n"):
            data = data[1:]
        self._after_cr, self._held = False, b""
        inside = self._quoted  # whether data starts inside a quoted field
        if b'"' in data:  # found at once when there is none, where counting goes through every byte
            self._quoted ^= bool(count_byte(data, b'"') & 1)
        if b"\r" not in data:
            return data
        if data.endswith(b"\r") and not ended:
            if self._quoted:
                data, self._held = data[:-1], b"\r"
            else:
                self._after_cr = True
        data = data.replace(b"\r\n", b"\n")
        if b'"' not in data:
            return data if inside else data.replace(b"\r", b"\n")
        parts = data.split(b'"')
        for i in range(1 if inside else 0, len(parts), 2):  # the parts outside quoted fields
            parts[i] = parts[i].replace(b"\r", b"\n")
        return b'"'.join(parts)

    def ready(self) -> bool:
        """Whether the stream can be read without waiting: always for bytes in memory (no file descriptor),
        such as a ``BytesIO``."""
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):  # no file descriptor: bytes in memory, such as BytesIO
            return True
        try:
            return bool(select.select([fd], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    def _block(self, data: bytes) -> Block | None:
        """``data`` as a :class:`Block`, or None when it holds anything but plain lines of the layout's width
        (those go through :meth:`_records`, line by line)."""
        layout = self.layout
        quoted = b'"' in data
        if layout is None or self._open or (quoted and layout.width == 1):
            return None
        if b"\r" in data:  # a CR left by _line_ends is inside a quoted field
            return None
        if not data.isascii():
            try:
                data.decode()
            except UnicodeDecodeError:
                return None
        delimiter = b"" if layout.delimiter is WHITESPACE else layout.delimiter.encode()
        if layout.width == 1:
            if b" " in data or b"\t" in data or (delimiter and delimiter in data):
                return None
            return Block(data, 1, delimiter, self.line + 1)
        if len(delimiter) != 1 or not plain_lines(data, delimiter, layout.width, quoted=quoted):
            return None
        return Block(data, layout.width, delimiter, self.line + 1, quoted)

    def _decode(self, data: bytes) -> str:
        text, problem = self._decode_lines(data)
        if problem is not None:
            raise problem
        return text

    def _decode_lines(self, data: bytes) -> tuple[str, InputError | None]:
        """The lines of ``data`` before any invalid UTF-8, as text, and the error naming the bad line."""
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError as error:
            bad_line = self.line + 1 + data.count(b"\n", 0, error.start)
            problem = InputError(
                "invalid UTF-8 (relu-cli reads UTF-8 text)", source=self.source, line=bad_line
            )
            return data[: data.rfind(b"\n", 0, error.start) + 1].decode("utf-8"), problem

    def _records(self, text: str) -> list[tuple[int, str]]:
        """(line number, record text) for the lines of ``text`` (every line end a line feed by now, see
        :meth:`_line_ends`); blank lines are skipped, and a quoted field may span lines."""
        records: list[tuple[int, str]] = []
        for line_text in text.split("\n")[:-1]:
            self.line += 1
            if self._open:
                self._open.append(line_text)
                line_text = "\n".join(self._open)
                if line_text.count('"') % 2:
                    continue
                self._open = []
                records.append((self._open_line, line_text))
            elif '"' in line_text and line_text.count('"') % 2:
                self._open, self._open_line = [line_text], self.line
            elif line_text.strip(BLANKS):
                records.append((self.line, line_text))
        return records

    def _make_layout(self, first: str) -> Layout:
        delimiter = self.delimiter
        if delimiter is None and self.detect_delimiter:
            delimiter = sniff_delimiter(first, self.named_delimiter)
        fields = split_record(first, delimiter)
        has_header = is_header(fields, self.nulls) if self.header is None else self.header
        header = fields if has_header else None
        names = column_names(header, len(fields))
        return Layout(self.source, delimiter, header, names, value_list=header is None and len(fields) == 1)

    def _binary(self, line: int) -> InputError:
        """The error for an input whose first record holds a NUL byte: binary data, not text."""
        return InputError(
            "binary data, not text: the first record holds NUL bytes", source=self.source, line=line
        )

    def _rows(self, records: list[tuple[int, str]]) -> Batch:
        """A batch of records, the first of which decides the layout if it is not known yet.

        A NUL byte in a later record is a byte like any other: copied out in a field that passes through,
        not a number in one that is transformed. In the first record it says the input is binary, not text
        (a file of NULs, UTF-16, an image), as ``grep`` decides from the start of a file: an error.
        """
        start = 0
        if self.layout is None:
            if "\x00" in records[0][1]:
                raise self._binary(records[0][0])
            self.layout = self._make_layout(records[0][1])
            start = 1 if self.layout.header is not None else 0
        delimiter = self.layout.delimiter
        rows = [split_record(text, delimiter) for _, text in records[start:]]
        return Batch(self.source, rows, [line for line, _ in records[start:]])

    def batches(self) -> Iterator[Batch]:
        """The records, batch by batch; the header record, if any, is not among them."""
        for chunk, piece in self._chunks():
            if piece:
                yield self._piece(chunk)
                continue
            yield from self._batches_of(chunk)
        if self._open:
            raise InputError("unterminated quoted field", source=self.source, line=self._open_line)

    def _batches_of(self, data: bytes) -> Iterator[Batch]:
        """The records of ``data``, whole lines: a block when they are plain, else record by record."""
        block = self._block(data)
        if block is not None:
            self.line += count_byte(data, b"\n")
            yield Batch(self.source, block=block)
        else:
            text, problem = self._decode_lines(data)  # the lines before a bad one are still records
            records = self._records(text)
            if records:
                yield self._rows(records)
            if problem is not None:
                raise problem
