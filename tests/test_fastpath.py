"""The fast path (whole chunks parsed and formatted with orjson) against a straightforward reference.

The reference is the simplest code that states the rules: a line at a time, ``float()`` after the strict
number pattern, the core function on one value, ``repr`` of the result. Inputs are randomised with fixed
seeds and mix every form the fast path must either get exactly right or hand to the general path: NaN,
±inf, -0.0 and the integer -0, subnormals, 1e-5, 1e16, leading zeros, ``+1``, ``.5``, ``5.``, bad values.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from relu_cli import core
from relu_cli.chunks import Batch
from relu_cli.errors import InputError
from relu_cli.input.text import TextReader
from relu_cli.numbers import NUMBER
from relu_cli.output.text import TextWriter
from relu_cli.parallel import Workers
from relu_cli.transform import (
    OnError,
    Processed,
    Processor,
    Tally,
)

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")

EDGE_TOKENS = [
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-0.0", "0.0", "-0", "0", "00", "01", "-01", "+1", "+0",
    ".5", "-.5", "5.", "1.e5", "1e-5", "1E-5", "1e-05", "-1e-05", "0.00001", "0.0001", "9.99e-05", "1e-7",
    "1e16", "1e+16", "1E16", "-1e16", "1e22", "5e-324", "-5e-324", "2.5e-320", "2.2250738585072014e-308",
    "1.7976931348623157e308", "1e308", "1e309", "1e400", "-1e400", "1e-400", "123456789012345678901234",
    "18446744073709551615", "18446744073709551616", "-9223372036854775809", "9007199254740993", "1.5",
]  # fmt: skip
BAD_TOKENS = ["foo", "1x", "--1", "null", "true", "false", "[1]", "{}", "1_000", "0x10", "e5", "-", "."]

FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "relu": core.relu,
    "leaky": core.leaky_relu,
    "leaky-0.5": lambda x: core.leaky_relu(x, slope=0.5),
    "relu-grad": core.relu_grad,
    "leaky-grad": core.leaky_relu_grad,
}


def random_number(rng: random.Random, edges: float = 0.25) -> str:
    """A number as someone may write it; ``edges`` is the share of tokens taken from EDGE_TOKENS."""
    if rng.random() < edges:
        return rng.choice(EDGE_TOKENS)
    kind = rng.random()
    if kind < 0.2:
        return str(rng.randint(-(10 ** rng.randint(1, 22)), 10 ** rng.randint(1, 22)))
    if kind < 0.6:
        return repr(rng.gauss(0, 1) * 10.0 ** rng.randint(-12, 20))
    if kind < 0.85:
        return repr(rng.uniform(-2e-4, 2e-4))
    bits = rng.getrandbits(64)
    return repr(float(np.array([bits], dtype=np.uint64).view(np.float64)[0]))


def reference_value(token: str, function: Callable[..., np.ndarray]) -> str:
    """One number the straightforward way: the strict pattern, float(), the core function, repr."""
    text = token.strip(" \t")
    assert NUMBER.fullmatch(text), token
    return repr(float(function(np.array([float(text)]))[0]))


#: The batches :func:`run_pipeline` saw the processor take record by record (by ``id``: they are kept)
_RECORD_BY_RECORD: set[int] = set()


def in_bulk(batch: Processed) -> bool:
    """Whether a batch took the bulk path, in this process or in a worker."""
    return batch.rendered is not None or id(batch) not in _RECORD_BY_RECORD


def run_pipeline(
    data: bytes,
    function: Callable[..., np.ndarray],
    *,
    chunk_size: int,
    columns: list[int] | None = None,
    on_error: OnError = OnError.fail,
    workers: int = 0,
) -> tuple[bytes, list[Processed], Tally]:
    """Reader → processor → text writer in memory, as the command line wires them; with ``workers``, the
    bulk work of every block goes to that many worker processes, however small the block."""
    reader = TextReader(io.BytesIO(data), "<stdin>", chunk_size=chunk_size)
    batches = reader.batches()
    first = next(batches)
    assert reader.layout is not None
    tally = Tally()
    processor = Processor(reader.layout, function, columns=columns, on_error=on_error, tally=tally)
    by_record = processor._process_rows

    def noted(batch: Batch) -> Processed:
        processed = by_record(batch)
        _RECORD_BY_RECORD.add(id(processed))
        return processed

    processor._process_rows = noted  # type: ignore[method-assign]
    out = io.BytesIO()
    writer = TextWriter(out, reader.layout)  # type: ignore[arg-type]
    writer.start()
    processed = []
    with Workers(processor.work(writer.render), workers) as helpers:
        in_order = helpers.map([first, *batches], processor.job, ready=lambda: True, start_after=0)
        for batch in processor.run(in_order):
            processed.append(batch)
            writer.write(batch)
        assert helpers.started == bool(workers), "the workers were not used"
    writer.finish()
    return out.getvalue(), processed, tally


# --------------------------------------------------------------------------------------- bulk formatting


# ------------------------------------------------------------------------- the pipeline, chunk by chunk


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_value_list_through_small_chunks_equals_the_reference(seed: int, name: str, workers: int) -> None:
    rng = random.Random(f"{seed}-{name}")
    edges = 0.25 if seed % 2 else 0.002  # many chunks left to the general path, or almost none
    tokens = [random_number(rng, edges) for _ in range(3000)]
    lines = list(tokens)
    for _ in range(rng.randint(0, 3)):  # blank lines are skipped, wherever they are
        lines.insert(rng.randrange(1, len(lines)), "")
    data = "\n".join(lines) + rng.choice(["\n", ""])
    if seed % 3 == 2:
        data = data.replace("\n", "\r\n")
    function = FUNCTIONS[name]
    chunk_size = rng.choice([64, 700, 4096])
    output, processed, _ = run_pipeline(data.encode(), function, chunk_size=chunk_size, workers=workers)
    expected = "".join(reference_value(token, function) + "\n" for token in tokens)
    assert output.decode() == expected
    if edges < 0.01:
        assert any(in_bulk(batch) for batch in processed), "the fast path was never taken"
    if workers:
        return  # the numbers read and computed stay in the workers
    read = np.concatenate([batch.arrays[0][0] for batch in processed if 0 in batch.arrays])
    computed = np.concatenate([batch.arrays[0][1] for batch in processed if 0 in batch.arrays])
    reference = np.array([float(token.strip()) for token in tokens])
    np.testing.assert_array_equal(read, reference)
    np.testing.assert_array_equal(computed, function(reference))


def test_plain_json_numbers_take_the_fast_path_for_every_chunk_the_first_line_too() -> None:
    data = "".join(f"{v!r}\n" for v in np.random.default_rng(1).standard_normal(5000).tolist()).encode()
    _, processed, _ = run_pipeline(data, core.relu, chunk_size=4096)
    assert len(processed[0].lines) == 1  # the first line alone decides the layout
    assert all(in_bulk(batch) for batch in processed)


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("seed", range(4))
def test_csv_columns_through_small_chunks_equal_the_reference(seed: int, workers: int) -> None:
    rng = random.Random(seed)
    rows = [
        [str(i), random_number(rng, 0.003), random_number(rng, 0.003), rng.choice(["a", "b c", "Zürich", ""])]
        for i in range(2000)
    ]
    if seed == 3:  # a quoted field now and then sends its chunk the general way
        rows[700][3] = '"x, y"'
    data = "id,x,y,label\n" + "".join(",".join(row) + "\n" for row in rows)
    function = FUNCTIONS["leaky"]
    output, processed, _ = run_pipeline(
        data.encode(), function, chunk_size=rng.choice([100, 2048]), columns=[1, 2], workers=workers
    )
    expected = "id,x,y,label\n" + "".join(
        ",".join([row[0], reference_value(row[1], function), reference_value(row[2], function), row[3]])
        + "\n"
        for row in rows
    )
    assert output.decode() == expected
    assert any(in_bulk(batch) for batch in processed)


@pytest.mark.parametrize(
    ("width", "columns"),
    [(2, None), (3, [0]), (3, [2]), (3, [0, 2]), (3, None), (5, [1, 3]), (5, [0, 2, 4])],
)
def test_first_last_and_inner_columns_equal_the_reference(width: int, columns: list[int] | None) -> None:
    rng = random.Random(width * 10 + len(columns or []))
    chosen = range(width) if columns is None else columns
    rows = [
        [random_number(rng, 0.003) if c in chosen else f"t{i}" for c in range(width)] for i in range(3000)
    ]
    rows[0] = [random_number(rng, 0) for _ in range(width)]  # every column is numeric by its first value
    data = "".join(";".join(row) + "\n" for row in rows)
    function = FUNCTIONS["leaky"]
    output, processed, _ = run_pipeline(data.encode(), function, chunk_size=1000, columns=columns)
    expected = "".join(
        ";".join(reference_value(cell, function) if c in chosen else cell for c, cell in enumerate(row))
        + "\n"
        for row in rows
    )
    assert output.decode() == expected
    assert any(in_bulk(batch) for batch in processed)


def test_a_column_with_spaces_and_integer_minus_zero_keeps_its_sign() -> None:
    data = b"id,x\n1, -0\n2,-0 \n3,0\n4,-1\n"
    output, processed, _ = run_pipeline(data, FUNCTIONS["leaky"], chunk_size=64, columns=[1])
    assert output == b"id,x\n1,-0.0\n2,-0.0\n3,0.0\n4,-0.001\n"
    assert in_bulk(processed[-1])


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("on_error", [OnError.skip, OnError.nan])
def test_bad_values_inside_a_fast_chunk_are_handled_as_on_error_says(on_error: OnError, workers: int) -> None:
    rng = random.Random(7)
    tokens = [random_number(rng, 0.002) for _ in range(2000)]
    bad_at = sorted(rng.sample(range(1, 2000), 5))
    for i in bad_at:
        tokens[i] = rng.choice(BAD_TOKENS)
    data = "".join(f"{token}\n" for token in tokens).encode()
    output, _, tally = run_pipeline(data, core.relu, chunk_size=512, on_error=on_error, workers=workers)
    expected = [
        ("nan" if on_error is OnError.nan else None) if i in bad_at else reference_value(token, core.relu)
        for i, token in enumerate(tokens)
    ]
    assert output.decode() == "".join(f"{line}\n" for line in expected if line is not None)
    assert (tally.skipped, tally.replaced) == ((5, 0) if on_error is OnError.skip else (0, 5))
    first = tally.first_skipped if on_error is OnError.skip else tally.first_replaced
    assert first == f"<stdin>:{bad_at[0] + 1}:1: {tokens[bad_at[0]]!r} is not a number"


@pytest.mark.parametrize("workers", [0, 2])
def test_a_bad_value_stops_the_stream_after_the_records_before_it(workers: int) -> None:
    tokens = [repr(float(i)) for i in range(3000)]
    tokens[2222] = "oops"
    data = "".join(f"{token}\n" for token in tokens).encode()
    reader = TextReader(io.BytesIO(data), "<stdin>", chunk_size=512)
    batches = reader.batches()
    first = next(batches)
    assert reader.layout is not None
    processor = Processor(reader.layout, core.relu, columns=None, on_error=OnError.fail, tally=Tally())
    out = io.BytesIO()
    writer = TextWriter(out, reader.layout)  # type: ignore[arg-type]
    with Workers(processor.work(writer.render), workers) as helpers, pytest.raises(InputError) as raised:
        in_order = helpers.map([first, *batches], processor.job, ready=lambda: True, start_after=0)
        for processed in processor.run(in_order):
            writer.write(processed)
    assert str(raised.value) == "<stdin>:2223:1: 'oops' is not a number"
    written = out.getvalue().decode().splitlines()
    assert written == tokens[:2222]


# ------------------------------------------------------------------------------------ the command line


def write_values(path: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    tokens = [random_number(rng) for _ in range(count)]
    path.write_text("".join(f"{token}\n" for token in tokens))
    return tokens


@pytest.mark.parametrize(
    "command", [["relu"], ["leaky-relu", "--slope", "0.25"], ["relu", "--mode", "gradient"]]
)
def test_cli_output_over_several_megabytes_equals_the_reference(command: list[str], tmp_path: Path) -> None:
    data = tmp_path / "values.txt"
    tokens = write_values(data, 150_000, seed=len(command))  # about 3 MiB: several 1 MiB chunks
    function = core.activation(command[0], "gradient" if "gradient" in command else "forward", 0.25)  # type: ignore[arg-type]
    with data.open("rb") as stdin:
        result = subprocess.run([RELU_CLI, *command], stdin=stdin, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "".join(reference_value(token, function) + "\n" for token in tokens)


def test_cli_error_deep_in_a_fast_chunk_names_its_line_and_column(tmp_path: Path) -> None:
    data = tmp_path / "values.csv"
    rng = random.Random(5)
    rows = [f"{i},{rng.gauss(0, 1)!r}" for i in range(120_000)]
    rows[98_765] = "98765,oops"
    data.write_text("id,x\n" + "\n".join(rows) + "\n")
    result = subprocess.run(
        [RELU_CLI, "relu", "-f", str(data), "-c", "x"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr == f"relu-cli: error: {data}:98767:2: 'oops' is not a number\n"


@pytest.mark.parametrize("fmt", ["ndjson", "json"])
def test_json_of_a_value_list_equals_the_reference_object_by_object(fmt: str) -> None:
    rng = np.random.default_rng(5)
    edges = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e16, -1e16, 1e-5, -1e-7, 5e-324, 1e22, 1e21, 1e-4, 0.0001]
    values = np.concatenate([rng.standard_normal(20_000) * 10.0 ** rng.integers(-30, 30, 20_000), edges])
    rng.shuffle(values)
    data = "".join(f"{value!r}\n" for value in values.tolist()).encode()
    output = subprocess.run(
        [RELU_CLI, "leaky-relu", "--slope", "0.25", "--format", fmt, "-j", "1"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()

    def token(value: float) -> str:
        return repr(value) if np.isfinite(value) else "null"

    objects = [
        f'{{"input": {token(x)}, "output": {token(y)}}}'
        for x, y in zip(values.tolist(), core.leaky_relu(values, slope=0.25).tolist())
    ]
    expected = (
        "".join(o + "\n" for o in objects) if fmt == "ndjson" else "[\n" + ",\n".join(objects) + "\n]\n"
    )
    assert output == expected


def test_a_quoted_field_across_lines_of_numbers_is_one_string_in_json() -> None:
    data = b'a,b\n"1\n2",-3\n4,5\n'
    result = subprocess.run(
        [RELU_CLI, "relu", "--format", "ndjson"], input=data, capture_output=True, check=True
    )
    assert result.stdout == b'{"a": "1\\n2", "b": 0.0}\n{"a": 4, "b": 5.0}\n'


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("chunk_size", [700, 4096])
def test_line_breaks_in_quotes_through_small_chunks_equal_the_reference(
    chunk_size: int, workers: int
) -> None:
    rng = random.Random(chunk_size + workers)
    notes = ['"line one\nline two"', '"a, b"', "plain", '"x\n\ny"', ""]
    rows = [[str(i), rng.choice(notes), random_number(rng, 0.01)] for i in range(3000)]
    data = "id,note,x\n" + "".join(",".join(row) + "\n" for row in rows)
    function = FUNCTIONS["relu"]
    output, processed, _ = run_pipeline(
        data.encode(), function, chunk_size=chunk_size, columns=[2], workers=workers
    )
    expected = "id,note,x\n" + "".join(
        ",".join([row[0], row[1], reference_value(row[2], function)]) + "\n" for row in rows
    )
    assert output.decode() == expected
    assert any(in_bulk(batch) for batch in processed)


@pytest.mark.parametrize(
    ("on_error", "message"),
    [
        ("fail", "relu-cli: error: <stdin>:202:3: 'oops' is not a number\n"),
        (
            "skip",
            "relu-cli: warning: skipped 1 bad record(s); first: <stdin>:202:3: 'oops' is not a number\n",
        ),
    ],
)
def test_a_bad_value_after_records_across_lines_is_named_by_the_line_its_record_starts_on(
    on_error: str, message: str
) -> None:
    note = ['"a\nb"', "n", "n"]  # a line break in quotes every third record
    rows = [f"{i},{note[i % 3]},{'oops' if i == 150 else i - 50}" for i in range(200)]
    data = "id,note,x\n" + "".join(row + "\n" for row in rows)
    assert data.splitlines()[201].startswith('150,"a')  # line 202
    result = subprocess.run(
        [RELU_CLI, "relu", "-c", "x", "--on-error", on_error],
        input=data.encode(),
        capture_output=True,
        check=False,
    )
    assert result.stderr.decode() == message
    written = result.stdout.decode().replace('"a\nb"', "ab").splitlines()
    assert len(written) == 1 + (150 if on_error == "fail" else 199)
    assert written[-1] == ("149,n,99.0" if on_error == "fail" else "199,n,149.0")
