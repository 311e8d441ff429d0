"""Text ↔ float64, one value at a time and in bulk, side by side: the one definition of what relu-cli
reads as a number, as a missing value, and of how it writes numbers.

In bulk, a column of cells is parsed by one ``orjson.loads`` of the cells as a JSON array. Cells that are
not plain JSON numbers — empty or blank, ``nan``, ``inf``, ``+1``, ``.5``, ``5.``, text — are found with a
few vectorised byte tests, parsed one by one, and stood in for by ``0`` in the array, so their cost grows
with their count, not with the column's length: one odd cell never sends a whole chunk down a slow path.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where it is used: the command line asks parse_number before it
    import numpy as np
    from numpy.typing import NDArray

#: What relu-cli accepts as a number: decimal or exponent notation with an optional sign, ``.5``,
#: ``5.``, ``inf``/``infinity`` and ``nan`` in any case. Stricter than Python's ``float()`` on purpose:
#: no ``1_000``, no non-ASCII digits, no hex.
NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE | re.ASCII
)
#: A number as JSON writes it (of bytes, whose ``\d`` is an ASCII digit, as JSON's digits are); a field that
#: is one passes into JSON output as a number.
JSON_NUMBER = re.compile(rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
#: The blank characters around a value; a cell of only these is a missing value.
BLANKS = " \t"
_BLANK_BYTES = BLANKS.encode()
#: The other spellings of a missing value, as csvkit and pandas read them by default (``--null-values``
#: changes them); an empty or blank cell is always missing.
NULL_VALUES = ("NA", "N/A", "null", "NULL", "None", "-")


def parse_number(text: str) -> float | None:
    """The float ``text`` spells (surrounding blanks allowed), or None when it is not a number.

    >>> parse_number(" -2.5 "), parse_number(".5"), parse_number("1_000")
    (-2.5, 0.5, None)
    """
    stripped = text.strip(BLANKS)
    return float(stripped) if NUMBER.fullmatch(stripped) else None


def is_missing(text: str, nulls: Collection[str] = NULL_VALUES) -> bool:
    """Whether a cell holds no value: empty, blanks only, or one of ``nulls`` (blanks around it allowed).
    None of ``nulls`` may be a number (the option that sets them says so).

    >>> is_missing(" "), is_missing(" NA "), is_missing("NA", ()), is_missing("na")
    (True, True, False, False)
    """
    stripped = text.strip(BLANKS)
    return not stripped or stripped in nulls


def format_floats(values: NDArray[np.float64]) -> list[str]:
    """Shortest round-trip text of each value, as Python's ``repr``: ``1.0``, ``-0.001``, ``1e-05``."""
    return list(map(repr, values.tolist()))


@dataclass
class Parsed:
    """A column of cells, parsed: ``values`` has one float a cell, NaN where a cell is missing or bad."""

    values: NDArray[np.float64]
    missing: NDArray[np.intp]  # indexes of missing cells (is_missing), ascending
    bad: NDArray[np.intp]  # indexes of cells that are not numbers, ascending


def _odd_table() -> bytes:
    """A ``bytes.translate`` table that turns every byte no plain JSON number has into ``!`` (``+`` among
    them: JSON allows it only in an exponent) and leaves the others as they are."""
    table = bytearray(b"!" * 256)
    for byte in b"0123456789.-eE\n":
        table[byte] = byte
    return bytes(table)


_ODD_TABLE = _odd_table()


def _odd_places(cells: bytes) -> list[int]:
    """A byte offset in each cell (of ``cells``, each followed by a line feed) that is certainly not a
    plain JSON number — one with a byte no such number has, or an empty one — in no particular order.
    Found with ``bytes.find``, so the cost beyond one pass grows with their number."""
    text = cells.translate(_ODD_TABLE)
    places: list[int] = [0] if text.startswith(b"\n") else []
    at = text.find(b"!")
    while at >= 0:
        places.append(at)
        at = text.find(b"!", text.find(b"\n", at))  # one place a cell is enough
    at = cells.find(b"\n\n")
    while at >= 0:
        places.append(at + 1)
        at = cells.find(b"\n\n", at + 1)
    return places


def _odd_spans(cells: bytes) -> list[tuple[int, int]]:
    """Where each cell :func:`_odd_places` finds starts and ends in ``cells``, in order."""
    spans: list[tuple[int, int]] = []
    for place in sorted(_odd_places(cells)):
        if not spans or place > spans[-1][1]:
            spans.append((cells.rfind(b"\n", 0, place) + 1, cells.index(b"\n", place)))
    return spans


def _indexes_of(cells: bytes, spans: list[tuple[int, int]]) -> list[int]:
    """The index of each cell of ``spans`` (in order), by counting line feeds."""
    indexes: list[int] = []
    line, counted = 0, 0
    for start, _ in spans:
        line += cells.count(b"\n", counted, start)
        counted = start
        indexes.append(line)
    return indexes


#: What stands in for an odd cell in the bulk parse, so that its index is found where the value is; a
#: column that holds it itself is looked at once more, by counting line feeds.
_FEW = 512  # bytes of cells parsed one by one without orjson
_NOT_FINITE = ("nan", "inf", "-inf")
_STAND_IN = 5e-324
_STAND_IN_TEXT = repr(_STAND_IN).encode()
_NEGATIVE_ZERO = re.compile(rb"-0[ \t]*\n")  # -0 as the whole of a cell, blanks around it aside


# A JSON value that is not a number starts with one of these; without them, orjson reads only numbers.
_NOT_NUMBERS = (b'"', b"[", b"{", b"t", b"f", b"n", b",")  # b",": a cell '1,5' must not read as two


def _loads(cells: bytes) -> list[float | int] | None:
    """The cells (each followed by a line feed) parsed as one JSON array when every one is a plain JSON
    number, else None: orjson rounds exactly as ``float()`` does."""
    import orjson

    if cells.startswith(b"\n") or any(byte in cells for byte in _NOT_NUMBERS):
        return None  # an empty first cell (alone, it would read as []), or a JSON value that is no number
    # With none of those bytes, a JSON array that parses can hold only numbers, one a comma: one a cell.
    try:
        loaded: list[float | int] = orjson.loads(b"".join((b"[", cells[:-1].replace(b"\n", b","), b"]")))
    except orjson.JSONDecodeError:
        return None
    return loaded or None  # one blank cell reads as []


def loads_json_numbers(cells: list[bytes]) -> bool:
    """Whether every cell is a JSON number exactly as JSON writes one (no blanks around it, and no line
    break: a quoted field across lines may hold one).

    >>> loads_json_numbers([b"1", b"-2.5e3"]), loads_json_numbers([b"1\\n2"]), loads_json_numbers([b" 1"])
    (True, False, False)
    """
    from .chunks import join

    return json_number_rows(join([*cells, b""], b"\n"), len(cells)) == []


#: The bytes of JSON numbers, and the comma and line feed between them
_NUMBER_BYTES = b"0123456789.eE+-,\n"

#: Cells as orjson reads them to tell numbers from the rest: line feeds become commas, and JSON's blanks
#: and the first bytes of strings, arrays, objects, true and false a byte that starts no JSON value
_AS_CELLS = bytes.maketrans(b'\n \t"[{tf', b",xxxxxxx")


def json_number_rows(
    lines: bytes, count: int, *, nulls: int = 0, odd: int = 0
) -> list[tuple[int, int]] | None:
    """Where ``lines`` of comma-separated cells hold a cell that is not a JSON number exactly as JSON
    writes one (nor ``null``): the start and end of each, at most ``odd`` of them; None when there are
    more, or not ``count`` cells, or ``null`` in other than ``nulls`` of them. orjson's parse finds them,
    each at the cost of parsing once more the cells before it since the one before.

    >>> json_number_rows(b"1,-2.5e3\\n3,4\\n", 4), json_number_rows(b"1,\\n3,4\\n", 4)
    ([], None)
    >>> json_number_rows(b"1,\\n3,.5\\n", 4, odd=2), json_number_rows(b"1,nan\\n", 2, odd=1)
    ([(2, 2), (5, 7)], [(2, 5)])
    >>> json_number_rows(b" 1,true\\n", 2, odd=2), json_number_rows(b"1,2\\n", 3, odd=1)
    ([(0, 2), (3, 7)], None)
    >>> json_number_rows(b"1,null\\n", 2, nulls=1), json_number_rows(b"null,null\\n", 2, nulls=1)
    ([], None)
    """
    allowed = _NUMBER_BYTES + (b"nul" if nulls else b"")
    if not lines.endswith(b"\n") or len(lines.translate(None, allowed)) > 8 * odd:
        return None  # more bytes of other than numbers than odd cells would hold, in all likelihood
    if lines.count(b"null") != nulls:
        return None  # a null not put there, or one that is no cell of its own
    spans: list[tuple[int, int]] = []
    document = bytearray(b"".join((b"[", lines[:-1].translate(_AS_CELLS), b"]")))
    loaded = _loads_around(document, [], spans=spans, most=odd)
    if loaded is None or len(loaded) != count:
        return None
    return [(start - 1, end - 1) for start, end in spans]  # in ``lines``, without the '['


def _loads_around(
    document: bytearray,
    odd: list[int],
    *,
    spans: list[tuple[int, int]] | None = None,
    most: int | None = None,
) -> list[float | int] | None:
    """The numbers of ``document``, a JSON array of cells none of which holds a comma; a cell that is not a
    JSON number (``.5``, ``01``, ``1e400``, an empty one) reads as 0 and its index is added to ``odd``,
    and its place in ``document`` to ``spans``; with more than ``most`` of them, None. Each piece between
    such cells is parsed once more at most, so the cost stays linear."""
    import orjson

    view = memoryview(document)
    loaded: list[float | int] = []
    start = 0  # where the rest begins, at its '['
    while True:
        try:
            loaded.extend(orjson.loads(view[start:]))
            return loaded
        except orjson.JSONDecodeError as error:
            at = start + error.pos
        # no cell holds a comma, so the commas before the error count the cells before it; the error
        # is inside the bad cell or at the comma right after it
        before = document.rfind(b",", start, at)
        if before >= 0:  # the cells before the bad one, parsed with a ']' in place of its comma
            document[before] = ord("]")
            loaded.extend(orjson.loads(view[start : before + 1]))
        odd.append(len(loaded))
        loaded.append(_STAND_IN)
        after = document.find(b",", at)
        if spans is not None:
            spans.append((max(before, start) + 1, after if after >= 0 else len(document) - 1))
        if most is not None and len(odd) > most:
            return None
        if after < 0:
            return loaded
        document[after] = ord("[")
        start = after


def parse_cells(cells: bytes, nulls: Collection[str] = NULL_VALUES) -> Parsed:
    """Parse a column in bulk (its cells, each followed by a line feed): each cell a value, a missing
    value (:func:`is_missing` with ``nulls``), or bad. A null spelling is no number, so it is among the
    odd cells that are looked at one by one.

    >>> parsed = parse_cells(b"1\\n\\nnan\\n+2\\nx\\n-0\\n1e-05\\n.5\\nNA\\n-\\n")
    >>> parsed.values.tolist()[:2], parsed.missing.tolist(), parsed.bad.tolist()
    ([1.0, nan], [1, 8, 9], [4])
    >>> parsed.values.tolist()[2:4], parsed.values.tolist()[5:8]
    ([nan, 2.0], [-0.0, 1e-05, 0.5])
    """
    import numpy as np

    if len(cells) <= _FEW:  # a few values, as on the command line: orjson is not worth its import
        loaded: list[float | int] | None = [0] * cells.count(b"\n")
        ends = [at for at, byte in enumerate(cells) if byte == 10]
        odd = dict(enumerate(zip([0, *(end + 1 for end in ends[:-1])], ends)))
    else:
        loaded = _loads(cells)
        odd = {}  # the odd cells: index → where each starts and ends in cells
    if loaded is None:
        loaded, odd = _parse_odd(cells)
    values = _as_array(loaded)
    zeros = [i for i in np.flatnonzero(values == 0).tolist() if type(loaded[i]) is int]
    if zeros and _NEGATIVE_ZERO.search(cells):  # orjson reads the integer -0 as 0: put the sign back
        texts = cells.split(b"\n")
        for index in zeros:
            if texts[index].lstrip(_BLANK_BYTES).startswith(b"-"):
                values[index] = -0.0
    missing: list[int] = []
    bad: list[int] = []
    for index, (start, end) in odd.items():
        text = cells[start:end].decode(errors="replace")
        value = parse_number(text)
        if value is not None:
            values[index] = value
            continue
        values[index] = np.nan
        (missing if is_missing(text, nulls) else bad).append(index)
    return Parsed(values, np.array(missing, dtype=np.intp), np.array(bad, dtype=np.intp))


def _as_array(numbers: list[float | int]) -> NDArray[np.float64]:
    """The numbers as float64, each converted as ``float()`` does: packed by ``struct`` straight into the
    array's memory, twice as fast as ``np.fromiter``."""
    import struct

    import numpy as np

    values = np.empty(len(numbers), dtype=np.float64)
    struct.pack_into(f"{len(numbers)}d", values.data, 0, *numbers)
    return values


def _parse_odd(cells: bytes) -> tuple[list[float | int], dict[int, tuple[int, int]]]:
    """The bulk parse of a column with odd cells: the values, with a stand-in for each odd cell, and the
    odd cells, each by its index with where it starts and ends."""
    import numpy as np

    if not cells:
        return [], {}
    spans = _odd_spans(cells)
    pieces, done = [], 0
    for start, end in spans:
        pieces += [cells[done:start], _STAND_IN_TEXT]
        done = end
    pieces.append(cells[done:-1])
    document = bytearray(b"".join((b"[", b"".join(pieces).replace(b"\n", b","), b"]")))
    found: list[int] = []
    loaded = _loads_around(document, found)
    assert loaded is not None  # no most
    stand_ins = np.flatnonzero(_as_array(loaded) == _STAND_IN)
    if len(stand_ins) == len(spans) + len(found):
        indexes = np.setdiff1d(stand_ins, found, assume_unique=True).tolist()
    else:  # the column holds the stand-in itself
        indexes = _indexes_of(cells, spans)
    odd = dict(zip(indexes, spans))
    if found:  # rare: cells orjson alone found odd, located by their index
        ends = np.flatnonzero(np.frombuffer(cells, dtype=np.uint8) == 10)
        at = np.array(found)
        starts = np.where(at > 0, ends[np.maximum(at - 1, 0)] + 1, 0)
        odd.update(zip(found, zip(starts.tolist(), ends[at].tolist())))
        odd = dict(sorted(odd.items()))
    return loaded, odd


def format_tokens(values: NDArray[np.float64], *, json: bool = False) -> list[bytes]:
    """The text of each value as :func:`format_floats` gives it, made in bulk; with ``json``, non-finite
    values are ``null`` (strict JSON has no spelling for them).

    orjson writes the same shortest round-trip digits as ``repr``, in the same form except for NaN and ±inf
    (``null``) and for 0 < |x| < 1e-4 (``0.00001`` and ``1e-7`` where ``repr`` writes ``1e-05`` and
    ``1e-07``). Those few values are written with ``repr``.

    >>> import numpy as np
    >>> format_tokens(np.array([1.0, -0.001, 1e-05, -1.5e-05, 1e-07, float("-inf"), 1e16]))
    [b'1.0', b'-0.001', b'1e-05', b'-1.5e-05', b'1e-07', b'-inf', b'1e+16']
    >>> format_tokens(np.array([float("nan"), 2.5e-05]), json=True)
    [b'null', b'2.5e-05']
    """
    import numpy as np

    values = np.ascontiguousarray(values, dtype=np.float64)
    if values.size <= _FEW // 8:  # a few values, as on the command line: orjson is not worth its import
        return _repr_tokens(values, json=json)
    import orjson

    tokens: list[bytes] = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")
    odd = _unlike_repr(values, json=json)
    for index, value in zip(odd.tolist(), values[odd].tolist()):
        tokens[index] = repr(value).encode()
    return tokens


def _cut_at_nulls(text: bytes) -> list[bytes]:
    """The pieces of orjson's text of numbers around each ``null`` in it, with a place for something else
    after each piece but the last. Found by their ``n``, which no number holds: ``bytes.split`` looks for
    all four bytes, some 20 times slower.

    >>> _cut_at_nulls(b"1.0,null,2.0,null")
    [b'1.0,', b'', b',2.0,', b'', b'']
    """
    pieces: list[bytes] = []
    start = 0
    while (at := text.find(b"n", start)) >= 0:
        pieces += [text[start:at], b""]
        start = at + len(b"null")
    pieces.append(text[start:])
    return pieces


def _repr_tokens(values: NDArray[np.float64], *, json: bool = False) -> list[bytes]:
    """Each value's ``repr``; with ``json``, ``null`` for NaN and ±inf."""
    texts = [repr(value) for value in values.tolist()]
    return [b"null" if json and text in _NOT_FINITE else text.encode() for text in texts]


def _unlike_repr(values: NDArray[np.float64], *, json: bool = False) -> NDArray[np.intp]:
    """Where orjson writes a value otherwise than ``repr``: 0 < |x| < 1e-4, and but for ``json`` (where
    ``null`` is meant) NaN and ±inf."""
    import numpy as np

    small = (np.abs(values) < 1e-4) & (values != 0)
    return np.flatnonzero(small if json else small | ~np.isfinite(values))


def format_lines(values: NDArray[np.float64]) -> bytes:
    """:func:`format_tokens` of ``values``, each on a line of its own (:func:`format_rows` of one column).

    >>> import numpy as np
    >>> format_lines(np.array([1.0, -0.001, 1e-05, np.nan] * 200)) == b"1.0\\n-0.001\\n1e-05\\nnan\\n" * 200
    True
    >>> format_lines(np.array([2.5, -0.0, 1e16, -np.inf] * 200)) == b"2.5\\n-0.0\\n1e+16\\n-inf\\n" * 200
    True
    """
    return format_rows(values.reshape(-1, 1))


def format_rows(rows: NDArray[np.float64], *, json: bool = False) -> bytes:
    """Each row of a 2-d array as a line of its values' tokens (:func:`format_tokens`, with ``json``) joined
    by commas, made from orjson's text of the values without a list of tokens. The values orjson writes
    otherwise than ``repr`` (0 < |x| < 1e-4, NaN and ±inf, which it writes as ``null``) are all written
    there as NaN, and the text is cut at each ``null`` to put their own tokens between the pieces, at a
    cost that grows with their number. Every row's last comma then becomes a line feed.

    >>> import numpy as np
    >>> rows = np.array([[1.0, -0.001], [1e-05, np.nan]] * 100)
    >>> format_rows(rows, json=True) == b"1.0,-0.001\\n1e-05,null\\n" * 100
    True
    >>> format_rows(rows) == b"1.0,-0.001\\n1e-05,nan\\n" * 100
    True
    """
    import numpy as np

    rows = np.ascontiguousarray(rows, dtype=np.float64)
    if not rows.size:
        return b""
    width = rows.shape[1]
    values = rows.reshape(-1)
    if values.size <= _FEW // 8:  # a few values, as on the command line: orjson is not worth its import
        text = b",".join(_repr_tokens(values, json=json))
    else:
        import orjson

        odd = _unlike_repr(values)  # NaN among them: the stand-in, which orjson writes as null
        if odd.size:
            values = values.copy()
            values[odd] = np.nan
        text = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1]
        if odd.size:
            both = _cut_at_nulls(text)
            both[1::2] = _repr_tokens(rows.reshape(-1)[odd], json=json)
            text = b"".join(both)
    if width == 1:
        return text.replace(b",", b"\n") + b"\n"
    # every width-th comma ends a row: found in bulk, as a chunk has tens of thousands of rows
    marked = np.empty(len(text) + 1, dtype=np.uint8)
    marked[:-1] = np.frombuffer(text, dtype=np.uint8)
    marked[-1] = ord("\n")
    commas = np.flatnonzero(marked == ord(","))
    marked[commas[width - 1 :: width]] = ord("\n")
    return marked.tobytes()
