"""Writers: every format compared as a whole output string, built from the real reader and processor."""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import ArrayLike, NDArray

from relu_cli import core
from relu_cli.choices import OutputFormat
from relu_cli.chunks import CHUNK_SIZE, Batch, Layout
from relu_cli.input.text import TextReader, read_values
from relu_cli.output import make_writer
from relu_cli.output.table import TableStyle
from relu_cli.transform import Columns, Computed, OnError, Processed, Processor, Tally, parse_columns

Function = Callable[[ArrayLike], NDArray[np.float64]]

# -------------------------------------------------------------------------------------------- helpers


def write(
    layout: Layout, batches: list[Processed], fmt: OutputFormat, style: TableStyle | None = None
) -> str:
    out = io.BytesIO()
    writer = make_writer(fmt, out, layout, table_style=style, headings=("x", "relu(x)"))
    writer.start()
    for batch in batches:
        writer.write(batch)
    writer.finish()
    return out.getvalue().decode("utf-8")


def process(layout: Layout, batches: list[Batch], function: Function, columns: str | None) -> list[Processed]:
    chosen = parse_columns(columns, layout.names) if columns is not None else None
    processor = Processor(layout, function, columns=chosen, on_error=OnError.fail, tally=Tally())
    return [processor.process(batch) for batch in batches]


def render(
    data: bytes,
    fmt: OutputFormat,
    *,
    function: Function = core.relu,
    columns: str | None = None,
    style: TableStyle | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> str:
    """``data`` read as a file, transformed and written in ``fmt``."""
    reader = TextReader(io.BytesIO(data), "in.csv", chunk_size=chunk_size)
    batches = list(reader.batches())
    assert reader.layout is not None
    return write(reader.layout, process(reader.layout, batches, function, columns), fmt, style)


def render_values(
    tokens: list[str], fmt: OutputFormat, *, function: Function = core.relu, style: TableStyle | None = None
) -> str:
    """Command-line VALUES transformed and written in ``fmt``."""
    layout, batch = read_values(tokens)
    return write(layout, process(layout, [batch], function, None), fmt, style)


def plain(*, max_rows: int = 0, width: int = 80, notes: list[str] | None = None) -> TableStyle:
    return TableStyle("relu(x)", notes or [], color=False, width=width, max_rows=max_rows)


VALUES = ["-1", "0", "2.5", "-0.0", "nan", "-inf", "inf", "1e-05"]

TABLE = b'name,x,y,note\n"a, b",-1,2.5,"say ""hi"""\nc,,-0.0,plain\nd,nan,-inf,"two\nlines"\ne,1e3,inf,\n'

# ----------------------------------------------------------------------------------------------- text


def test_text_prints_values_one_per_line_in_round_trip_form() -> None:
    assert render_values(VALUES, OutputFormat.text) == "0.0\n0.0\n2.5\n0.0\nnan\n0.0\ninf\n1e-05\n"


def test_text_of_leaky_relu_matches_the_article() -> None:
    assert render_values(["-1.0", "1.0"], OutputFormat.text, function=core.leaky_relu) == "-0.001\n1.0\n"


def test_text_keeps_the_input_layout_byte_for_byte() -> None:
    assert render(TABLE, OutputFormat.text) == (
        'name,x,y,note\n"a, b",0.0,2.5,"say ""hi"""\nc,,0.0,plain\nd,nan,0.0,"two\nlines"\ne,1000.0,inf,\n'
    )


def test_text_leaves_unchosen_numeric_columns_as_written() -> None:
    data = b'"id",x,y\n007,-1,-1e3\n+8,2,.5\n'
    assert render(data, OutputFormat.text, columns="x") == '"id",x,y\n007,0.0,-1e3\n+8,2.0,.5\n'


def test_text_keeps_tabs_and_semicolons() -> None:
    assert render(b"a\tb\n-1\t2\n", OutputFormat.text) == "a\tb\n0.0\t2.0\n"
    assert render(b"a;b\n-1;2\n", OutputFormat.text) == "a;b\n0.0;2.0\n"


def test_text_joins_whitespace_separated_fields_with_one_space() -> None:
    assert render(b"  1   -2\n-3\t4 5\n", OutputFormat.text) == "1.0 0.0\n0.0 4.0 5.0\n"


def test_text_turns_crlf_into_newlines() -> None:
    assert render(b"x,y\r\n1,-2\r\n", OutputFormat.text) == "x,y\n1.0,0.0\n"


# -------------------------------------------------------------------------------------------- csv/tsv


def test_csv_of_values_has_an_input_output_header() -> None:
    assert render_values(["-1", "2.5", "nan"], OutputFormat.csv) == "input,output\n-1,0.0\n2.5,2.5\nnan,nan\n"


def test_tsv_of_values_has_an_input_output_header() -> None:
    assert render_values(["-1", "2.5"], OutputFormat.tsv) == "input\toutput\n-1\t0.0\n2.5\t2.5\n"


def test_csv_quotes_as_rfc4180_says() -> None:
    assert render(TABLE, OutputFormat.csv) == (
        'name,x,y,note\n"a, b",0.0,2.5,"say ""hi"""\nc,,0.0,plain\nd,nan,0.0,"two\nlines"\ne,1000.0,inf,\n'
    )


def test_tsv_quotes_only_fields_that_need_it() -> None:
    assert render(TABLE, OutputFormat.tsv) == (
        "name\tx\ty\tnote\n"
        'a, b\t0.0\t2.5\t"say ""hi"""\n'
        "c\t\t0.0\tplain\n"
        'd\tnan\t0.0\t"two\nlines"\n'
        "e\t1000.0\tinf\t\n"
    )


def test_csv_from_tsv_quotes_a_comma_that_was_plain_in_the_input() -> None:
    assert render(b"name\tx\na, b\t-1\n", OutputFormat.csv) == 'name,x\n"a, b",0.0\n'


def test_csv_header_has_unique_unquoted_names() -> None:
    assert render(b'x,x,"y"\n1,-2,3\n', OutputFormat.csv) == "x,x_2,y\n1.0,0.0,3.0\n"


def test_csv_of_a_headerless_table_names_columns_by_position() -> None:
    assert render(b"1 -2\n-3 4\n", OutputFormat.csv) == "1,2\n1.0,0.0\n0.0,4.0\n"


def test_csv_of_one_headerless_column_is_a_value_list() -> None:
    assert render(b"-3\n4\n", OutputFormat.csv) == "input,output\n-3,0.0\n4,4.0\n"


# ------------------------------------------------------------------------------------------ json/ndjson


def test_json_of_values_is_strict_with_null_for_nan_and_infinities() -> None:
    expected = (
        "[\n"
        '{"input": -1.0, "output": 0.0},\n'
        '{"input": 0.0, "output": 0.0},\n'
        '{"input": 2.5, "output": 2.5},\n'
        '{"input": -0.0, "output": 0.0},\n'
        '{"input": null, "output": null},\n'
        '{"input": null, "output": 0.0},\n'
        '{"input": null, "output": null},\n'
        '{"input": 1e-05, "output": 1e-05}\n'
        "]\n"
    )
    output = render_values(VALUES, OutputFormat.json)
    assert output == expected
    json.loads(output, parse_constant=pytest.fail)  # no NaN or Infinity tokens


def test_ndjson_of_values_is_one_object_per_line() -> None:
    assert render_values(["-1", "inf", "3"], OutputFormat.ndjson) == (
        '{"input": -1.0, "output": 0.0}\n{"input": null, "output": null}\n{"input": 3.0, "output": 3.0}\n'
    )


def test_json_of_a_table_is_keyed_by_column_name() -> None:
    expected = (
        "[\n"
        '{"name": "a, b", "x": 0.0, "y": 2.5, "note": "say \\"hi\\""},\n'
        '{"name": "c", "x": null, "y": 0.0, "note": "plain"},\n'
        '{"name": "d", "x": null, "y": 0.0, "note": "two\\nlines"},\n'
        '{"name": "e", "x": 1000.0, "y": null, "note": ""}\n'
        "]\n"
    )
    output = render(TABLE, OutputFormat.json)
    assert output == expected
    assert json.loads(output, parse_constant=pytest.fail)[0]["note"] == 'say "hi"'


def test_ndjson_of_a_table_is_one_object_per_record() -> None:
    assert render(TABLE, OutputFormat.ndjson) == (
        '{"name": "a, b", "x": 0.0, "y": 2.5, "note": "say \\"hi\\""}\n'
        '{"name": "c", "x": null, "y": 0.0, "note": "plain"}\n'
        '{"name": "d", "x": null, "y": 0.0, "note": "two\\nlines"}\n'
        '{"name": "e", "x": 1000.0, "y": null, "note": ""}\n'
    )


def test_json_of_a_headerless_table_names_columns_by_position() -> None:
    assert render(b"1 -2\n-3 4\n", OutputFormat.json) == (
        '[\n{"1": 1.0, "2": 0.0},\n{"1": 0.0, "2": 4.0}\n]\n'
    )


def test_json_keeps_untransformed_numbers_as_numbers_only_when_json_can_spell_them() -> None:
    data = b"a,b,c,d,x\n7,1e5,007,nan,-1\n-2.5,+3,.5,inf,2\n"
    assert render(data, OutputFormat.ndjson, columns="x") == (
        '{"a": 7, "b": 1e5, "c": "007", "d": "nan", "x": 0.0}\n'
        '{"a": -2.5, "b": "+3", "c": ".5", "d": "inf", "x": 2.0}\n'
    )


# The grammar of a JSON number, written out here as the reference for fields passed through
JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def objects_of(
    rows: list[list[str]], names: list[str], transformed: dict[str, Callable[[str], str]]
) -> list[str]:
    """The reference: each row as the members of one object, a field passed through as a number when it is
    a JSON number, else as a string."""

    def token(name: str, field: str) -> str:
        if name in transformed:
            return transformed[name](field)
        if field.startswith('"'):  # quoted as CSV quotes
            field = field[1:-1].replace('""', '"')
        return field if JSON_NUMBER.fullmatch(field) else json.dumps(field, ensure_ascii=False)

    return ["{" + ", ".join(f'"{n}": {token(n, f)}' for n, f in zip(names, row)) + "}" for row in rows]


# Fields of a column passed through to JSON, numbers or not: each a string unless JSON spells numbers so
PASSED_THROUGH = [
    "",
    "01",
    "1.",
    "+3",
    ".5",
    "-",
    "--1",
    "1-2",
    "1.2.3",
    "1e5e5",
    "1e",
    "1e400",
    "1e-05",
    "-0",
]
PASSED_THROUGH += [
    "9" * 30,
    "null",
    "nul",
    "nan",
    "inf",
    "true",
    " 1",
    "[1]",
    "{}",
    "naïve",
    "1\u0663",  # a digit of another script after an ASCII one: no JSON number
    "\u0663",
    '"7"',
    '"a, ""b"""',
]


def relu_token(field: str) -> str:
    """The reference for a transformed field in JSON: its result, ``null`` for NaN, ±inf and no value."""
    value = float(field) if field.strip() and field != "NA" else math.nan
    result = math.nan if math.isnan(value) else max(0.0, value)
    return repr(result) if math.isfinite(result) else "null"


@pytest.mark.parametrize("fmt", [OutputFormat.ndjson, OutputFormat.json])
@pytest.mark.parametrize("odd", PASSED_THROUGH)
@pytest.mark.parametrize("x_cells", [{}, {20: "nan", 40: "", 60: "inf", 80: "-inf", 100: "NA", 120: "1e400"}])
def test_json_of_number_rows_passes_through_each_field_as_a_number_only_if_it_is_one(
    fmt: OutputFormat, odd: str, x_cells: dict[int, str]
) -> None:
    rows = [[str(i), f"{i - 5}.25", f"{i * 1.5e-7!r}"] for i in range(200)]
    rows[137][2] = odd  # one field among 600 plain ones
    for row, cell in x_cells.items():  # and no number in some of the transformed column's cells
        rows[row][1] = cell
    data = ("id,x,y\n" + "".join(",".join(row) + "\n" for row in rows)).encode()
    objects = objects_of(rows, ["id", "x", "y"], {"x": relu_token})
    expected = (
        "".join(o + "\n" for o in objects)
        if fmt is OutputFormat.ndjson
        else "[\n" + ",\n".join(objects) + "\n]\n"
    )
    assert render(data, fmt, columns="x") == expected


def test_json_of_number_rows_with_a_few_cells_of_no_number_is_made_from_the_rows_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from relu_cli.output import json as json_output

    monkeypatch.setattr(json_output, "_column_tokens", lambda columns: pytest.fail("made column by column"))
    rows = [[str(i), ["nan", "", "-inf", "inf", "NA", f"{i - 50}.5"][i % 6], str(i * 2)] for i in range(200)]
    for i, cell in zip(range(3, 200, 25), ["", "n/a", "01", "1e400", " 5", "true", "é", "-"]):
        rows[i][2] = cell  # a few fields passed through that are no JSON numbers
    data = ("id,x,y\n" + "".join(",".join(row) + "\n" for row in rows)).encode()
    expected = objects_of(rows, ["id", "x", "y"], {"x": relu_token})
    assert render(data, OutputFormat.ndjson, columns="x") == "".join(o + "\n" for o in expected)


def rows_data(names: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    return (delimiter.join(names) + "\n" + "".join(delimiter.join(row) + "\n" for row in rows)).encode()


def json_text(objects: list[str], fmt: OutputFormat) -> str:
    if fmt is OutputFormat.ndjson:
        return "".join(o + "\n" for o in objects)
    return "[\n" + ",\n".join(objects) + "\n]\n"


@pytest.fixture
def without_the_path_by_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    from relu_cli.output import json as json_output

    monkeypatch.setattr(json_output, "_column_tokens", lambda columns: pytest.fail("made column by column"))


# Columns of text that JSON writes as strings as they are: dates, words, null spellings, empty fields
PLAIN_TEXT = ["2024-01-05", "item 7", "", "NA", "null", "nan", "true", "-", "1.", "é", "+3", "0x1F", " a "]


@pytest.mark.parametrize("fmt", [OutputFormat.ndjson, OutputFormat.json])
@pytest.mark.parametrize(
    "names", [["label", "x", "y"], ["id", "label", "x", "y"], ["id", "x", "label"], ["a", "x", "b", "c"]]
)
@pytest.mark.usefixtures("without_the_path_by_columns")
def test_json_of_rows_with_columns_of_text_is_made_from_the_rows_text(
    fmt: OutputFormat, names: list[str]
) -> None:
    """Columns of text first, inner or last, beside columns of numbers, and NaN, ±inf and missing cells in
    the transformed column: each text field becomes a string, made without the path by columns."""
    xs = ["nan", "", "-inf", "inf", "NA", "-2.5", "3", "1e-05"]

    def field(name: str, i: int) -> str:
        if name == "x":
            return xs[i % len(xs)]
        if name in ("id", "y"):
            return str(i * (3 if name == "y" else 1) - 50)
        return PLAIN_TEXT[(i + len(name)) % len(PLAIN_TEXT)]

    rows = [[field(name, i) for name in names] for i in range(300)]
    expected = json_text(objects_of(rows, names, {"x": relu_token}), fmt)
    assert render(rows_data(names, rows), fmt, columns="x") == expected


@pytest.mark.parametrize(
    ("column", "field"),
    [
        *((0, label) for label in ['a "b"', "a\\b", "unit\x1fseparator", "1", "-2.5", "1e400", "x, y"]),
        *((2, odd) for odd in ["abc", "01", "NA", ""]),
    ],
)
def test_json_of_text_and_numbers_with_one_field_unlike_its_column_equals_the_reference(
    column: int, field: str
) -> None:
    """One field among 300 unlike the rest of its column: in the column of text, one that needs escaping,
    is a number, or holds a comma (from TSV input); in a column of numbers passed through, one that is no
    JSON number. The rows are made by columns instead, and come out the same as the reference."""
    rows = [[PLAIN_TEXT[i % len(PLAIN_TEXT)], str(i - 150), str(i)] for i in range(300)]
    rows[211][column] = field
    objects = objects_of(rows, ["label", "x", "y"], {"x": relu_token})
    data = rows_data(["label", "x", "y"], rows, "\t")
    assert render(data, OutputFormat.ndjson, columns="x") == json_text(objects, OutputFormat.ndjson)


@pytest.mark.parametrize("fmt", [OutputFormat.ndjson, OutputFormat.json])
@pytest.mark.parametrize(
    "names", [["id", "label", "x", "y"], ["y", "x", "label", "id"], ["label", "x", "id"]]
)
@pytest.mark.usefixtures("without_the_path_by_columns")
def test_json_of_text_and_numbers_with_a_few_fields_of_no_number_is_made_from_the_rows_text(
    fmt: OutputFormat, names: list[str]
) -> None:
    """A column of text beside columns of numbers passed through, first, inner and last, with a few
    fields that are no JSON numbers: those are written as their tokens in the rows' text."""
    odd = {3: "", 40: "NA", 77: "abc", 150: "1e400", 151: "01", 299: " 5"}

    def field(name: str, i: int) -> str:
        if name == "x":
            return ["nan", "-2.5", "", "3"][i % 4]
        if name == "label":
            return PLAIN_TEXT[i % len(PLAIN_TEXT)]
        return odd.get(i, str(i)) if name == "id" else odd.get(299 - i, str(i * 3))

    rows = [[field(name, i) for name in names] for i in range(300)]
    expected = json_text(objects_of(rows, names, {"x": relu_token}), fmt)
    assert render(rows_data(names, rows), fmt, columns="x") == expected


def test_json_of_text_and_numbers_with_many_fields_of_no_number_equals_the_reference() -> None:
    """More such fields than the rows' text takes (here, every fifth): the rows are made by columns."""
    rows = [
        [PLAIN_TEXT[i % len(PLAIN_TEXT)], str(i - 150), "NA" if i % 5 == 0 else str(i)] for i in range(300)
    ]
    objects = objects_of(rows, ["label", "x", "y"], {"x": relu_token})
    assert render(rows_data(["label", "x", "y"], rows), OutputFormat.ndjson, columns="x") == json_text(
        objects, OutputFormat.ndjson
    )


# Text quoted whole, as CSV quotes it: each is a JSON string once a line feed in it is escaped
QUOTED_TEXT = ['"item 7, lot 3"', '"a note,\nover two lines"', '""', '"x"', '"2024-01-05"', '"-"', '"é, ü"']


@pytest.mark.parametrize("fmt", [OutputFormat.ndjson, OutputFormat.json])
@pytest.mark.parametrize("names", [["label", "x", "y"], ["id", "label", "x", "y"], ["id", "x", "label"]])
@pytest.mark.usefixtures("without_the_path_by_columns")
def test_json_of_rows_with_columns_of_quoted_text_is_made_from_the_rows_text(
    fmt: OutputFormat, names: list[str]
) -> None:
    """Quoted columns of text, first, inner or last, beside columns of numbers and one of plain text."""
    plain = ["a", "b c", "", "NA"]

    def field(name: str, i: int) -> str:
        if name == "x":
            return f"{i / 7 - 20!r}"
        if name == "id":
            return str(i)
        return QUOTED_TEXT[i % len(QUOTED_TEXT)] if name == "label" else plain[i % len(plain)]

    names = [*names, "note"]
    rows = [[field(name, i) for name in names] for i in range(300)]
    expected = json_text(objects_of(rows, names, {"x": relu_token}), fmt)
    assert render(rows_data(names, rows), fmt, columns="x") == expected


@pytest.mark.parametrize("label", ['"a ""b"""', '"5"', '"-2.5"', "plain", '"x\ty"', '"a\\b"', '"a"b'])
def test_json_of_quoted_text_with_one_field_unlike_its_column_equals_the_reference(label: str) -> None:
    """One label among 300 quoted ones that is no JSON string as it is: with doubled quotes inside, a number
    in quotes (a number in JSON), unquoted, with a tab or a backslash, or with text after its quotes."""
    rows = [[QUOTED_TEXT[i % len(QUOTED_TEXT)], f"{i / 7 - 20!r}", str(i)] for i in range(300)]
    rows[211][0] = label
    objects = objects_of(rows, ["label", "x", "y"], {"x": relu_token})
    if label == '"a"b':  # text after the closing quote: all of it the field's value, as read
        objects[211] = objects[211].replace('"label": "a\\""', '"label": "\\"a\\"b"')
    data = rows_data(["label", "x", "y"], rows)
    assert render(data, OutputFormat.ndjson, columns="x") == json_text(objects, OutputFormat.ndjson)


@pytest.mark.parametrize("width", [2, 31, 32, 40])
def test_json_of_number_rows_of_any_width_names_every_field(width: int) -> None:
    names = [f"c{i}" for i in range(width)]
    rows = [[f"{(row * width + i) % 7 - 3}" for i in range(width)] for row in range(50)]
    data = (",".join(names) + "\n" + "".join(",".join(row) + "\n" for row in rows)).encode()
    middle = names[width // 2]
    expected = objects_of(rows, names, {middle: lambda field: repr(max(0.0, float(field)))})
    assert render(data, OutputFormat.ndjson, columns=middle) == "".join(o + "\n" for o in expected)


@pytest.mark.parametrize("fmt", [OutputFormat.csv, OutputFormat.tsv])
def test_csv_of_a_transformed_column_writes_needlessly_quoted_missing_cells_as_their_values(
    fmt: OutputFormat,
) -> None:
    data = b'id,x,y\n1,"2",3\n2," ",4\n3,"",5\n4,-1,"six, 6"\n'
    expected = 'id,x,y\n1,2.0,3\n2, ,4\n3,,5\n4,0.0,"six, 6"\n'
    assert render(data, fmt, columns="x") == (
        expected if fmt is OutputFormat.csv else expected.replace(",", "\t").replace('"six\t 6"', "six, 6")
    )


def test_json_of_no_records_is_an_empty_array() -> None:
    layout = Layout("in.csv", ",", ["x"], ["x"], value_list=False)
    assert write(layout, [], OutputFormat.json) == "[]\n"
    assert write(layout, [], OutputFormat.ndjson) == ""


def test_json_of_directly_built_batches_writes_null_for_missing_and_non_finite() -> None:
    layout = Layout("in.csv", ",", ["x", "y"], ["x", "y"], value_list=False)
    nan, none = float("nan"), np.empty(0, dtype=np.intp)
    x = Computed(np.array([nan, nan]), np.array([nan, nan]), np.array([0]), none)
    y = Computed(np.array([-np.inf, 1.0]), np.array([0.0, 1.0]), none, none)
    fields = [b"", b"-inf", b"nan", b"1"]
    columns = Columns(2, fields, [b"", b"0.0", b"nan", b"1.0"], {0: x, 1: y})
    batch = Processed("in.csv", [2, 3], {0, 1}, columns=columns)
    assert write(layout, [batch, batch], OutputFormat.json) == (
        "[\n"
        '{"x": null, "y": 0.0},\n{"x": null, "y": 1.0},\n{"x": null, "y": 0.0},\n{"x": null, "y": 1.0}\n'
        "]\n"
    )


@pytest.mark.parametrize(
    "fmt",
    [
        OutputFormat.text,
        OutputFormat.csv,
        OutputFormat.tsv,
        OutputFormat.json,
        OutputFormat.ndjson,
        OutputFormat.table,
    ],
)
def test_output_does_not_depend_on_how_the_input_was_chunked(fmt: OutputFormat) -> None:
    style = plain() if fmt is OutputFormat.table else None
    whole = render(TABLE, fmt, style=style)
    assert render(TABLE, fmt, style=style, chunk_size=1) == whole
    assert render(TABLE, fmt, style=style, chunk_size=7) == whole


# ---------------------------------------------------------------------------------------------- table


def test_table_of_values_puts_input_beside_right_aligned_output() -> None:
    assert render_values(["-1", "2.5", "nan", "1e-05"], OutputFormat.table, style=plain()) == (
        "relu(x)\n"
        "    x   relu(x)\n"
        "───────────────\n"
        "   -1       0.0\n"
        "  2.5       2.5\n"
        "  nan       nan\n"
        "1e-05     1e-05\n"
        "4 rows\n"
    )


def test_table_of_a_csv_aligns_numbers_right_and_text_left() -> None:
    assert render(TABLE, OutputFormat.table, style=plain()) == (
        "relu(x)\n"
        "name        x     y   note     \n"
        "───────────────────────────────\n"
        'a, b      0.0   2.5   say "hi" \n'
        "c               0.0   plain    \n"
        "d         nan   0.0   two      \n"
        "                      lines    \n"
        "e      1000.0   inf            \n"
        "4 rows\n"
    )


def test_table_caption_carries_the_notes_and_a_singular_count() -> None:
    style = plain(notes=["slope 0.5"])
    output = render_values(["-2"], OutputFormat.table, function=core.leaky_relu, style=style)
    assert output.endswith("\nslope 0.5 · 1 row\n")


def test_table_without_colour_has_no_escape_codes() -> None:
    assert "\x1b" not in render(TABLE, OutputFormat.table, style=plain())
    assert "\x1b" not in render_values(VALUES, OutputFormat.table, style=plain())


def test_table_with_colour_has_escape_codes() -> None:
    style = TableStyle("relu(x)", [], color=True, width=80, max_rows=0)
    assert "\x1b[" in render_values(VALUES, OutputFormat.table, style=style)


def test_long_table_shows_first_and_last_rows_around_an_elision_row() -> None:
    tokens = [str(i) for i in range(-5, 1495)]
    assert render_values(tokens, OutputFormat.table, style=plain(max_rows=4)) == (
        "relu(x)\n"
        "   x   relu(x)\n"
        "──────────────\n"
        "  -5       0.0\n"
        "  -4       0.0\n"
        "   …         …\n"
        "1493    1493.0\n"
        "1494    1494.0\n"
        "4 of 1,500 rows shown (--max-rows 0 shows all)\n"
    )


def test_long_table_with_odd_max_rows_shows_one_more_first_row() -> None:
    output = render_values(["1", "2", "3", "4", "5"], OutputFormat.table, style=plain(max_rows=3))
    assert output == (
        "relu(x)\n"
        "x   relu(x)\n"
        "───────────\n"
        "1       1.0\n"
        "2       2.0\n"
        "…         …\n"
        "5       5.0\n"
        "3 of 5 rows shown (--max-rows 0 shows all)\n"
    )


def test_table_limited_to_one_row_still_marks_the_elision() -> None:
    output = render_values(["1", "2", "3"], OutputFormat.table, style=plain(max_rows=1))
    assert output == (
        "relu(x)\n"
        "x   relu(x)\n"
        "───────────\n"
        "1       1.0\n"
        "…         …\n"
        "1 of 3 rows shown (--max-rows 0 shows all)\n"
    )


def test_table_with_max_rows_zero_shows_every_row() -> None:
    tokens = [str(i) for i in range(100)]
    output = render_values(tokens, OutputFormat.table, style=plain(max_rows=0))
    assert "…" not in output
    assert output.endswith("\n98      98.0\n99      99.0\n100 rows\n")
    assert output.count("\n") == 4 + 100


def test_table_as_long_as_max_rows_has_no_elision() -> None:
    output = render_values(["1", "2", "3"], OutputFormat.table, style=plain(max_rows=3))
    assert "…" not in output and output.endswith("3 rows\n")


def test_narrow_table_is_drawn_wider_rather_than_cut_or_wrapped() -> None:
    data = b"long_column_name,b,note\n1.1234567890123457,-2e+300,some text that is long\n"
    assert render(data, OutputFormat.table, style=plain(width=20)) == (
        "relu(x)\n"
        "  long_column_name     b   note                  \n"
        "─────────────────────────────────────────────────\n"
        "1.1234567890123457   0.0   some text that is long\n"
        "1 row\n"
    )


def test_narrow_value_table_keeps_every_digit() -> None:
    output = render_values(
        ["-1.2345678901234567", "1.2345678901234567"], OutputFormat.table, style=plain(width=8)
    )
    assert output == (
        "relu(x)\n"
        "                  x              relu(x)\n"
        "────────────────────────────────────────\n"
        "-1.2345678901234567                  0.0\n"
        " 1.2345678901234567   1.2345678901234567\n"
        "2 rows\n"
    )


# ------------------------------------------------------------------------- a full table drawn as it comes


def full(*, color: bool = False, stream_after: int = 10**9) -> TableStyle:
    return TableStyle("relu(x)", ["n"], color=color, width=80, max_rows=0, stream_after=stream_after)


STREAMED_TABLES = [
    TABLE,
    b'id,x,label,y\n1,-2.5,"a, b",3\n2,4,"say ""hi""",-1\n3,,"two\nlines",0\n4,nan,plain,-0\n6,1e400,,-inf\n',
    "x,t\n1,caf\u00e9\n2,\u4e2d\u6587\n3,a\tb\n-4,\x1b[31mred\x00\n5,{}\n".encode(),
    b"x,y\n,1\n,-2\n3,\n",
    "x,t\n1,\u4e2d\u6587\n2,e\u0301\u0301\n3,\U0001f44d\U0001f3fd\n-4,\uff76\uff80\n5,\u2764\ufe0f\n".encode(),
    b"a,b,c\n" + b"".join(b"%d,%d,name %d\n" % (i, -i, i) for i in range(1500)),
]


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("data", STREAMED_TABLES)
def test_a_full_table_drawn_as_it_comes_looks_like_the_table_drawn_whole(data: bytes, color: bool) -> None:
    """The rows come in one chunk after the header, so the widths decided from it are the final ones."""
    whole = render(data, OutputFormat.table, style=full(color=color))
    assert render(data, OutputFormat.table, style=full(color=color, stream_after=0)) == whole
    assert render(data, OutputFormat.table, style=full(color=color, stream_after=3)) == whole


@pytest.mark.parametrize("color", [False, True])
def test_a_full_value_table_drawn_as_it_comes_looks_like_the_table_drawn_whole(color: bool) -> None:
    tokens = [*VALUES, *(str(i) for i in range(-500, 1500))]
    whole = render_values(tokens, OutputFormat.table, style=full(color=color))
    assert render_values(tokens, OutputFormat.table, style=full(color=color, stream_after=0)) == whole


def test_a_later_cell_wider_than_its_column_widens_it_under_the_header_drawn_again() -> None:
    data = b"x,label\n-1,a\n2,bb\n-3,c\n40,dddd\n5,e\n"
    output = render(data, OutputFormat.table, style=full(stream_after=1), chunk_size=12)
    assert output == (
        "relu(x)\n"
        "  x   label\n"
        "───────────\n"
        "0.0   a    \n"
        "2.0   bb   \n"
        "0.0   c    \n"
        "   x   label\n"
        "────────────\n"
        "40.0   dddd \n"
        " 5.0   e    \n"
        "n · 5 rows\n"
    )


def test_a_column_found_to_hold_numbers_later_is_right_aligned_under_the_header_drawn_again() -> None:
    output = render(b"x,y\n,1\n,-2\n30,\n", OutputFormat.table, style=full(stream_after=0), chunk_size=4)
    assert output == (
        "relu(x)\n"
        "x     y\n"
        "───────\n"
        "    1.0\n"
        "    0.0\n"
        "   x     y\n"  # x is now a column of numbers: right-aligned, and as wide as 30.0 needs
        "──────────\n"
        "30.0      \n"
        "n · 3 rows\n"
    )


def test_a_full_table_is_written_chunk_by_chunk_and_holds_no_rows() -> None:
    out = io.BytesIO()
    reader = TextReader(
        io.BytesIO(b"x\n" + b"".join(b"%d\n" % i for i in range(-2000, 2000))), "in", chunk_size=64
    )
    batches = list(reader.batches())
    assert reader.layout is not None
    writer = make_writer(OutputFormat.table, out, reader.layout, table_style=full(stream_after=100))
    writer.start()
    sizes = []
    for batch in process(reader.layout, batches, core.relu, None):
        writer.write(batch)
        sizes.append(len(out.getvalue()))
        assert len(writer.head) <= 100  # type: ignore[attr-defined]
    writer.finish()
    assert 0 < sizes[len(sizes) // 2] < sizes[-1]  # drawn while rows were still coming
    assert out.getvalue().decode().endswith("\n1999.0\nn · 4,000 rows\n")


def test_json_strings_are_escaped_byte_for_byte_as_python_json_writes_them() -> None:
    from relu_cli.output.json import json_strings

    texts = [chr(code) for code in range(0x80)] + ['a\\b"c\nd', "", "é\u2028\U0001f600", "\x7f\x1f"]
    texts += ["".join(texts)]
    assert json_strings([text.encode() for text in texts]) == [
        json.dumps(text, ensure_ascii=False).encode() for text in texts
    ]
