"""JSON input: an array of numbers, an array of objects, or objects one after another (NDJSON).

Each object is a record and its keys are the columns, so ``--columns`` names keys; an array of numbers
is a value list, like numbers one per line. Values become the fields the rest of relu-cli knows: a number
as written, ``null`` as a missing (empty) field, a string quoted as in CSV (so one that spells a number
counts as that number, as in CSV), and ``true``, ``false``, arrays and objects as compact JSON. Each is a
:class:`~relu_cli.chunks.JsonField` that remembers the JSON value it was, so that JSON output writes an
untransformed value back with its type and its number's spelling.

Arrays and objects may nest up to :data:`MAX_DEPTH` levels; deeper ones are an error at their line.
``NaN``, ``Infinity`` and ``-Infinity``, which Python's json reads but JSON does not have, are read as
numbers; written back as JSON, like every non-finite value, they are ``null``.

Input is parsed value by value as it arrives: NDJSON from a slow producer is answered line by line.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from itertools import repeat
from typing import Any, BinaryIO

from ..chunks import CHUNK_SIZE, WHITESPACE, Batch, JsonField, Layout
from ..errors import InputError, quoted, shortened

_BLANK = re.compile(r"[ \t\r\n]*")


_NUMBER_GOES_ON = ("", *"0123456789.eE+-")  # what may follow a number cut short


#: How deep arrays and objects may nest in each other, counting the document's own top-level array. Python's
#: json reader recurses once a level, so a limit well below Python's recursion limit keeps the depth at
#: which input is refused the same wherever relu-cli is called from.
MAX_DEPTH = 512


_NOT_JSON_NUMBERS = ("NaN", "Infinity", "-Infinity")  # what Python's json reads but JSON does not have


class JsonNumber(str):
    """A JSON number kept exactly as written (``NaN`` and ``Infinity`` too, as Python's json reads them)."""


class DuplicateKey(ValueError):
    """A JSON object that names a key twice: keeping either value would drop the other unsaid."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; :class:`DuplicateKey` when a key comes twice.

    >>> _object([("x", 1), ("x", 2)])
    Traceback (most recent call last):
    relu_cli.input.json.DuplicateKey: x
    """
    made = dict(pairs)
    if len(made) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return made


class NestingError(ValueError):
    """Arrays and objects nested deeper than allowed."""


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=JsonNumber
)


def json_string(text: str) -> str:
    """``text`` as a JSON string. A lone surrogate (read from JSON input, where only an escape such as
    ``\\ud800`` can make one) stays in it, and :meth:`~relu_cli.output.Writer.write_text` writes it as
    that escape."""
    import json  # here, not at the top: text output, the usual case, starts faster without it

    return json.dumps(text, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, JsonNumber):
        return "null" if value in _NOT_JSON_NUMBERS else str(value)
    if isinstance(value, str):
        return json_string(value)
    return json.dumps(value)  # true, false, null


def compact(value: Any, depth: int = MAX_DEPTH) -> str:
    """``value`` as one line of strict JSON, its numbers exactly as they were written (``NaN`` and
    ``Infinity``, which JSON has no spelling for, as ``null``). Arrays and objects may nest ``depth`` levels;
    deeper raises :class:`NestingError`. Made without recursion, so any depth Python's json read is fine.

    >>> compact({"a": [JsonNumber("1.50"), None, {"b": True}], "c": []})
    '{"a": [1.50, null, {"b": true}], "c": []}'
    """
    pieces: list[str] = []
    inside: list[tuple[Iterator[tuple[Any, Any]], str]] = []  # the members still to write, and the closer
    item = value
    while True:
        if isinstance(item, (list, dict)):
            if len(inside) >= depth:
                raise NestingError(f"arrays and objects nested more than {MAX_DEPTH} deep")
            if isinstance(item, dict):
                pieces.append("{")
                inside.append((iter(item.items()), "}"))
            else:
                pieces.append("[")
                inside.append((zip(repeat(None), item), "]"))
        else:
            pieces.append(_scalar(item))
        while inside:
            members, closer = inside[-1]
            member = next(members, None)
            if member is None:
                pieces.append(closer)
                inside.pop()
                continue
            key, item = member
            separator = "" if pieces[-1] in ("[", "{") else ", "
            pieces.append(separator if key is None else f"{separator}{json_string(str(key))}: ")
            break
        else:
            return "".join(pieces)


def to_field(value: Any, depth: int = MAX_DEPTH) -> JsonField:
    """A JSON value as a raw field: null is missing, a string is quoted as in CSV, the rest is JSON; its
    token is the value as JSON output writes it back."""
    if value is None:
        return JsonField("", "null")
    if isinstance(value, JsonNumber):
        return JsonField(value, _scalar(value))
    if isinstance(value, str):
        return JsonField('"' + value.replace('"', '""') + '"', json_string(value))
    text = compact(value, depth)  # true, false, arrays and objects
    return JsonField(text, text)


def _perhaps_cut(text: str, error: json.JSONDecodeError) -> bool:
    """Whether ``error`` may come from ``text`` being cut short, so that more input could mend it.

    A cut can only spoil the last line, and only where the text ends: in the last few characters (a
    literal, a number, an escape) or in a string still open there. Any other error stands whatever
    follows, so the text after it is not held waiting: a stream of NUL bytes fails at once.
    """
    if text.find("\n", error.pos) >= 0:
        return False
    return error.pos >= len(text) - 16 or error.msg.startswith("Unterminated string")


class JsonReader:
    """Records from a byte stream of JSON; like :class:`~relu_cli.input.text.TextReader`, :attr:`layout`
    describes the input once the first batch has been produced."""

    def __init__(self, stream: BinaryIO, source: str, *, chunk_size: int = CHUNK_SIZE) -> None:
        self.stream = stream
        self.source = source
        self.chunk_size = chunk_size
        self.layout: Layout | None = None
        self.shape: str | None = None  # "array" or "lines", from the first visible character

    def _error(self, message: str, line: int) -> InputError:
        return InputError(message, source=self.source, line=line)

    def _values(self) -> Iterator[list[tuple[int, Any]]]:
        """The top-level values (the elements of a top-level array), with the line each starts on, in lists
        of what the input has made available."""
        read = getattr(self.stream, "read1", self.stream.read)
        decode = codecs.getincrementaldecoder("utf-8-sig")().decode
        text, pos, line, last = "", 0, 1, 1  # line is the line number at text[pos]
        expect = "value"  # inside an array: "first" (a value or ]), "value", "comma" (, or ]), "end"
        after_cr = False  # the text so far ends in a CR, made a line feed: drop a line feed next
        while True:
            data = read(self.chunk_size)
            final = not data
            try:
                new = decode(data, final=final)
            except UnicodeDecodeError as error:
                before = data[: error.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                bad_line = line + text.count("\n", pos) + before.count(b"\n")
                raise self._error("invalid UTF-8 (relu-cli reads UTF-8 text)", bad_line) from None
            # a lone CR ends a line, as CR-LF and LF do, so that line numbers count CR-ended lines
            # (a raw CR in JSON is white space, or an error inside a string either way)
            if after_cr and new.startswith("\n"):
                new = new[1:]
            after_cr = new.endswith("\r")
            text = text[pos:] + new.replace("\r\n", "\n").replace("\r", "\n")
            pos = 0
            values: list[tuple[int, Any]] = []
            while True:
                blank = _BLANK.match(text, pos)
                assert blank is not None  # the pattern matches the empty string
                line += text.count("\n", pos, blank.end())
                pos = blank.end()
                if pos == len(text):
                    break
                last = line  # the line of the last visible character, for an input cut short
                char = text[pos]
                if self.shape is None:
                    self.shape = "array" if char == "[" else "lines"
                    if char == "[":
                        pos, expect = pos + 1, "first"
                        continue
                if self.shape == "array" and expect != "value":
                    if expect == "end":
                        raise self._error("unexpected data after the JSON array", line)
                    if char == "]":
                        pos, expect = pos + 1, "end"
                        continue
                    if expect == "comma":
                        if char != ",":
                            raise self._error("expected ',' or ']' after an array element", line)
                        pos, expect = pos + 1, "value"
                        continue
                try:
                    value, end = _DECODER.raw_decode(text, pos)
                except DuplicateKey as duplicate:
                    message = (
                        f"duplicate key {quoted(duplicate.key)} in a JSON object (each key may appear once)"
                    )
                    raise self._error(message, line) from None
                except RecursionError:
                    raise self._error(f"arrays and objects nested more than {MAX_DEPTH} deep", line) from None
                except json.JSONDecodeError as error:
                    if not final and _perhaps_cut(text, error):
                        break  # perhaps cut by the chunk: wait for the rest
                    # an input cut short is wrong where its last visible character is, line end or none
                    at = error.pos if text[error.pos :].strip() else len(text.rstrip())
                    raise self._error(
                        f"invalid JSON: {error.msg}", line + text.count("\n", pos, at)
                    ) from None
                if not final and text[end : end + 1] in _NUMBER_GOES_ON:
                    break  # a number cut by the chunk ("-1." of "-1.5"): wait for the rest
                values.append((line, value))
                line += text.count("\n", pos, end)
                last = line
                pos, expect = end, "comma"
            if values:
                yield values
            if final:
                if self.shape == "array" and expect != "end":
                    raise self._error("the JSON array is not closed", last)
                return

    def _make_layout(self, first: Any) -> Layout:
        assert self.shape is not None
        if isinstance(first, dict):
            names = list(first)
            return Layout(self.source, WHITESPACE, names, names, value_list=False, json_shape=self.shape)
        return Layout(self.source, WHITESPACE, None, ["1"], value_list=True, json_shape=self.shape)

    def _row(self, value: Any, line: int, layout: Layout) -> list[str]:
        depth = MAX_DEPTH - (self.shape == "array")  # the levels left inside the top-level array
        try:
            if layout.value_list:
                return [to_field(value, depth)]
            if not isinstance(value, dict):
                found = shortened(compact(value, depth))
                raise self._error(f"expected an object like the first record, found {found}", line)
            if value.keys() != set(layout.names):
                keys, first = shortened(", ".join(value)), shortened(", ".join(layout.names))
                raise self._error(f"keys ({keys}) differ from those of the first object ({first})", line)
            return [to_field(value[name], depth - 1) for name in layout.names]
        except NestingError as error:
            raise self._error(str(error), line) from None

    def batches(self) -> Iterator[Batch]:
        """The records, batch by batch; an empty array gives one empty batch, so it is written back."""
        for values in self._values():
            if self.layout is None:
                self.layout = self._make_layout(values[0][1])
            layout = self.layout
            rows = [self._row(value, line, layout) for line, value in values]
            yield Batch(self.source, rows, [line for line, _ in values])
        if self.layout is None and self.shape == "array":
            self.layout = self._make_layout(None)
            yield Batch(self.source, [], [])
