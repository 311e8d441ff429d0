"""Readers: command-line values and text/CSV streams → batches of records with their locations.

The data model is the one awk, csvkit and Miller users know: a record is a line, split into fields by a
delimiter. Fields are kept *raw* (exactly as read, quotes included) so untransformed fields can be written
back byte for byte; :func:`unquote` gives a field's value. Streams are read in chunks of whatever is
available, so output for early lines can appear while a slow producer is still writing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .errors import InputError, UsageError

#: What relu-cli accepts as a number: decimal or exponent notation with an optional sign, ``.5``,
#: ``5.``, ``inf``/``infinity`` and ``nan`` in any case. Stricter than Python's ``float()`` on purpose:
#: no ``1_000``, no non-ASCII digits, no hex.
NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE | re.ASCII
)
_BLANKS = " \t"

WHITESPACE = None  # the delimiter value meaning "runs of spaces and tabs", as awk splits by default
CHUNK_SIZE = 1 << 20


def parse_number(text: str) -> float | None:
    """The float ``text`` spells (surrounding spaces allowed), or None when it is not a number."""
    stripped = text.strip(_BLANKS)
    return float(stripped) if NUMBER.fullmatch(stripped) else None


def unquote(raw: str) -> str:
    """A field's value: RFC 4180 quotes removed and doubled quotes undone."""
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        return raw[1:-1].replace('""', '"')
    return raw


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


def sniff_delimiter(first_record: str) -> str | None:
    """Tab, else comma, else semicolon, else runs of whitespace: the first that the record contains."""
    for candidate in ("\t", ",", ";"):
        if candidate in first_record:
            return candidate
    return WHITESPACE


def delimiter_for_path(path: str) -> str | None:
    """The delimiter a file's name implies (``data.csv.gz`` too), or None when the name says nothing."""
    lowered = path.lower().removesuffix(".gz")
    if lowered.endswith(".tsv"):
        return "\t"
    if lowered.endswith(".csv"):
        return ","
    return None


def is_header(fields: list[str]) -> bool:
    """A first record is a header when any of its fields is non-empty and not a number."""
    return any(value.strip(_BLANKS) and parse_number(value) is None for value in map(unquote, fields))


def column_names(header: list[str] | None, width: int) -> list[str]:
    """Names for the columns: the header's (duplicates made unique as ``name_2``), else ``1``, ``2``, …"""
    if header is None:
        return [str(i) for i in range(1, width + 1)]
    names: list[str] = []
    seen: set[str] = set()
    for raw in header:
        name = base = unquote(raw).strip(_BLANKS)
        suffix = 2
        while name in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name)
        names.append(name)
    return names


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
class Batch:
    """Records read together, each with the line it started on."""

    source: str
    rows: list[list[str]]
    lines: list[int] = field(default_factory=list)


def read_values(tokens: Iterable[str]) -> tuple[Layout, Batch]:
    """Numbers given on the command line; a token that is not a number is a usage error."""
    rows: list[list[str]] = []
    for position, token in enumerate(tokens, start=1):
        if parse_number(token) is None:
            raise UsageError(f"{token!r} is not a number", where=f"argument {position}")
        rows.append([token])
    layout = Layout("arguments", WHITESPACE, None, ["1"], value_list=True)
    return layout, Batch("arguments", rows, list(range(1, len(rows) + 1)))


class TextReader:
    """Records from a byte stream of delimited text.

    ``delimiter`` and ``header`` of None mean: detect them from the first record. After the first batch
    has been produced, :attr:`layout` describes the input.
    """

    def __init__(
        self,
        stream: BinaryIO,
        source: str,
        *,
        delimiter: str | None = None,
        detect_delimiter: bool = True,
        header: bool | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self.stream = stream
        self.source = source
        self.delimiter = delimiter
        self.detect_delimiter = detect_delimiter
        self.header = header
        self.chunk_size = chunk_size
        self.layout: Layout | None = None

    def _chunks(self) -> Iterator[str]:
        """Decoded text, cut after a line end; reads what is available rather than waiting for more."""
        read = getattr(self.stream, "read1", self.stream.read)
        decoder = codecs.getincrementaldecoder("utf-8")()
        pending, line, at_start = "", 1, True
        while True:
            data = read(self.chunk_size)
            # error.start counts from the bytes the decoder held back (part of a character), not from data
            held = len(decoder.getstate()[0])
            try:
                decoded = decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                bad_line = line + data[: max(0, error.start - held)].count(b"\n")
                raise InputError(
                    "invalid UTF-8 (relu-cli reads UTF-8 text)", source=self.source, line=bad_line
                ) from None
            if at_start and decoded:
                decoded, at_start = decoded.removeprefix("\ufeff"), False  # a byte order mark is not data
            text = pending + decoded
            if not data:
                if text:
                    yield text
                return
            cut = text.rfind("\n") + 1
            pending = text[cut:]
            if cut:
                line += text.count("\n", 0, cut)
                yield text[:cut]

    def _records(self) -> Iterator[list[tuple[int, str]]]:
        """Lists of (line number, record text) per chunk; blank lines are skipped, CR-LF ends accepted, and
        a quoted field may span lines."""
        line = 0
        open_record: list[str] = []
        open_line = 0
        for chunk in self._chunks():
            lines = chunk.split("\n")
            if lines[-1] == "":
                lines.pop()
            records: list[tuple[int, str]] = []
            for text in lines:
                line += 1
                if text.endswith("\r"):
                    text = text[:-1]
                if open_record:
                    open_record.append(text)
                    text = "\n".join(open_record)
                    if text.count('"') % 2:
                        continue
                    open_record = []
                    records.append((open_line, text))
                elif '"' in text and text.count('"') % 2:
                    open_record, open_line = [text], line
                elif text.strip(_BLANKS):
                    records.append((line, text))
            if records:
                yield records
        if open_record:
            raise InputError("unterminated quoted field", source=self.source, line=open_line)

    def _make_layout(self, first: str) -> Layout:
        delimiter = self.delimiter
        if delimiter is None and self.detect_delimiter:
            delimiter = sniff_delimiter(first)
        fields = split_record(first, delimiter)
        has_header = is_header(fields) if self.header is None else self.header
        header = fields if has_header else None
        names = column_names(header, len(fields))
        return Layout(self.source, delimiter, header, names, value_list=header is None and len(fields) == 1)

    def batches(self) -> Iterator[Batch]:
        """The records, batch by batch; the header record, if any, is not among them."""
        for records in self._records():
            start = 0
            if self.layout is None:
                self.layout = self._make_layout(records[0][1])
                start = 1 if self.layout.header is not None else 0
            delimiter = self.layout.delimiter
            batch = Batch(self.source, [], [])
            for line, text in records[start:]:
                batch.rows.append(split_record(text, delimiter))
                batch.lines.append(line)
            yield batch


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


def parse_columns(spec: str, names: list[str]) -> list[int]:
    """0-based column indexes for a csvkit-style list: names, 1-based numbers and ranges (``1,3-5,x``).

    A name is looked up first, so a column named ``2`` is found by its name.
    """
    indexes: list[int] = []
    for item in (part.strip() for part in spec.split(",")):
        if item in names:
            indexes.append(names.index(item))
            continue
        bounds = item.split("-")
        if 1 <= len(bounds) <= 2 and all(b.isdigit() for b in bounds):
            low, high = int(bounds[0]), int(bounds[-1])
            if 1 <= low <= high <= len(names):
                indexes.extend(i for i in range(low - 1, high) if i not in indexes)
                continue
        available = ", ".join(f"{i} {name!r}" for i, name in enumerate(names, start=1))
        raise UsageError(f"no column {item!r}; available: {available}", where="--columns")
    return indexes
