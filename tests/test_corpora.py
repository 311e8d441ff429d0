"""Public test corpora relu-cli was never tuned to, run file by file: JSONTestSuite's ``test_parsing/`` (MIT,
``data/JSONTestSuite/LICENSE``) and csv-spectrum (BSD-2-Clause, ``data/csv-spectrum/package.json``), both
copied unchanged into ``tests/data/``.

Every file goes through relu-cli in this process (:func:`relu_cli.app.run` with byte streams, as the
command runs it), from stdin and with ``-f``, in several output formats, so the whole of both suites takes
seconds. For every file: the exit status is 0, 1 or 2, stderr holds only relu-cli's one-line messages
(never a traceback or an internal error), and an exception escaping relu-cli fails the test. For valid
input every value comes out right: a value that is not transformed as the same JSON value (type, and a
number's spelling), a transformed one as relu of the number read.

The helpers here state those invariants once; ``test_properties.py`` checks the same ones on generated
JSON documents.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from relu_cli.app import Environment, Request, run
from relu_cli.choices import Mode, OnError, OutputFormat

DATA = Path(__file__).parent / "data"
JSON_SUITE = sorted((DATA / "JSONTestSuite" / "test_parsing").glob("*.json"))
CSV_SPECTRUM = sorted((DATA / "csv-spectrum" / "csvs").glob("*.csv"))

# What a number looks like, stated apart from relu_cli.numbers.NUMBER: an optional sign, then decimal or
# exponent notation (.5 and 5. too), inf, infinity or nan in any case; blanks around it allowed.
NUMBER = re.compile(
    r"[ \t]*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf(inity)?|nan)[ \t]*", re.I | re.ASCII
)
#: JSONTestSuite files that are not JSON but that relu-cli reads on purpose (README, "JSON input"): the
#: literals Python's json reads
NON_STANDARD_LITERALS = {"n_number_NaN.json", "n_number_infinity.json", "n_number_minus_infinity.json"}
ERROR_LINE = re.compile(r"relu-cli: error: [^\n]+:\d+(:\d+)?: [^\n]+\n")


# ------------------------------------------------------------------------------------------ running


@dataclass
class Outcome:
    status: int
    stdout: bytes
    stderr: str


def relu_cli(data: bytes, fmt: str, *, on_error: str = "fail", path: Path | None = None) -> Outcome:
    """``relu-cli relu --format FMT --on-error ON_ERROR`` in this process, reading ``data`` on stdin, or
    the file ``path`` with ``-f`` when it is given."""
    request = Request(
        "relu",
        Mode.forward,
        0.001,
        [],
        [str(path)] if path is not None else [],
        None,
        None,
        None,
        OutputFormat(fmt),
        OnError(on_error),
        None,
        jobs=1,
    )
    stdout, stderr = io.BytesIO(), io.StringIO()
    environment = Environment(
        io.BytesIO(b"" if path is not None else data), stdout, stderr, stdin_isatty=False, stdout_isatty=False
    )
    status = run(request, environment)
    return Outcome(int(status), stdout.getvalue(), stderr.getvalue())


def assert_well_behaved(outcome: Outcome) -> None:
    """Exit status 0, 1 or 2, and on stderr only relu-cli's own one-line messages; a failure says where."""
    assert outcome.status in (0, 1, 2), outcome
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr
    assert all(line.startswith("relu-cli: ") for line in outcome.stderr.splitlines()), outcome.stderr
    if outcome.status == 1:
        assert ERROR_LINE.fullmatch(outcome.stderr.splitlines(keepends=True)[-1]), outcome.stderr


# ------------------------------------------------------------------------------------ the invariants


class Num(str):
    """A JSON number as written, so that values compare by their spelling too."""


def load(text: str | bytes) -> Any:
    """JSON with its numbers as :class:`Num` (``NaN`` and ``Infinity`` too)."""
    return json.loads(text, parse_int=Num, parse_float=Num, parse_constant=Num)


def strict(value: Any) -> Any:
    """``value`` as strict JSON writes it: ``NaN``, ``Infinity`` and ``-Infinity`` are ``null``."""
    if isinstance(value, Num):
        return None if value in ("NaN", "Infinity", "-Infinity") else value
    if isinstance(value, list):
        return [strict(item) for item in value]
    if isinstance(value, dict):
        return {key: strict(item) for key, item in value.items()}
    return value


def same(a: Any, b: Any) -> bool:
    """The same JSON value: same type (``true`` is not ``1``, ``"0"`` is not ``0``), numbers spelled alike,
    keys in the same order."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


#: The spellings of a missing value besides blanks, as the README lists them (csvkit's and pandas' defaults)
NULL_SPELLINGS = ("NA", "N/A", "null", "NULL", "None", "-")


def kind(value: Any) -> str:
    """How relu-cli reads a JSON value in a transformed column: ``number``, ``missing``, ``null`` (a string
    that spells a missing value, such as ``"NA"``: written as null) or ``bad``."""
    if value is None or (isinstance(value, str) and not value.strip(" \t")):
        return "missing"
    if isinstance(value, str) and value.strip(" \t") in NULL_SPELLINGS:
        return "null"
    if isinstance(value, Num) or (isinstance(value, str) and NUMBER.fullmatch(value)):
        return "number"
    return "bad"


def relu(value: Any) -> float:
    x = float(value.strip(" \t"))
    return x if x > 0 or math.isnan(x) else 0.0


def assert_number(out: Any, expected: float) -> None:
    """``out`` is the JSON token relu-cli writes for ``expected``: the number, or null for NaN and ±inf."""
    if math.isfinite(expected):
        assert isinstance(out, Num) and float(out) == expected, (out, expected)
    else:
        assert out is None, (out, expected)


def transformed_columns(records: list[dict[str, Any]]) -> set[str]:
    """The columns relu-cli transforms by default: those whose first value that is not missing is a
    number (a string that spells one counts)."""
    chosen = set()
    for key in records[0]:
        first = next(
            (record[key] for record in records if kind(record[key]) not in ("missing", "null")), None
        )
        if first is not None and kind(first) == "number":
            chosen.add(key)
    return chosen


def assert_records_kept(inputs: list[dict[str, Any]], outputs: list[Any]) -> None:
    """Records in, records out (``--on-error nan``): every value of a column that is not transformed, and
    every missing value, comes out as the same JSON value; a number as its relu; a bad value as null."""
    assert len(outputs) == len(inputs)
    chosen = transformed_columns(inputs)
    for record, out in zip(inputs, outputs):
        assert list(out) == list(inputs[0])  # the keys in the first record's order
        for key, value in record.items():
            if key not in chosen or kind(value) == "missing":
                assert same(out[key], strict(value)), (key, value, out[key])
            elif kind(value) == "number":
                assert_number(out[key], relu(value))
            else:  # bad, or spelling a missing value
                assert out[key] is None, (key, value, out[key])


def assert_values_kept(inputs: list[Any], outputs: list[Any]) -> None:
    """A list of values in, ``{"input", "output"}`` objects out (``--on-error nan``): a number beside its
    relu, a missing value as it was, and a bad value as the same JSON value beside null."""
    assert len(outputs) == len(inputs)
    for value, out in zip(inputs, outputs):
        assert list(out) == ["input", "output"]
        if kind(value) == "number":
            assert_number(out["input"], float(value.strip(" \t")))
            assert_number(out["output"], relu(value))
        elif kind(value) == "missing":
            assert same(out["input"], value) and same(out["output"], value), (value, out)
        elif kind(value) == "null":
            assert out["input"] is None and out["output"] is None, (value, out)
        else:
            assert same(out["input"], strict(value)) and out["output"] is None, (value, out)


def json_records(document: bytes) -> tuple[list[Any], bool] | None:
    """The top-level values of a JSON document as relu-cli reads them (an array's elements, or values one
    after another), and whether they are records; None when relu-cli reads it as delimited text (it does
    not start with ``[`` or ``{``) or it is not one JSON document nor values one after another."""
    text = document.decode("utf-8-sig").lstrip(" \t\r\n")
    if not text.startswith(("[", "{")):
        return None
    decoder = json.JSONDecoder(parse_int=Num, parse_float=Num, parse_constant=Num)
    values, position = [], 0
    while True:
        value, position = decoder.raw_decode(text, position)
        values.append(value)
        position = len(text) - len(text[position:].lstrip(" \t\r\n"))
        if position == len(text):
            break
    if text.startswith("["):
        if len(values) > 1:
            return None
        values = values[0]
    return values, bool(values) and isinstance(values[0], dict)


def assert_json_kept(document: bytes, run_it: Any = relu_cli) -> Outcome:
    """``document`` through ``--format ndjson``, ``json`` and ``text`` with ``--on-error nan``: the
    invariants above hold, and the three give the same values. The ndjson outcome."""
    read = json_records(document)
    assert read is not None
    values, are_records = read
    ndjson = run_it(document, "ndjson", on_error="nan")
    assert_well_behaved(ndjson)
    if ndjson.status != 0:  # records of other keys, a value that is not an object among records
        assert ndjson.status == 1
        return ndjson
    outputs = [load(line) for line in ndjson.stdout.splitlines()]
    if are_records:
        assert_records_kept(values, outputs)
    else:
        assert_values_kept(values, outputs)
    as_json = run_it(document, "json", on_error="nan")
    assert as_json.status == 0 and same(load(as_json.stdout), outputs)
    text = run_it(document, "text", on_error="nan")
    assert text.status == 0
    shown = outputs if are_records else [out["output"] for out in outputs]
    if document.decode("utf-8-sig").lstrip(" \t\r\n").startswith("["):
        assert same(load(text.stdout), shown)
    else:
        assert same([load(line) for line in text.stdout.splitlines()], shown)
    return ndjson


# ------------------------------------------------------------------------------------- JSONTestSuite


def _name(path: Path) -> str:
    return path.name


def test_the_corpora_are_all_here() -> None:
    assert len(JSON_SUITE) == 318 and len(CSV_SPECTRUM) == 12
    assert (DATA / "JSONTestSuite" / "LICENSE").is_file()
    assert (DATA / "csv-spectrum" / "package.json").is_file()


def _every_run(path: Path) -> Iterator[Outcome]:
    data = path.read_bytes()
    for fmt in ("text", "csv", "ndjson", "table"):
        yield relu_cli(data, fmt)
    yield relu_cli(data, "json", path=path)
    yield relu_cli(data, "tsv", on_error="nan", path=path)


def test_every_file_of_json_test_suite_exits_0_1_or_2_with_one_line_messages() -> None:
    for path in JSON_SUITE:
        for outcome in _every_run(path):
            try:
                assert_well_behaved(outcome)
            except AssertionError as error:
                raise AssertionError(f"{path.name}: {error}") from None


@pytest.mark.parametrize("path", [p for p in JSON_SUITE if p.name.startswith("y_")], ids=_name)
def test_valid_json_comes_out_with_every_untouched_value_the_same(path: Path) -> None:
    data = path.read_bytes()
    if json_records(data) is None:  # a lone number, string or literal: relu-cli reads it as a line of text
        assert_well_behaved(relu_cli(data, "ndjson"))
        return
    assert_json_kept(data)


@pytest.mark.parametrize("path", [p for p in JSON_SUITE if p.name.startswith("n_")], ids=_name)
def test_invalid_json_is_one_located_error(path: Path) -> None:
    data = path.read_bytes()
    visible = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    for outcome in (relu_cli(data, "ndjson"), relu_cli(data, "csv", on_error="nan", path=path)):
        assert_well_behaved(outcome)
        if path.name in NON_STANDARD_LITERALS:
            assert outcome.status == 0  # read as numbers, written as null (README, "JSON input")
        elif visible.startswith((b"[", b"{")):
            assert outcome.status == 1, outcome
            assert ERROR_LINE.fullmatch(outcome.stderr), outcome.stderr
        # otherwise relu-cli reads it as delimited text, where it may well be fine: `abc` is a header


def test_nan_and_infinity_literals_are_read_as_numbers_and_written_as_null() -> None:
    for name, expected in (
        ("n_number_NaN.json", b"[null]\n"),
        ("n_number_infinity.json", b"[null]\n"),
        ("n_number_minus_infinity.json", b"[0.0]\n"),
    ):
        outcome = relu_cli((DATA / "JSONTestSuite" / "test_parsing" / name).read_bytes(), "text")
        assert (outcome.status, outcome.stdout) == (0, expected), name


# -------------------------------------------------------------------------------------- csv-spectrum


@pytest.mark.parametrize("path", CSV_SPECTRUM, ids=_name)
def test_csv_spectrum_comes_out_with_every_untouched_field_the_same(path: Path) -> None:
    """Each file as it parses: a column whose first value is a number is transformed (with ``--on-error
    nan``, a later value that is none becomes nan), the others are the same strings; in JSON output, those
    already written as JSON numbers are numbers.

    How it parses is Python's csv module's reading, which is csv-spectrum's JSON but for
    ``location_coordinates``, whose JSON holds another phone number than its CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    spectrum = json.loads((path.parent.parent / "json" / f"{path.stem}.json").read_text(encoding="utf-8"))
    if path.stem != "location_coordinates":
        assert expected == spectrum
    names = list(expected[0])
    chosen = {name for name in names if kind(next(r[name] for r in expected if r[name].strip())) == "number"}
    data = path.read_bytes()
    for fmt in ("text", "csv", "json", "ndjson", "table"):
        assert_well_behaved(relu_cli(data, fmt))
    outcome = relu_cli(data, "csv", on_error="nan", path=path)
    assert outcome.status == 0, outcome
    rows = list(csv.DictReader(io.StringIO(outcome.stdout.decode())))
    assert len(rows) == len(expected)
    for row, record in zip(rows, expected):
        assert list(row) == names
        for name in names:
            if name not in chosen or kind(record[name]) == "missing":
                assert row[name] == record[name]
            elif kind(record[name]) == "number":
                assert float(row[name]) == relu(record[name])
            else:
                assert row[name] == "nan"
    objects = load(relu_cli(data, "json", on_error="nan").stdout)
    for obj, record in zip(objects, expected, strict=True):
        for name in names:
            if name not in chosen:
                assert obj[name] == record[name]  # as a number when written as one (a Num is its text)
