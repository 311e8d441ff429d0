"""JSON input, auto-detected by its first visible character: an array of numbers, an array of objects, or
NDJSON objects. ``text`` output keeps the input's shape; the other formats work as for CSV."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import select
import shutil
import subprocess
from pathlib import Path

import pytest
from test_e2e import RELU_CLI, shell

from relu_cli.errors import InputError
from relu_cli.input.json import JsonReader

OBJECTS = '[{"id": 1, "x": -2, "label": "a, \\"b\\""}, {"id": 2, "x": 3.50, "label": "c"}]'
NDJSON = '{"id": 1, "x": -2, "ok": true, "tags": ["p", 1.50]}\n{"x": 4, "id": 2, "ok": false, "tags": null}\n'


def feed(data: str, args: str) -> subprocess.CompletedProcess[str]:
    return shell(f"relu-cli {args}", input=data)


# ------------------------------------------------------------------------------------------------- shape


def test_an_array_of_numbers_gives_an_array_of_numbers() -> None:
    result = feed("[-1, 2.5]\n", "relu")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[0.0, 2.5]\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("leaky-relu", "[-0.001, 0.0, 2.5]\n"),
        ("leaky-relu --slope 0.5 --mode gradient", "[0.5, 0.5, 1.0]\n"),
        ("relu --mode gradient", "[0.0, 0.0, 1.0]\n"),
    ],
)
def test_every_function_and_mode_keeps_the_array(args: str, expected: str) -> None:
    assert feed("[-1, 0, 2.5]", args).stdout == expected


def test_an_empty_array_stays_an_empty_array() -> None:
    assert feed("[]", "relu").stdout == "[]\n"


def test_null_stays_null_and_non_finite_results_are_null() -> None:
    assert feed("[-1, null, NaN, -Infinity, 1e400]", "relu").stdout == "[0.0, null, null, 0.0, null]\n"


def test_a_string_that_spells_a_number_counts_as_that_number_as_in_csv() -> None:
    assert feed('[-1, "2"]', "relu").stdout == "[0.0, 2.0]\n"


def test_an_array_of_objects_keeps_its_keys_and_other_fields() -> None:
    result = feed(OBJECTS, "relu -c x")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        '[\n{"id": 1, "x": 0.0, "label": "a, \\"b\\""},\n'  # numbers not transformed stay as written
        '{"id": 2, "x": 3.5, "label": "c"}\n]\n'
    )


def test_by_default_every_numeric_field_is_transformed() -> None:
    result = feed(OBJECTS, "relu")
    assert result.stdout == (
        '[\n{"id": 1.0, "x": 0.0, "label": "a, \\"b\\""},\n{"id": 2.0, "x": 3.5, "label": "c"}\n]\n'
    )


def test_ndjson_stays_one_object_per_line_with_untouched_values_as_written() -> None:
    result = feed(NDJSON, "relu -c x")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        '{"id": 1, "x": 0.0, "ok": true, "tags": ["p", 1.50]}\n'
        '{"id": 2, "x": 4.0, "ok": false, "tags": null}\n'  # keys in the first object's order
    )


def test_columns_accepts_key_numbers_as_names_lists_them() -> None:
    assert feed(NDJSON, "relu -n").stdout == "  1: id\n  2: x\n  3: ok\n  4: tags\n"
    assert feed(NDJSON, "relu -c 2").stdout == feed(NDJSON, "relu -c x").stdout


def test_pretty_printed_json_is_read_and_blank_lines_before_it_are_fine() -> None:
    data = '\n\n  [\n  {\n    "x": -1\n  },\n  {\n    "x": 2\n  }\n]\n'
    assert feed(data, "relu").stdout == '[\n{"x": 0.0},\n{"x": 2.0}\n]\n'


def test_delimiter_or_header_options_mean_delimited_text_not_json() -> None:
    assert feed("[1]\n-2\n", "relu -d ';'").stdout == "[1]\n0.0\n"  # a header, as it is not a number
    assert feed("[1]\n-2\n", "relu --no-header --on-error nan").stdout == "nan\n0.0\n"


def test_a_byte_order_mark_before_json_is_skipped() -> None:
    result = shell("printf '\\357\\273\\277[-1]' | relu-cli relu")
    assert result.stdout == "[0.0]\n"


def test_output_is_json_that_jq_reads() -> None:
    if shutil.which("jq") is None and not os.environ.get("CI"):
        pytest.skip("jq is not installed")
    result = shell(f"echo '{OBJECTS}' | relu-cli relu -c x | jq -c '[.[].x]'")
    assert result.stdout == "[0,3.5]\n"


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 8, 1 << 20])
def test_values_cut_anywhere_between_chunks_read_the_same(chunk_size: int) -> None:
    data = '\n [ -1.5e3 , {"a": "é, \\"y\\""}, null,\n 12345, "x" ]\n'.encode()
    reader = JsonReader(io.BytesIO(data), "t", chunk_size=chunk_size)
    batches = list(reader.batches())
    assert [row for batch in batches for row in batch.rows] == [
        ["-1.5e3"],
        ['{"a": "é, \\"y\\""}'],
        [""],
        ["12345"],
        ['"x"'],
    ]
    assert [line for batch in batches for line in batch.lines] == [2, 2, 2, 3, 3]
    assert reader.layout is not None and reader.layout.value_list and reader.layout.json_shape == "array"


@pytest.mark.parametrize("chunk_size", [1, 4, 1 << 20])
def test_ndjson_cut_anywhere_between_chunks_reads_the_same(chunk_size: int) -> None:
    reader = JsonReader(io.BytesIO(NDJSON.encode()), "t", chunk_size=chunk_size)
    rows = [row for batch in reader.batches() for row in batch.rows]
    assert rows == [["1", "-2", "true", '["p", 1.50]'], ["2", "4", "false", ""]]
    assert reader.layout is not None and reader.layout.names == ["id", "x", "ok", "tags"]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 1 << 20])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_end_gives_the_same_values_and_lines(chunk_size: int, ending: str) -> None:
    data = NDJSON.replace("\n", ending) + ending + '{"id": 3,' + ending + ' "x": 1, "ok": 1, "tags": 2}'
    reader = JsonReader(io.BytesIO(data.encode()), "t", chunk_size=chunk_size)
    batches = list(reader.batches())
    assert [row[0] for batch in batches for row in batch.rows] == ["1", "2", "3"]
    assert [line for batch in batches for line in batch.lines] == [1, 2, 4]


@pytest.mark.parametrize(
    ("data", "line", "key"),
    [
        ('{"x": 1, "x": -2}', 1, "x"),
        ('[\n{"x": 1},\n{"x": 1, "y": [{"z": 1, "z": 1}]}]', 3, "z"),
        ('{"x": 1}\r\r{"x": 1,\r"x": 2}', 3, "x"),
    ],
)
def test_a_key_twice_in_one_object_is_an_error_at_the_objects_line(data: str, line: int, key: str) -> None:
    with pytest.raises(InputError) as caught:
        list(JsonReader(io.BytesIO(data.encode()), "t").batches())
    assert str(caught.value) == f"t:{line}: duplicate key {key!r} in a JSON object (each key may appear once)"


def test_a_bad_value_is_not_held_waiting_for_more_when_more_cannot_mend_it() -> None:
    class Zeros(io.RawIOBase):
        """``[1,`` and a line end, then NUL bytes for ever."""

        def __init__(self) -> None:
            self.given = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            head = b"[1,\n" if not self.given else b""
            buffer[: len(head)] = head
            buffer[len(head) :] = bytes(len(buffer) - len(head))
            self.given += len(buffer)
            return len(buffer)

    stream = Zeros()
    with pytest.raises(InputError) as caught:
        list(JsonReader(io.BufferedReader(stream), "t", chunk_size=4096).batches())
    assert str(caught.value) == "t:2: invalid JSON: Expecting value"
    assert stream.given <= 2 * 8192


# ------------------------------------------------------------------------------------------ files, formats


def test_json_files_and_gzip_compressed_ndjson_are_detected(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text(OBJECTS)
    (tmp_path / "data.ndjson.gz").write_bytes(gzip.compress(NDJSON.encode()))
    for name, data in (("data.json", OBJECTS), ("data.ndjson.gz", NDJSON)):
        from_file = shell(f"relu-cli relu -f {name} -c x", cwd=tmp_path)
        assert from_file.returncode == 0, from_file.stderr
        assert from_file.stdout == feed(data, "relu -c x").stdout


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", 'id,x,label\n1,0.0,"a, ""b"""\n2,3.5,c\n'),
        ("tsv", 'id\tx\tlabel\n1\t0.0\t"a, ""b"""\n2\t3.5\tc\n'),
        ("json", '[\n{"id": 1, "x": 0.0, "label": "a, \\"b\\""},\n{"id": 2, "x": 3.5, "label": "c"}\n]\n'),
        ("ndjson", '{"id": 1, "x": 0.0, "label": "a, \\"b\\""}\n{"id": 2, "x": 3.5, "label": "c"}\n'),
    ],
)
def test_objects_in_other_formats(fmt: str, expected: str) -> None:
    result = feed(OBJECTS, f"relu -c x --format {fmt}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_an_array_of_numbers_in_other_formats_is_a_value_list() -> None:
    assert feed("[-1, 2.5]", "relu --format csv").stdout == "input,output\n-1,0.0\n2.5,2.5\n"
    assert feed("[-1]", "relu --format ndjson").stdout == '{"input": -1.0, "output": 0.0}\n'


def test_ndjson_is_answered_line_by_line_while_the_producer_is_still_writing() -> None:
    process = subprocess.Popen(
        [RELU_CLI, "relu"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        for value, expected in (("-1", b'{"x": 0.0}\n'), ("2.5", b'{"x": 2.5}\n')):
            process.stdin.write(f'{{"x": {value}}}\n'.encode())
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 10)
            assert ready, f"no output for {value} while stdin was still open"
            assert os.read(process.stdout.fileno(), 100) == expected
    finally:
        process.stdin.close()
        process.wait(timeout=10)
    assert process.returncode == 0


# ---------------------------------------------------------------------- untouched values keep their type

MIXED = (
    '[{"x": -1, "t": true, "f": false, "n": null, "o": {"a": 1, "b": [2.50, "c"]}, "l": [], "s": "0", '
    '"e": "", "num": 1.50},\n'
    ' {"x": 2, "t": false, "f": true, "n": null, "o": {}, "l": [-0, 1E5], "s": "x", "e": "y", "num": -0}]'
)
#: the records above as JSON output writes them, with x transformed and nothing else
MIXED_OUT = [
    '{"x": 0.0, "t": true, "f": false, "n": null, "o": {"a": 1, "b": [2.50, "c"]}, "l": [], "s": "0", '
    '"e": "", "num": 1.50}',
    '{"x": 2.0, "t": false, "f": true, "n": null, "o": {}, "l": [-0, 1E5], "s": "x", "e": "y", "num": -0}',
]


def same_json(a: object, b: object) -> bool:
    """Equal as JSON values, type included: ``true`` is not ``1``, ``"0"`` is not ``0``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same_json(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same_json, a, b))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("fmt", ["json", "ndjson", "text"])
def test_untouched_json_values_come_out_as_the_same_json_values(fmt: str) -> None:
    result = feed(MIXED, f"relu -c x --format {fmt}")
    assert result.returncode == 0, result.stderr
    expected = "".join(f"{line}\n" for line in MIXED_OUT)
    if fmt != "ndjson":
        expected = "[\n" + ",\n".join(MIXED_OUT) + "\n]\n"
    assert result.stdout == expected
    records = [json.loads(line) for line in MIXED_OUT]
    originals = json.loads(MIXED)
    for record, original in zip(records, originals, strict=True):
        assert all(same_json(record[key], original[key]) for key in original if key != "x")


def test_a_column_that_is_not_transformed_keeps_a_string_that_spells_a_number() -> None:
    result = feed('{"s": "0", "x": -1}\n{"s": "-2.5", "x": 1}\n', "relu -c x --format ndjson")
    assert result.stdout == '{"s": "0", "x": 0.0}\n{"s": "-2.5", "x": 1.0}\n'


def test_a_missing_value_in_a_transformed_column_stays_null_or_the_blank_string_it_was() -> None:
    data = '[{"x": -1}, {"x": null}, {"x": ""}, {"x": " "}]'
    expected = '{"x": 0.0}\n{"x": null}\n{"x": ""}\n{"x": " "}\n'
    assert feed(data, "relu --format ndjson").stdout == expected


def test_a_bad_value_that_nan_replaced_shows_its_json_value_as_the_input() -> None:
    result = feed('[-1, true, {"a": 1}, "abc", null]', "relu --on-error nan --format ndjson")
    assert result.returncode == 0
    assert result.stdout == (
        '{"input": -1.0, "output": 0.0}\n{"input": true, "output": null}\n'
        '{"input": {"a": 1}, "output": null}\n{"input": "abc", "output": null}\n'
        '{"input": null, "output": null}\n'
    )


def test_nan_and_infinity_read_as_numbers_and_written_as_null_even_nested() -> None:
    result = feed('{"x": NaN, "y": [Infinity, -Infinity, 1]}\n{"x": 2, "y": []}\n', "relu -c x")
    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"x": null, "y": [null, null, 1]}\n{"x": 2.0, "y": []}\n'


def test_delimited_text_in_json_output_is_as_before() -> None:
    data = "x,t,n,s,o\n-1,true,,0,{}\n"
    result = feed(data, "relu -c x --format ndjson")
    assert result.stdout == '{"x": 0.0, "t": "true", "n": "", "s": 0, "o": "{}"}\n'


# ------------------------------------------------------------------------- deep nesting, lone surrogates


def nested(depth: int) -> str:
    """An object whose ``x`` is -1 and whose ``deep`` holds arrays and objects ``depth`` levels deep in all
    (the record itself counted)."""
    kinds = [("[", "]") if level % 2 else ('{"a": ', "}") for level in range(1, depth)]  # inside the record
    innermost = "[]" if kinds[-1][0] == "[" else "{}"
    opening = "".join(opener for opener, _ in kinds[:-1])
    closing = "".join(closer for _, closer in reversed(kinds[:-1]))
    return '{"x": -1, "deep": ' + opening + innermost + closing + "}"


@pytest.mark.parametrize("shape", ["ndjson", "array"])
def test_values_nested_512_deep_pass_through_and_one_level_more_is_a_located_error(shape: str) -> None:
    def document(depth: int) -> str:  # the top-level array is a level too
        if shape == "ndjson":
            return '{"x": 1, "deep": []}\n' + nested(depth) + "\n"
        return '[{"x": 1, "deep": []},\n' + nested(depth - 1) + "]\n"

    result = feed(document(512), "relu -c x --format ndjson")
    assert result.returncode == 0, result.stderr
    record = json.loads(nested(512 if shape == "ndjson" else 511))
    assert json.loads(result.stdout.splitlines()[1]) == {**record, "x": 0.0}
    too_deep = feed(document(513), "relu -c x --format ndjson")
    assert too_deep.returncode == 1
    assert too_deep.stderr == "relu-cli: error: <stdin>:2: arrays and objects nested more than 512 deep\n"


@pytest.mark.parametrize("opening", ["[" * 100_000, '[{"":' * 50_000, "{" * 3000])
def test_nesting_deeper_than_python_reads_is_a_located_error_not_an_internal_one(opening: str) -> None:
    result = feed(opening, "relu")
    assert result.returncode == 1
    assert result.stderr in (
        "relu-cli: error: <stdin>:1: arrays and objects nested more than 512 deep\n",
        "relu-cli: error: <stdin>:1: invalid JSON: Expecting property name enclosed in double quotes\n",
    )


def test_the_500_nested_arrays_of_json_test_suite_are_one_located_error_as_values(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 500 + "]" * 500)
    result = shell("relu-cli relu -f deep.json --format ndjson", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("relu-cli: error: deep.json:1:1: '[[[[")
    assert result.stderr.count("\n") == 1
    assert feed("[" * 500 + "]" * 500, "relu --on-error nan").stdout == "[null]\n"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", '{"\\udfaa": "a\\ud800b", "x": 0.0}\n'),
        ("ndjson", '{"\\udfaa": "a\\ud800b", "x": 0.0}\n'),
        ("csv", "\\udfaa,x\na\\ud800b,0.0\n"),
    ],
)
def test_lone_surrogates_pass_through_as_the_escape_they_were_written_as(fmt: str, expected: str) -> None:
    result = feed('{"\\uDFAA": "a\\ud800b", "x": -1}\n', f"relu --format {fmt}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
    if fmt != "csv":
        assert json.loads(result.stdout) == {"\udfaa": "a\ud800b", "x": 0.0}


def test_lone_surrogates_in_names_tables_and_errors_are_written_as_escapes() -> None:
    data = '{"\\udfaa": "\\ud800", "x": -1}\n{"\\udfaa": "z", "x": "\\udc00"}\n'
    assert feed(data, "relu -n").stdout == "  1: \\udfaa\n  2: x\n"
    table = feed(data, "relu --format table --on-error nan")
    assert table.returncode == 0 and "\\ud800" in table.stdout
    error = feed(data, "relu")
    assert error.returncode == 1
    assert error.stderr == "relu-cli: error: <stdin>:2:2: '\\udc00' is not a number\n"


# ------------------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"x": -1}\n{"x": "abc"}\n', "<stdin>:2:1: 'abc' is not a number"),
        ('[-1,\n {"x": 1}]', "<stdin>:2:1: '{\"x\": 1}' is not a number"),
        ('{"x": -1}\n{"y": 1}\n', "<stdin>:2: keys (y) differ from those of the first object (x)"),
        (
            '{"x": -1, "]\\n": 1, "a\\u0000b": 2}\n{"x": 1}\n',
            "<stdin>:2: keys (x) differ from those of the first object (x, ]\\n, a\\x00b)",
        ),
        ('[{"x": -1}, 2]', "<stdin>:1: expected an object like the first record, found 2"),
        (
            '[{"x": -1}, "' + "y" * 100 + '"]',
            f'<stdin>:1: expected an object like the first record, found "{"y" * 79}… (102 characters)',
        ),
        ('{"x": -1}\n{"x": }\n', "<stdin>:2: invalid JSON: Expecting value"),
        ("[1, 2\n", "<stdin>:1: the JSON array is not closed"),
        ("[1 2]", "<stdin>:1: expected ',' or ']' after an array element"),
        ("[1]\n[2]\n", "<stdin>:2: unexpected data after the JSON array"),
    ],
)
def test_bad_json_is_one_located_error_line(data: str, message: str) -> None:
    result = feed(data, "relu --format csv")
    assert result.returncode == 1
    assert result.stderr == f"relu-cli: error: {message}\n"


def test_python_s_nan_and_infinity_literals_are_read_as_numbers() -> None:
    result = feed("[NaN, -Infinity, 2]", "relu")
    assert (result.returncode, result.stdout, result.stderr) == (0, "[null, 0.0, 2.0]\n", "")


@pytest.mark.parametrize(
    "name",
    [
        "n_array_extra_comma.json",
        "n_object_single_quote.json",
        "n_number_with_leading_zero.json",
        "n_structure_unclosed_array.json",
        "n_structure_array_trailing_garbage.json",
        "n_number_-01.json",
        "n_string_unescaped_tab.json",
        "n_structure_object_with_trailing_garbage.json",
    ],
)
def test_other_invalid_json_from_json_test_suite_is_one_located_error(name: str) -> None:
    path = Path(__file__).parent / "data" / "JSONTestSuite" / "test_parsing" / name
    result = shell(f"relu-cli relu -f {path}")
    assert result.returncode == 1
    assert re.fullmatch(rf"relu-cli: error: {re.escape(str(path))}:\d+(:\d+)?: [^\n]+\n", result.stderr)


def test_a_bad_line_in_a_live_ndjson_stream_is_reported_at_once() -> None:
    process = subprocess.Popen(
        [RELU_CLI, "relu"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None
    process.stdin.write(b'{"x": -1}\n{"x": }\n')
    process.stdin.flush()
    try:
        assert process.wait(timeout=10) == 1
    finally:
        process.stdin.close()
    assert process.stderr is not None
    assert process.stderr.read() == b"relu-cli: error: <stdin>:2: invalid JSON: Expecting value\n"


def test_invalid_utf8_in_json_names_its_line() -> None:
    result = shell("printf '[1,\\n2,\\n\\377]' | relu-cli relu")
    assert result.returncode == 1
    assert result.stderr == "relu-cli: error: <stdin>:3: invalid UTF-8 (relu-cli reads UTF-8 text)\n"


def test_on_error_skip_drops_bad_json_records() -> None:
    result = feed('{"x": -1}\n{"x": "abc"}\n{"x": 2}\n', "relu --on-error skip")
    assert result.stdout == '{"x": 0.0}\n{"x": 2.0}\n'
    assert "skipped 1 bad record(s)" in result.stderr


def test_a_table_of_a_lone_surrogate_escape_keeps_its_columns_aligned() -> None:
    result = feed('{"k\\ud800": "\\ud800", "n": -1}\n', "relu --format table")
    assert result.returncode == 0, result.stderr
    _, header, rule, row, _ = result.stdout.splitlines()
    assert header.split() == ["k\\ud800", "n"] and row.split() == ["\\ud800", "0.0"]
    assert len(header) == len(rule) == len(row)
    assert header.index("n") == row.index("0.0") + 2  # the numbers right-aligned under their name
