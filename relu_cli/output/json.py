"""JSON output: strict JSON (``json``: one array of objects; ``ndjson``: an object a line), and ``text``
output of JSON input, which keeps the input's shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, cast

import numpy as np

from ..chunks import (
    NEVER_IN_UTF8,
    QUOTED_DELIMITER,
    QUOTED_LINE_FEED,
    Layout,
    field_bounds,
    fields_text,
    join,
)
from ..input.json import json_string
from ..numbers import JSON_NUMBER, format_rows, format_tokens, json_number_rows, loads_json_numbers
from ..transform import stacked
from . import Writer, field_name

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..transform import Columns, Processed


def json_passthrough_tokens(cells: list[bytes]) -> list[bytes]:
    r"""Untouched fields as JSON: a number token when the field already is one, else a string. In bulk: all
    at once when every field is a JSON number; else every field made a string at once, and only those that
    start as a number does (a ``-`` or a digit) looked at again, all at once when they all are one.

    >>> json_passthrough_tokens([b"1", b"a", b"-2.5", b"", b"01", b'"b"'])
    [b'1', b'"a"', b'-2.5', b'""', b'"01"', b'"\\"b\\""']
    """
    if loads_json_numbers(cells):
        return cells
    tokens = json_strings(cells)
    bytes_, starts, _ = field_bounds(fields_text(cells))
    for index in _json_numbers(cells, bytes_, starts):
        tokens[index] = cells[index]
    return tokens


def _json_numbers(
    fields: list[bytes], bytes_: NDArray[np.uint8], starts: NDArray[np.intp], inside: int = 0
) -> list[int]:
    """Which ``fields`` are JSON numbers, within ``inside`` bytes at each end (a field's quotes), given
    their bytes and starts as :func:`~relu_cli.chunks.field_bounds` finds them: only those that start as
    a number does (a ``-`` or a digit) are looked at, all at once when they all are one."""
    numbers: list[int] = np.flatnonzero(_STARTS_A_NUMBER[bytes_[starts + inside]]).tolist()
    candidates = [fields[index][inside : len(fields[index]) - inside] for index in numbers]
    if loads_json_numbers(candidates):
        return numbers
    return [index for index, cell in zip(numbers, candidates) if JSON_NUMBER.fullmatch(cell)]


def json_strings(cells: list[bytes]) -> list[bytes]:
    r"""Fields of UTF-8 text as JSON strings, escaped as :func:`~relu_cli.input.json.json_string` escapes
    them, all at once.

    >>> json_strings([b"a", b'b"\\c', b"", "\N{LATIN SMALL LETTER E WITH ACUTE}".encode()])
    [b'"a"', b'"b\\"\\\\c"', b'""', b'"\xc3\xa9"']
    >>> json_strings([b"a\tb\n", b"\x00"])
    [b'"a\\tb\\n"', b'"\\u0000"']
    """
    if not cells:
        return []
    text = join(cells, NEVER_IN_UTF8).replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    for byte in set(text.translate(None, _NOT_CONTROL)):  # the control characters in it, if any
        text = text.replace(bytes([byte]), _CONTROL_ESCAPES[byte])
    return (b'"' + text.replace(NEVER_IN_UTF8, b'"' + NEVER_IN_UTF8 + b'"') + b'"').split(NEVER_IN_UTF8)


class JsonWriter(Writer):
    """Strict JSON: one array of objects (``json``) or one object per line (``ndjson``).

    NaN and ±inf have no JSON spelling and are written as ``null``, as is a missing value. A field of JSON
    input that is not transformed is written back as the JSON value it was read as. ``text`` output of
    JSON input is JSON of the input's shape: the same objects, in an array or one a line, and with ``bare``
    a list of values as one array of the results, on one line.
    """

    def __init__(self, out: BinaryIO, layout: Layout, *, lines: bool, bare: bool = False) -> None:
        super().__init__(out, layout)
        self.lines = lines
        self.bare = bare
        self.count = 0

    def start(self) -> None:
        if not self.lines:
            self.write_text("[")

    def write(self, batch: Processed) -> None:
        rendered = batch.rendered if batch.rendered is not None else self.render(batch)
        if not rendered:
            return
        if self.bare:
            self.write_bytes((b", " if self.count else b"") + rendered)
        else:
            self.write_bytes(rendered if self.lines else (b"," if self.count else b"") + b"\n" + rendered)
        self.count += 1

    def render(self, batch: Processed) -> bytes | None:
        """Objects assembled in bulk, the key of each member beside the column of its values' tokens:
        one a line for ``ndjson``; for ``json``, joined by commas, without the array's brackets. With
        ``bare``, the results joined by commas."""
        columns = batch.columns
        if columns is None:
            return None
        rows = columns.rows
        if not rows:
            return b""
        separator = b"\n" if self.lines else b",\n"
        if self.layout.value_list and not self.bare and _as_numbers(columns):
            # a line of "input,output" tokens a row, made objects by replacing the comma and line feed
            result = columns.results[0]
            pairs = format_rows(np.stack([result.read, result.computed], axis=1), json=True)
            start = b'{"input": '
            text = start + pairs.replace(b",", b', "output": ').replace(b"\n", b"}" + separator + start)
            return text[: -len(start) - (0 if self.lines else len(separator))]
        if self.layout.value_list:
            inputs, outputs = _value_tokens(columns)
            if self.bare:
                return join(outputs, b", ")
            tokens, labels = [inputs, outputs], _labels(["input", "output"])
        else:
            first = batch.part.first_field if batch.part is not None else 0
            labels = _labels([field_name(self.layout, first + column) for column in range(columns.width)])
            numbers = _number_objects(columns, labels, separator)
            if numbers is not None:
                return numbers if self.lines else numbers[: -len(separator)]
            tokens = _column_tokens(columns)
        if columns.lengths is not None:  # rows that differ in their count of fields, one by one
            rows_text = [
                join([piece for column in range(length) for piece in (labels[column], tokens[column][row])])
                for row, length in enumerate(columns.lengths)
            ]
            text = join([(row_text or b"{") + b"}" + separator for row_text in rows_text])
        else:
            step = 2 * len(labels) + 1
            pieces = [b""] * (rows * step)
            for i, (label, column_tokens) in enumerate(zip(labels, tokens)):
                pieces[2 * i :: step] = [label] * rows
                pieces[2 * i + 1 :: step] = column_tokens
            pieces[step - 1 :: step] = [b"}" + separator] * rows
            text = join(pieces)
        return text if self.lines else text[: -len(separator)]

    def finish(self) -> None:
        if not self.lines:
            self.write_text("\n]\n" if self.count and not self.bare else "]\n")


#: The bytes that JSON escapes in a string besides the quote and the backslash, and their escapes
_CONTROL = bytes(range(32))
_CONTROL_ESCAPES = {
    byte: {8: b"\\b", 9: b"\\t", 10: b"\\n", 12: b"\\f", 13: b"\\r"}.get(byte, b"\\u%04x" % byte)
    for byte in _CONTROL
}
_NOT_CONTROL = bytes(range(32, 256))


#: Whether a field that starts with a byte may be a JSON number
_STARTS_A_NUMBER = np.isin(np.arange(256), list(b"-0123456789"))

#: Bytes that stand in for the delimiters of a line of JSON numbers, each for the key after it
_KEY_MARKERS = bytes(byte for byte in range(32) if byte != ord("\n"))


def _number_objects(columns: Columns, labels: list[bytes], separator: bytes) -> bytes | None:
    """Rows of JSON numbers as objects, in bulk: a transformed column's NaN, ±inf and missing cells become
    ``null``, and a few fields passed through that are no JSON numbers their tokens; then each delimiter of
    the rows' text is replaced by the key after it, and each line feed by the end of one object and the
    first key of the next. Columns of text that JSON writes as strings as they are (:func:`_text_columns`)
    may be among them. None for other rows (more fields of no number, and rows of more fields than there
    are markers)."""
    width, lines = len(labels), columns.out_delimited()
    if columns.tokens is not None or lines is None or width - 1 > len(_KEY_MARKERS):
        return None
    order, _, computed = stacked(columns.results)
    nulls = [(column, np.flatnonzero(~np.isfinite(computed[k]))) for k, column in enumerate(order)]
    nulls = [(column, rows) for column, rows in nulls if rows.size]
    pieces = None  # a row's inner fields are its width - 1 pieces: split from the text only if need be
    if not nulls:
        text = lines.joined(b",")
    elif not lines.quoted:
        nulled = {(row, column): b"null" for column, rows in nulls for row in rows.tolist()}
        pieces = _with_tokens(lines.pieces, nulled, width)
        text = join(pieces, b",")
    else:
        return None
    count, null_count = columns.rows * width, sum(rows.size for _, rows in nulls)
    odd = 0 if lines.quoted else columns.rows // 256 + 16  # (a quoted field's value is not its text)
    spans = json_number_rows(text, count, nulls=null_count, odd=odd)
    plain: list[int] = []
    in_quotes: list[int] = []
    if spans is None and (not lines.quoted or lines.delimiter == b","):
        # columns of text written as strings, if the other columns passed through hold numbers only (the
        # transformed ones are numbers made here, and null)
        passed = {column: lines.column(column) for column in range(width) if column not in order}
        plain, in_quotes = _text_columns(passed, quoted=lines.quoted)
        others = {column: fields for column, fields in passed.items() if column not in plain + in_quotes}
        odd_fields = _odd_fields(others, odd) if plain or in_quotes else None
        if odd_fields is not None:
            spans = []
            if odd_fields:
                text = join(_with_tokens(lines.pieces if pieces is None else pieces, odd_fields, width), b",")
            elif in_quotes:  # the delimiters and line feeds inside quotes still their stand-ins
                text = lines.text
    if spans is None:
        return None
    if spans:  # fields passed through that are no JSON numbers, each as a number or string token
        parts, done = [], 0
        for start, end in spans:
            parts += [text[done:start], json_passthrough_tokens([text[start:end]])[0]]
            done = end
        text = join([*parts, text[done:]])
    marked = np.frombuffer(text, dtype=np.uint8).copy()
    delimiters = np.flatnonzero(marked == ord(","))
    for column in range(1, width):  # each row has its width - 1 delimiters
        marked[delimiters[column - 1 :: width - 1]] = _KEY_MARKERS[column - 1]
    objects = marked.tobytes()
    quotes = [b'"' if column in plain else b"" for column in range(width)]  # around a string
    for column in range(1, width):
        key = quotes[column - 1] + labels[column] + quotes[column]
        objects = objects.replace(_KEY_MARKERS[column - 1 : column], key)
    if in_quotes:  # a line feed inside quotes as its escape
        objects = objects.replace(QUOTED_LINE_FEED, b"\\n").replace(QUOTED_DELIMITER, b",")
    first = labels[0] + quotes[0]
    return first + objects.replace(b"\n", quotes[-1] + b"}" + separator + first)[: -len(first)]


def _odd_fields(columns: dict[int, list[bytes]], most: int) -> dict[tuple[int, int], bytes] | None:
    """The fields of ``columns`` (by column) that are no JSON numbers, by their row and column, each with
    its JSON token; None when a column has more than ``most`` of them.

    >>> _odd_fields({0: [b"1", b"", b"-2"], 2: [b"NA", b"3", b"1e5"]}, 2)
    {(1, 0): b'""', (0, 2): b'"NA"'}
    """
    found: dict[tuple[int, int], bytes] = {}
    for column, fields in columns.items():
        text = join([*fields, b""], b"\n")
        spans = json_number_rows(text, len(fields), odd=most)
        if spans is None:
            return None
        if spans:  # a field's row is the count of line feeds before it
            ends = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n"))
            rows = np.searchsorted(ends, [start for start, _ in spans]).tolist()
            tokens = json_passthrough_tokens([fields[row] for row in rows])
            found.update({(row, column): token for row, token in zip(rows, tokens)})
    return found


def _with_tokens(pieces: list[bytes], fields: dict[tuple[int, int], bytes], width: int) -> list[bytes]:
    r"""``pieces`` of unquoted lines (as :class:`~relu_cli.chunks.Delimited` holds them) with some
    ``fields``, by their row and column, replaced: a field of the first or the last column shares its
    piece with the one across the line feed.

    >>> _with_tokens([b"1", b"2\n3", b"4\n"], {(0, 1): b"A", (1, 0): b"B", (0, 0): b"C"}, 2)
    [b'C', b'A\nB', b'4\n']
    """
    pieces = pieces.copy()
    step = width - 1
    for (row, column), token in fields.items():
        if 0 < column < step:
            pieces[row * step + column] = token
        elif column == 0 and row == 0:
            pieces[0] = token
        elif column == 0:
            pieces[row * step] = pieces[row * step].split(b"\n")[0] + b"\n" + token
        else:
            pieces[(row + 1) * step] = token + b"\n" + pieces[(row + 1) * step].split(b"\n")[1]
    return pieces


def _text_columns(passed: dict[int, list[bytes]], *, quoted: bool) -> tuple[list[int], list[int]]:
    """Which columns ``passed`` through (their fields by column) hold text only that JSON writes as a string
    as it is, none of it a JSON number: unquoted ones (no quote, backslash or control character in any;
    nor a comma, which :func:`_number_objects` sets apart fields with), and, of ``quoted`` lines, ones
    whose every field is quoted whole (with no quote inside, nor a backslash or a control character but a
    line feed), which is then a JSON string once the line feeds are escaped."""
    plain: list[int] = []
    in_quotes: list[int] = []
    for column, fields in passed.items():
        if not fields or JSON_NUMBER.fullmatch(fields[0]):
            continue  # (a column of numbers, as most are, is not looked at further)
        text = fields_text(fields)
        if b"\\" in text:
            continue
        bytes_, starts, stops = field_bounds(text)
        controls = len(text) - len(text.translate(None, _CONTROL))
        if b'"' not in text and b"," not in text and not controls:
            found, inside = plain, 0
        elif (
            quoted
            and text.count(b'"') == 2 * len(fields)
            and controls == text.count(b"\n")
            and bool(
                np.all((stops - starts >= 2) & (bytes_[starts] == ord('"')) & (bytes_[stops - 1] == ord('"')))
            )
        ):
            found, inside = in_quotes, 1
        else:
            continue
        if not _json_numbers(fields, bytes_, starts, inside):
            found.append(column)
    return plain, in_quotes


def _as_numbers(columns: Columns) -> bool:
    """Whether a value list's inputs and outputs are all written as the numbers read and computed (none
    kept as read: no bad value, none passed through, no empty value of JSON input)."""
    result = columns.results[0]
    return (
        not result.bad.size and not result.passed.size and (columns.tokens is None or not result.missing.size)
    )


def _value_tokens(columns: Columns) -> tuple[list[bytes], list[bytes]]:
    """A value list's inputs and outputs as JSON tokens: the numbers read and computed (``null`` where
    there is none); a bad value that ``--on-error nan`` replaced shows as it was read, and a value that is
    not transformed is passed through on both sides."""
    result = columns.results[0]
    inputs = format_tokens(result.read, json=True)
    outputs = format_tokens(result.computed, json=True)
    for index in _kept_as_read(columns, result.missing.tolist()):
        inputs[index] = outputs[index] = columns.tokens[index]  # type: ignore[index]
    for index in result.bad.tolist():
        inputs[index] = _as_read(columns, index, passed=False)
    for index in result.passed.tolist():
        inputs[index] = outputs[index] = _as_read(columns, index, passed=True)
    return inputs, outputs


def _as_read(columns: Columns, index: int, *, passed: bool) -> bytes:
    """A field of a value list as JSON, as it was read: JSON input's as the value it was; a field passed
    through as a number when it is one already, another as a string."""
    if columns.tokens is not None:
        return columns.tokens[index]
    value = columns.values([columns.raw[index]])[0]
    return json_passthrough_tokens([value])[0] if passed else json_string(value.decode()).encode()


def _kept_as_read(columns: Columns, missing: list[int]) -> list[int]:
    """Which of the ``missing`` fields JSON output writes back as the JSON values they were: JSON input's
    empty ones (``null``, ``""``, ``" "``). A null spelling (``"NA"``) is written ``null``, as from text."""
    if columns.tokens is None or not missing:
        return []
    raw = columns.raw
    return [index for index in missing if not columns.values([raw[index]])[0].strip(b" \t")]


def _column_tokens(columns: Columns) -> list[list[bytes]]:
    """Each column's JSON tokens: a transformed one's results (``null`` for NaN, ±inf and a missing cell),
    all made at once; another's fields as read (JSON input's as the values they were)."""
    order, _, computed = stacked(columns.results)
    rows = computed.shape[1] if order else 0
    # a column of finite results without a missing cell is written as text writes it (its JSON tokens)
    finite = cast(list[bool], np.isfinite(computed).all(axis=1).tolist() if order else [])
    made: dict[int, list[bytes]] = {}
    redo: list[int] = []  # the others' places in order, their tokens all made at once
    for k, column in enumerate(order):
        if finite[k] and columns.tokens is None and not columns.results[column].missing.size:
            made[column] = columns.out_column(column)
        else:
            redo.append(k)
    if redo:
        results = format_tokens(computed[redo].reshape(-1), json=True)
        made.update({order[k]: results[i * rows : (i + 1) * rows] for i, k in enumerate(redo)})
    width = columns.width
    for column in made:
        missing = columns.results[column].missing.tolist()
        for index in _kept_as_read(columns, [row * width + column for row in missing]):
            made[column][index // width] = columns.tokens[index]  # type: ignore[index]
    tokens: list[list[bytes]] = []
    for column in range(width):
        if column in made:
            tokens.append(made[column])
        elif columns.tokens is not None:
            tokens.append(columns.tokens[column::width])
        else:
            tokens.append(json_passthrough_tokens(columns.values(columns.column(column))))
    return tokens


def _labels(keys: list[str]) -> list[bytes]:
    """What comes before each member's value in an object: the key, and the brace or comma before it; a
    lone surrogate (a JSON key's) as the escape it was read from."""
    return [
        (("{" if i == 0 else ", ") + json_string(key) + ": ").encode("utf-8", "backslashreplace")
        for i, key in enumerate(keys)
    ]
