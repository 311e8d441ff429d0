"""Every output format against a straightforward reference, on random CSV with odd cells.

The reference below builds each format row by row from the definitions (parse_number, the core function,
repr, JSON's null for what it cannot spell), independently of the bulk engine, which assembles formats
column by column. Small inputs run in-process; large ones run through the installed command with one
process and with worker processes, which must give the same bytes.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from relu_cli import core
from relu_cli.cli import app
from relu_cli.numbers import parse_number

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")
FORMATS = ["text", "csv", "tsv", "json", "ndjson"]
NAMES = ["id", "x", "label", "y"]
FUNCTIONS: dict[str, tuple[list[str], Callable[[float], float]]] = {
    "relu": (["relu"], lambda v: float(core.relu(v))),
    "leaky": (["leaky-relu", "--slope", "0.1"], lambda v: float(core.leaky_relu(v, slope=0.1))),
    "gradient": (["relu", "--mode", "gradient"], lambda v: float(core.relu_grad(v))),
}
# numbers in every spelling relu-cli reads, and missing cells; none needs quoting in CSV
ODD = ["", " ", "nan", "NaN", "inf", "-inf", "+1", ".5", "-.5", "5.", "-0", "0", "1e-7", "1E5", " 3 ", "01"]
LABELS = ["a", "b c", "1", "-2.5", "", "nan", "true", "é", "x y z", "1\u0663", "01", "t\\u"]
# The grammar of a JSON number, written out here for the reference: ASCII digits only
JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def cell(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(ODD)
    return repr(rng.gauss(0, 1) * 10.0 ** rng.randint(-6, 6))


def reference(
    rows: list[list[str]], fmt: str, function: Callable[[float], float], chosen: str = "x,y"
) -> str:
    """The output of ``-c x,y`` (or of ``chosen``, ``x`` alone) in ``fmt``, row by row from the
    definitions."""

    def result(text: str) -> float | None:
        value = parse_number(text)
        return None if value is None else function(value)

    def as_text(text: str) -> str:
        value = result(text)
        return text if value is None else repr(value)

    def as_json(text: str) -> str:
        value = result(text)
        return "null" if value is None or not math.isfinite(value) else repr(value)

    def passthrough(text: str) -> str:
        return text if JSON_NUMBER.fullmatch(text) else json.dumps(text, ensure_ascii=False)

    if chosen == "x":
        as_y_text, as_y_json = str, passthrough
    else:
        as_y_text, as_y_json = as_text, as_json

    if fmt in ("text", "csv", "tsv"):
        delimiter = "\t" if fmt == "tsv" else ","
        lines = [delimiter.join(NAMES)]
        lines += [delimiter.join([i, as_text(x), label, as_y_text(y)]) for i, x, label, y in rows]
        return "".join(line + "\n" for line in lines)
    objects = [
        f'{{"id": {passthrough(i)}, "x": {as_json(x)}, "label": {passthrough(label)}, "y": {as_y_json(y)}}}'
        for i, x, label, y in rows
    ]
    if fmt == "ndjson":
        return "".join(obj + "\n" for obj in objects)
    return "[\n" + ",\n".join(objects) + "\n]\n" if objects else "[]\n"


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(1, 300), fmt=st.sampled_from(FORMATS))
def test_every_column_transformed_equals_the_reference_in_every_format(
    seed: int, count: int, fmt: str
) -> None:
    """A table of numbers only, every column chosen: its lines are parsed and written whole."""
    rng = random.Random(seed)
    rows = [[cell(rng) for _ in range(3)] for _ in range(count)]
    data = "a,b,c\n" + "".join(",".join(row) + "\n" for row in rows)
    result = CliRunner().invoke(app, ["relu", "-c", "a,b,c", "--format", fmt], data)
    assert (result.exit_code, result.stderr) == (0, "")

    def value(text: str) -> float | None:
        number = parse_number(text)
        return None if number is None else float(core.relu(number))

    if fmt in ("text", "csv", "tsv"):
        delimiter = "\t" if fmt == "tsv" else ","
        lines = [[text if value(text) is None else repr(value(text)) for text in row] for row in [*rows]]
        expected = "".join(delimiter.join(line) + "\n" for line in [["a", "b", "c"], *lines])
    else:
        tokens = [
            [
                "null" if (number := value(text)) is None or not math.isfinite(number) else repr(number)
                for text in row
            ]
            for row in rows
        ]
        objects = [f'{{"a": {a}, "b": {b}, "c": {c}}}' for a, b, c in tokens]
        expected = (
            "".join(obj + "\n" for obj in objects)
            if fmt == "ndjson"
            else "[\n" + ",\n".join(objects) + "\n]\n"
        )
    assert result.stdout == expected


# labels as written in the input (quoted or not) and the values they hold
QUOTED_LABELS = {
    '"a, b"': "a, b", '"say ""hi"""': 'say "hi"', '""': "", '"x"': "x", "plain": "plain", '"1,5"': "1,5",
    '"-2"': "-2", '"tab\tin"': "tab\tin", "é": "é", '"a note,\nover two lines"': "a note,\nover two lines",
    '"a, b"c': '"a, b"c',  # text after the closing quote: all of it the field's value, as read
}  # fmt: skip


def quoted_reference(
    rows: list[list[str]], fmt: str, function: Callable[[float], float], chosen: str = "x,y"
) -> str:
    """:func:`reference` for rows whose label is written as in :data:`QUOTED_LABELS`: text output keeps
    it as written; csv and tsv write its value as Python's csv module quotes it, and JSON its value."""
    if fmt == "text":
        return reference(rows, "text", function, chosen)
    values = [[i, x, QUOTED_LABELS[label], y] for i, x, label, y in rows]
    if fmt in ("json", "ndjson"):
        return reference(values, fmt, function, chosen)
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(NAMES)
    for i, x, label, y in values:
        _, x_out, _, y_out = reference([[i, x, "", y]], "text", function, chosen).splitlines()[1].split(",")
        writer.writerow([i, x_out, label, y_out])
    return buffer.getvalue()


def csv_input(rows: list[list[str]]) -> str:
    return ",".join(NAMES) + "\n" + "".join(",".join(row) + "\n" for row in rows)


def random_rows(rng: random.Random, count: int) -> list[list[str]]:
    return [[str(i), cell(rng), rng.choice(LABELS), cell(rng)] for i in range(count)]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(1, 300), fmt=st.sampled_from(FORMATS))
@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("chosen", ["x,y", "x"])  # an inner column alone is taken without splitting lines
def test_every_format_equals_the_reference_on_odd_cells(
    name: str, chosen: str, seed: int, count: int, fmt: str
) -> None:
    args, function = FUNCTIONS[name]
    rows = random_rows(random.Random(seed), count)
    result = CliRunner().invoke(app, [*args, "-c", chosen, "--format", fmt], csv_input(rows))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == reference(rows, fmt, function, chosen)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(1, 300), fmt=st.sampled_from(FORMATS))
@pytest.mark.parametrize("chosen", ["x,y", "x"])  # an inner column alone is taken without splitting lines
def test_quoted_fields_in_every_format_equal_the_reference(
    chosen: str, seed: int, count: int, fmt: str
) -> None:
    rng = random.Random(seed)
    rows = [[str(i), cell(rng), rng.choice(list(QUOTED_LABELS)), cell(rng)] for i in range(count)]
    result = CliRunner().invoke(app, ["relu", "-c", chosen, "--format", fmt], csv_input(rows))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == quoted_reference(rows, fmt, FUNCTIONS["relu"][1], chosen)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    count=st.integers(1, 300),
    fmt=st.sampled_from(FORMATS),
    labels=st.sets(st.sampled_from(list(QUOTED_LABELS)), min_size=1),
)
@pytest.mark.parametrize("chosen", ["x,y", "x"])
def test_quoted_fields_of_a_few_spellings_equal_the_reference(
    chosen: str, seed: int, count: int, fmt: str, labels: set[str]
) -> None:
    """A label column of only some spellings: only quotes the csv module writes too (`"a, b"` and
    `plain`), so that the column can pass through as read, or also others it would not write."""
    rng = random.Random(seed)
    rows = [[str(i), cell(rng), rng.choice(sorted(labels)), cell(rng)] for i in range(count)]
    result = CliRunner().invoke(app, ["relu", "-c", chosen, "--format", fmt], csv_input(rows))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == quoted_reference(rows, fmt, FUNCTIONS["relu"][1], chosen)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("spelling", list(QUOTED_LABELS))
def test_each_quoted_spelling_beside_an_inner_column_equals_the_reference(fmt: str, spelling: str) -> None:
    """Labels the csv module writes as they were read, and among them every 50th of another spelling, in
    records whose inner column is taken without splitting them into fields: those as read pass through,
    the others are written as the module writes them."""
    labels = ['"a, b"', '"a note,\nover two lines"', "plain"]
    rows = [
        [str(i), repr(i / 7 - 20), spelling if i % 50 == 7 else labels[i % 3], str(i)] for i in range(300)
    ]
    result = CliRunner().invoke(app, ["relu", "-c", "x", "--format", fmt], csv_input(rows))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == quoted_reference(rows, fmt, FUNCTIONS["relu"][1], "x")


def test_quoted_fields_take_the_bulk_path() -> None:
    from relu_cli.input.text import TextReader

    data = "id,label,x\n" + "".join(f'{i},"a, ""{i}""",{i - 50}\n' for i in range(100))
    reader = TextReader(io.BytesIO(data.encode()), "<stdin>")
    batches = list(reader.batches())
    assert batches[-1].block is not None and batches[-1].block.quoted
    assert batches[-1].block.fields()[:3] == [b"0", b'"a, ""0"""', b"-50"]


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """About 4 MiB of CSV with odd cells all through it: several chunks, enough for the workers."""
    rows = random_rows(random.Random(11), 120_000)
    path = tmp_path_factory.mktemp("formats") / "odd.csv"
    path.write_text(csv_input(rows))
    return path, rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_process_and_workers_give_the_reference_in_every_format(
    large: tuple[Path, list[list[str]]], fmt: str
) -> None:
    path, rows = large
    outputs = [
        subprocess.run(
            [
                RELU_CLI,
                "leaky-relu",
                "--slope",
                "0.1",
                "-c",
                "x,y",
                "--format",
                fmt,
                "-j",
                jobs,
                "-f",
                str(path),
            ],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        for jobs in ("1", "3")
    ]
    assert outputs[0] == outputs[1]
    assert outputs[0].decode() == reference(rows, fmt, FUNCTIONS["leaky"][1])


@pytest.mark.parametrize("fmt", [*FORMATS, "table"])
def test_values_one_per_line_with_nan_in_every_format_are_the_same_with_workers(
    tmp_path: Path, fmt: str
) -> None:
    rng = np.random.default_rng(5)
    values = [repr(v) for v in rng.standard_normal(300_000).tolist()]
    values[::997] = ["nan"] * len(values[::997])
    path = tmp_path / "values.txt"
    path.write_text("".join(value + "\n" for value in values))
    outputs = {
        jobs: subprocess.run(
            [RELU_CLI, "relu", "--format", fmt, "--max-rows", "8", "--stats", "-j", jobs, "-f", str(path)],
            capture_output=True,
            check=True,
            timeout=120,
        )
        for jobs in ("1", "3")
    }
    assert outputs["1"].stdout == outputs["3"].stdout
    assert outputs["1"].stderr == outputs["3"].stderr
    assert f"300,000 values, {len(values[::997])} NaN".encode() in outputs["3"].stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_chunk_of_only_blank_lines_writes_nothing(fmt: str) -> None:
    # the first line comes alone, so the blank lines after it are a chunk of their own
    outputs = [
        CliRunner().invoke(app, ["relu", "--format", fmt], data).stdout for data in ("0.0\n\n\n", "0.0\n")
    ]
    assert outputs[0] == outputs[1]


JSON_FORMATS = ["json", "ndjson"]


#: Characters that JSON, CSV or the number grammar treat apart
SPECIAL = '"\\,\t\n\x00\x1f\x7f -+.eE0123456789\u0663\u2028'
# Any character but a surrogate (a lone CR in quotes is kept and a CR-LF read as a line feed, so none of
# them), and more often a special one
TEXT = st.text(
    st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=["Cs"], blacklist_characters="\r"))
)


@settings(max_examples=int(os.environ.get("ANY_TEXT_EXAMPLES", "60")), deadline=None)
@given(labels=st.lists(TEXT, min_size=1, max_size=300))
@example(labels=["a\\b", '"q"', ",", "1\u0663", "-0", "1e5", "01", "", " 1", "\u00e9\\u", "\x7f\u2028"])
@example(labels=[*SPECIAL, "a\\b", '"q"', "x\ty"])  # with control characters too
@pytest.mark.parametrize("fmt", [*JSON_FORMATS, "csv", "tsv"])
def test_any_text_passed_through_comes_out_as_the_same_value(fmt: str, labels: list[str]) -> None:
    """A column of any text beside a transformed one, written as Python's csv module quotes it: JSON output
    is valid JSON that holds each label as the same string (or, when the label is a JSON number, as that
    number), and csv or tsv output reads back, with the csv module, as the same labels."""
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["label", "x"], *([label, "-1"] for label in labels)])
    result = CliRunner().invoke(app, ["relu", "-c", "x", "--format", fmt], buffer.getvalue())
    assert (result.exit_code, result.stderr) == (0, "")
    if fmt in JSON_FORMATS:
        if fmt == "ndjson":
            objects = [json.loads(line) for line in result.stdout.split("\n")[:-1]]
        else:
            objects = json.loads(result.stdout)
        assert [obj["x"] for obj in objects] == [0.0] * len(labels)
        expected = [json.loads(label) if JSON_NUMBER.fullmatch(label) else label for label in labels]
        assert [obj["label"] for obj in objects] == expected
    else:
        rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t" if fmt == "tsv" else ","))
        assert rows == [["label", "x"], *([label, "0.0"] for label in labels)]
