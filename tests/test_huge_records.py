"""Huge records: a line of tens of megabytes, or a file with no line end at all, is read in pieces, so
memory stays bounded; each through the installed entry point, its peak memory measured by
``/usr/bin/time -f %M``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_e2e import shell

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")
TIME = Path("/usr/bin/time")
MIB = 1 << 20

# CI installs GNU time (scripts/setup-dev.sh): there a missing one fails the test instead of skipping it
NO_TIME = not TIME.exists() and not os.environ.get("CI")
needs_time = pytest.mark.skipif(NO_TIME, reason="needs GNU time at /usr/bin/time")


def numbers(count: int, seed: int) -> list[str]:
    """``count`` numbers as text, negative and positive, in the forms people write."""
    rng = np.random.default_rng(seed)
    values = (rng.uniform(-1000, 1000, count).round(3)).tolist()
    return [repr(value) for value in values]


def relu_reference(tokens: list[str]) -> list[str]:
    """relu of each token, as Python's ``repr`` spells it: an independent reference."""
    return [repr(value) if value > 0 else "0.0" for value in map(float, tokens)]


def run_measured(args: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[bytes], int]:
    """The run, with stdout in ``out.txt``, and its peak resident memory in bytes."""
    report = tmp_path / "rss.txt"
    with (tmp_path / "out.txt").open("wb") as out:
        result = subprocess.run(
            [str(TIME), "-f", "%M", "-o", str(report), RELU_CLI, *args],
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    return result, int(report.read_text().split()[-1]) * 1024


@pytest.fixture(scope="module")
def start_up_rss(tmp_path_factory: pytest.TempPathFactory) -> int:
    """Peak memory of a run that reads one value: the interpreter and the libraries alone."""
    if NO_TIME:
        pytest.skip("needs GNU time at /usr/bin/time")
    _, rss = run_measured(["relu", "1"], tmp_path_factory.mktemp("startup"))
    return rss


@needs_time
def test_a_20_mb_line_gives_the_reference_in_bounded_memory(tmp_path: Path, start_up_rss: int) -> None:
    tokens = numbers(2_600_000, seed=1)
    data = tmp_path / "line.txt"
    data.write_text(" ".join(tokens) + "\n")
    size = data.stat().st_size
    assert size > 20 * MIB
    result, rss = run_measured(["relu", "-f", str(data)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.txt").read_text() == " ".join(relu_reference(tokens)) + "\n"
    # Held whole, this line took 1.7 GB (one Python string per field); in pieces the run needs what
    # start-up needs plus the work on a few pieces of about 1 MiB, whatever the line's length.
    report = f"input {size / MIB:.1f} MiB, peak {rss / MIB:.1f} MiB, start-up {start_up_rss / MIB:.1f} MiB"
    print(report)
    assert rss < 120 * MIB, report
    assert rss - start_up_rss < 72 * MIB, report


@needs_time
def test_a_100_mb_file_without_a_line_end_runs_in_bounded_memory(tmp_path: Path, start_up_rss: int) -> None:
    piece = " ".join(numbers(200_000, seed=2)) + " "
    data = tmp_path / "no-line-end.txt"
    with data.open("w") as out:
        while out.tell() < 100 * MIB:
            out.write(piece)
    size = data.stat().st_size
    result, rss = run_measured(["relu", "-f", str(data)], tmp_path)
    assert result.returncode == 0, result.stderr
    output = (tmp_path / "out.txt").read_bytes()
    assert output.endswith(b"\n") and output.count(b"\n") == 1, "one record in, one line out"
    expected = " ".join(relu_reference(piece.split()))
    assert output[: len(expected)].decode() == expected
    assert output.count(b" ") + 1 == len(piece.split()) * (size // len(piece))
    report = f"input {size / MIB:.1f} MiB, peak {rss / MIB:.1f} MiB, start-up {start_up_rss / MIB:.1f} MiB"
    print(report)
    assert rss < 0.9 * size, report
    assert rss - start_up_rss < 72 * MIB, report


def test_a_bad_value_deep_in_a_long_line_is_named_by_line_and_field(tmp_path: Path) -> None:
    tokens = numbers(600_000, seed=3)  # about 4 MiB: four pieces at least
    tokens[456_788] = "oops"
    data = tmp_path / "bad.txt"
    data.write_text(" ".join(tokens) + "\n")
    result = subprocess.run([RELU_CLI, "relu", "-f", str(data)], capture_output=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.decode() == f"relu-cli: error: {data}:1:456789: 'oops' is not a number\n"


def test_on_error_skip_drops_the_bad_value_of_a_long_line_and_counts_it(tmp_path: Path) -> None:
    tokens = numbers(300_000, seed=4)
    tokens[250_000] = "oops"
    data = tmp_path / "bad.txt"
    data.write_text(" ".join(tokens) + "\n")
    result = subprocess.run(
        [RELU_CLI, "relu", "--on-error", "skip", "-f", str(data)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    kept = tokens[:250_000] + tokens[250_001:]
    assert result.stdout.decode() == " ".join(relu_reference(kept)) + "\n"
    assert "skipped 1 bad record(s)" in result.stderr.decode()
    assert ":1:250001:" in result.stderr.decode()


@pytest.mark.parametrize("ending", ["\n", "", "\r\n"])
def test_a_long_comma_line_is_one_line_out_as_the_same_content_in_one_piece(ending: str) -> None:
    tokens = numbers(400_000, seed=5)  # about 3 MiB
    tokens[10:13] = ["", "-0", "1e-7"]  # an empty field, a negative zero and a tiny value: the slow path
    line = ",".join(tokens)
    result = subprocess.run(
        [RELU_CLI, "relu"], input=(line + ending).encode(), capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    expected = [*relu_reference(tokens[:10]), "", "0.0", "1e-07", *relu_reference(tokens[13:])]
    assert result.stdout.decode() == ",".join(expected) + "\n"


def test_a_long_line_between_short_ones_keeps_every_line(tmp_path: Path) -> None:
    tokens = numbers(300_000, seed=6)
    data = "-1 2\n" + " ".join(tokens) + "\n3 -4\n"
    result = subprocess.run(
        [RELU_CLI, "relu"], input=data.encode(), capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "0.0 2.0\n" + " ".join(relu_reference(tokens)) + "\n3.0 0.0\n"


def test_a_long_first_line_is_a_value_list_in_json() -> None:
    tokens = numbers(300_000, seed=7)
    result = subprocess.run(
        [RELU_CLI, "relu", "--format", "ndjson"],
        input=" ".join(tokens).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == len(tokens)
    assert lines[0] == f'{{"input": {float(tokens[0])!r}, "output": {relu_reference(tokens[:1])[0]}}}'


@pytest.mark.parametrize("options", [[], ["-c", "1"], ["--format", "json"], ["-n"]])
def test_dev_zero_is_binary_data_reported_in_bounded_memory(
    tmp_path: Path, start_up_rss: int, options: list[str]
) -> None:
    # NUL bytes with no line end: a record that can be neither cut nor held whole, for it never ends
    result, rss = run_measured(["relu", *options, "-f", "/dev/zero"], tmp_path)
    assert result.returncode == 1
    # binary at its first line, by whichever check sees it first: the NULs of the first record, or a
    # record too long to hold that holds NULs
    assert result.stderr.decode() in (
        "relu-cli: error: /dev/zero:1: binary data: NUL bytes and no line end in 524,288 bytes "
        "(relu-cli reads UTF-8 text)\n",
        "relu-cli: error: /dev/zero:1: binary data, not text: the first record holds NUL bytes\n",
    )
    assert (tmp_path / "out.txt").read_bytes() == b"", "the error comes before the first record"
    assert rss - start_up_rss < 32 * MIB, f"peak {rss / MIB:.1f} MiB, start-up {start_up_rss / MIB:.1f} MiB"


def test_nul_bytes_after_some_lines_are_binary_data_at_their_line() -> None:
    producer = subprocess.Popen(
        ["bash", "-c", "printf '1\\n-2\\n'; exec cat /dev/zero"], stdout=subprocess.PIPE
    )
    try:
        result = subprocess.run(
            [RELU_CLI, "relu"], stdin=producer.stdout, capture_output=True, timeout=60, check=False
        )
    finally:
        producer.kill()
        producer.wait()
    assert result.returncode == 1
    assert result.stdout == b"1.0\n0.0\n"
    assert result.stderr.startswith(b"relu-cli: error: <stdin>:3: binary data: NUL bytes and no line end")


def test_a_null_spelling_in_a_long_record_is_null_in_json_as_anywhere_else(tmp_path: Path) -> None:
    """A record long enough to come in pieces is read as a list of values, as a column of them is: a
    missing value, blank or a null spelling, is null in JSON output."""
    cells = [str(i - 3) for i in range(200_000)]
    cells[5], cells[7] = "NA", ""
    path = tmp_path / "long.txt"
    path.write_text(",".join(cells) + "\n")
    lines = shell(f"relu-cli relu -f {path} --format ndjson").stdout.splitlines()
    assert lines[4:8] == [
        '{"input": 1.0, "output": 1.0}',
        '{"input": null, "output": null}',
        '{"input": 3.0, "output": 3.0}',
        '{"input": null, "output": null}',
    ]
    column = shell(f"tr , '\\n' < {path} | relu-cli relu --format ndjson").stdout.splitlines()
    assert column[4:7] == lines[4:7]  # (a blank line is no record in a column)
