"""JSON output: strict JSON (``json``: one array of objects; ``ndjson``: an object a line), and ``text``
output of JSON input, which keeps the input's shape."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from ..chunks import JsonField, Layout, join, unquote
from ..input.json import json_string
from ..numbers import format_tokens, parse_number
from . import Writer, field_name, value_pairs

if TYPE_CHECKING:
    from ..transform import Processed


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


def json_float(text: str) -> str:
    """A value of a transformed column as a JSON token: the number, or ``null`` for NaN, ±inf and a
    missing cell; a bad value that ``--on-error nan`` replaced stays visible as the string it was."""
    if not text.strip(" \t"):
        return "null"
    value = parse_number(text)
    if value is None:
        return json_string(text)
    return repr(value) if math.isfinite(value) else "null"


def json_passthrough(text: str) -> str:
    """An untouched field as JSON: a number token when it already is one, else a string."""
    return text if _JSON_NUMBER.fullmatch(text) else json_string(text)


def json_token(field: str) -> str | None:
    """The JSON value a field of JSON input was read from, as JSON output writes it back; None for a
    field of delimited text or a computed number."""
    return field.token if isinstance(field, JsonField) else None


def json_passthrough_tokens(cells: list[bytes]) -> list[bytes]:
    """:func:`json_passthrough` of each cell: in bulk when every cell is a JSON number already."""
    from ..numbers import loads_json_numbers

    if loads_json_numbers(cells):
        return cells
    return [json_passthrough(cell.decode()).encode() for cell in cells]


class JsonWriter(Writer):
    """Strict JSON: one array of objects (``json``) or one object per line (``ndjson``).

    NaN and ±inf have no JSON spelling and are written as ``null``, as is a missing value. ``text`` output
    of JSON input is JSON of the input's shape: the same objects, in an array or one a line, and with
    ``bare`` a list of values as one array of the results, on one line.
    """

    def __init__(self, out: BinaryIO, layout: Layout, *, lines: bool, bare: bool = False) -> None:
        super().__init__(out, layout)
        self.lines = lines
        self.bare = bare
        self.count = 0

    def _objects(self, batch: Processed) -> Iterator[str]:
        """Each record as a JSON object. A field of JSON input that is not transformed (a missing value in a
        transformed column included) is written back as the JSON value it was read as."""
        if self.layout.value_list:
            for value, result, transformed in value_pairs(batch):
                if transformed:
                    # the input as the number read; one that is none (missing, or a bad value that
                    # --on-error nan replaced) as it was: its JSON value, or the text of a delimited field
                    token = json_token(value) if parse_number(value) is None else None
                    shown, output = token or json_float(value), json_token(result) or json_float(result)
                else:
                    shown = json_token(value) or json_passthrough(value)
                    output = json_token(result) or json_passthrough(result)
                yield f'{{"input": {shown}, "output": {output}}}'
            return
        first_field = batch.piece.first_field if batch.piece is not None else 0
        for inputs, outputs in zip(batch.inputs, batch.outputs):
            members = []
            for column, value in enumerate(inputs):
                key = json_string(field_name(self.layout, first_field + column))
                token = json_token(outputs[column])
                if token is None:
                    transformed = batch.is_transformed(column)
                    token = json_float(unquote(outputs[column])) if transformed else json_passthrough(value)
                members.append(f"{key}: {token}")
            yield "{" + ", ".join(members) + "}"

    def start(self) -> None:
        if not self.lines:
            self.write_text("[")

    def write(self, batch: Processed) -> None:
        if self.bare:
            results = [json_token(result) or json_float(result) for _, result, _ in value_pairs(batch)]
            if results:
                self.write_text((", " if self.count else "") + ", ".join(results))
                self.count += len(results)
            return
        rendered = batch.rendered if batch.rendered is not None else self.render(batch)
        if rendered is not None:
            if rendered:
                self.write_bytes(rendered if self.lines else (b"," if self.count else b"") + b"\n" + rendered)
                self.count += 1
            return
        objects = list(self._objects(batch))
        if not objects:
            return
        if self.lines:
            self.write_text("".join(obj + "\n" for obj in objects))
        else:
            self.write_text(("," if self.count else "") + "\n" + ",\n".join(objects))
        self.count += len(objects)

    def render(self, batch: Processed) -> bytes | None:
        """Objects assembled in bulk, the key of each member beside the column of its values' tokens:
        one a line for ``ndjson``; for ``json``, joined by commas, without the array's brackets."""
        columns = batch.columns
        if columns is None:
            return None
        rows = columns.rows
        if not rows:
            return b""
        if self.layout.value_list:
            result = columns.results[0]
            inputs = format_tokens(result.read, json=True)
            for index in result.bad.tolist():  # a bad value replaced by NaN shows as the text it was
                inputs[index] = json_string(columns.raw[index].decode()).encode()
            tokens = [inputs, format_tokens(result.computed, json=True)]
            keys = ["input", "output"]
        else:
            tokens = []
            for column in range(columns.width):
                if column in columns.results:
                    tokens.append(format_tokens(columns.results[column].computed, json=True))
                else:
                    tokens.append(
                        json_passthrough_tokens(columns.values(columns.raw[column :: columns.width]))
                    )
            keys = [field_name(self.layout, column) for column in range(columns.width)]
        separator = "\n" if self.lines else ",\n"
        labels = [("{" if i == 0 else ", ") + json_string(key) + ": " for i, key in enumerate(keys)]
        pieces = [b""] * (rows * (2 * len(keys) + 1))
        step = 2 * len(keys) + 1
        for i, (label, column_tokens) in enumerate(zip(labels, tokens)):
            pieces[2 * i :: step] = [label.encode()] * rows
            pieces[2 * i + 1 :: step] = column_tokens
        pieces[step - 1 :: step] = [b"}" + separator.encode()] * rows
        text = join(pieces)
        return text if self.lines else text[: -len(separator)]

    def finish(self) -> None:
        if not self.lines:
            self.write_text("\n]\n" if self.count and not self.bare else "]\n")
