"""relu-cli as a trusted Unix filter: broken pipes, signals, hostile bytes, malformed CSV and edge numbers,
each through the installed entry point in a real subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")


def run(
    args: list[str], stdin: bytes = b"", timeout: float = 60, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [RELU_CLI, *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def assert_one_line_error(stderr: bytes, *fragments: str) -> None:
    text = stderr.decode()
    assert text.startswith("relu-cli: error: "), text
    assert text.count("\n") == 1, text
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, text


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text("".join(f"{i - 500_000}\n" for i in range(1_000_000)))
    return path


# ------------------------------------------------------------------------------------------ broken pipe


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "table", "table --max-rows 0"])
def test_reader_leaving_early_is_quiet(big_file: Path, fmt: str) -> None:
    result = subprocess.run(
        [
            "bash",
            "-c",
            f'"{RELU_CLI}" relu -f "{big_file}" --format {fmt} | head -1; echo "${{PIPESTATUS[0]}}" >&2',
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    *messages, status = result.stderr.decode().splitlines()
    assert status in ("0", "141")
    assert messages == [], "nothing but the status on stderr: no BrokenPipeError, no 'Exception ignored'"
    assert len(result.stdout.splitlines()) == 1


def test_a_full_table_of_a_long_csv_starts_at_once_and_a_closed_pipe_ends_it(tmp_path: Path) -> None:
    """300,000 rows with --max-rows 0: drawn whole, nothing came for more than 20 s; drawn as the rows
    come, the first lines are there in a moment and the reader leaving ends it."""
    path = tmp_path / "big.csv"
    path.write_text(
        "id,x,label\n" + "".join(f"{i},{i % 2000 - 1000}.25,name {i % 97}\n" for i in range(300_000))
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [RELU_CLI, "relu", "-f", str(path), "--format", "table", "--max-rows", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(100)
    waited = time.monotonic() - started
    process.stdout.close()  # as `| head -c 100` does
    status = process.wait(timeout=30)
    assert first.startswith(b"relu(x)\n") and b"label" in first  # the title and the header
    assert waited < 10, f"the first 100 bytes took {waited:.1f} s"
    assert status == 141 and process.stderr.read() == b""
    assert time.monotonic() - started < 20


# -------------------------------------------------------------------------------------------- signals


def _interrupt(process: subprocess.Popen[bytes], sig: int) -> tuple[int, bytes]:
    time.sleep(1.0)  # let it start and block in its read or write
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=10)
    return process.returncode, stderr


def test_ctrl_c_while_waiting_for_input_exits_130_silently() -> None:
    process = subprocess.Popen(
        [RELU_CLI, "relu"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    status, stderr = _interrupt(process, signal.SIGINT)
    assert status == 130
    assert stderr == b""


def test_ctrl_c_while_writing_exits_130_silently() -> None:
    producer = subprocess.Popen(["yes", "--", "-1.5"], stdout=subprocess.PIPE)
    process = subprocess.Popen(
        [RELU_CLI, "relu"], stdin=producer.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        status, stderr = _interrupt(process, signal.SIGINT)
    finally:
        producer.kill()
        producer.wait()
    assert status == 130
    assert b"Traceback" not in stderr and b"KeyboardInterrupt" not in stderr
    assert stderr == b""


def test_sigterm_ends_it_promptly() -> None:
    process = subprocess.Popen(
        [RELU_CLI, "relu"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    started = time.monotonic()
    status, stderr = _interrupt(process, signal.SIGTERM)
    assert status == -signal.SIGTERM
    assert time.monotonic() - started < 5
    assert b"Traceback" not in stderr


# ------------------------------------------------------------------------------------------ hostile bytes


def test_invalid_utf8_names_the_line_after_writing_the_lines_before_it() -> None:
    result = run(["relu"], stdin=b"1\n-2\n\xff\xfe\n4\n")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "<stdin>:3:", "UTF-8")
    assert result.stdout == b"1.0\n0.0\n"  # as from any filter that stops at a bad line


def test_nul_byte_is_not_a_number_at_its_place() -> None:
    result = run(["relu"], stdin=b"1\n2\x003\n")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "<stdin>:2:1:", "not a number")


def test_binary_file_is_one_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    result = run(["relu", "-f", str(binary)])
    assert result.returncode == 1
    assert_one_line_error(result.stderr, f"{binary}:1: binary data, not text")


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x00\x00",  # a file of only NULs
        b"\x00" * (3 << 20),  # a long one, with no line end to cut at
        b"\n\n\x00\n1\n",  # the first line that is not blank decides
        "x,y\n-1,2\n".encode("utf-16-le"),  # UTF-16: a NUL beside every ASCII character
        b"-2\x00\n1\n",
    ],
)
@pytest.mark.parametrize("source", ["stdin", "file"])
def test_input_whose_first_record_holds_nul_bytes_is_binary_whatever_on_error_says(
    tmp_path: Path, content: bytes, source: str
) -> None:
    (tmp_path / "data.csv").write_bytes(content)
    args, stdin = (["-f", "data.csv"], b"") if source == "file" else ([], content)
    for on_error in ("fail", "skip", "nan"):
        result = run(["relu", *args, "--on-error", on_error], stdin=stdin, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stdout == b""
        assert_one_line_error(result.stderr, "binary data, not text: the first record holds NUL bytes")


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_nul_bytes_in_a_field_that_passes_through_are_copied_out_byte_for_byte(fmt: str) -> None:
    result = run(["relu", "--format", fmt], stdin=b"a,b\n1,x\x00y\n-2,\x00\n")
    assert result.returncode == 0, result.stderr
    expected = {
        "text": b"a,b\n1.0,x\x00y\n0.0,\x00\n",
        "csv": b"a,b\n1.0,x\x00y\n0.0,\x00\n",
        "json": b'[\n{"a": 1.0, "b": "x\\u0000y"},\n{"a": 0.0, "b": "\\u0000"}\n]\n',
    }
    assert result.stdout == expected[fmt]


def test_directory_as_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run(["relu", "-f", str(tmp_path)])
    assert result.returncode == 2
    assert_one_line_error(result.stderr, str(tmp_path), "directory")


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root reads any ordinary file; a write-only sysctl refuses even root
        unreadable = Path("/proc/sys/vm/drop_caches")
        if not unreadable.exists():
            pytest.skip("no file here that root cannot read")
    else:
        unreadable = tmp_path / "secret.txt"
        unreadable.write_text("1\n")
        unreadable.chmod(0)
    result = run(["relu", "-f", str(unreadable)])
    assert result.returncode == 2
    assert_one_line_error(result.stderr, str(unreadable), "ermission denied")


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run(["relu", "-f", str(tmp_path / "nope.csv")])
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "nope.csv", "no such file")


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", b""), (b"\n\n  \n", b""), (b"x,y\n", b"x,y\n"), (b"x,y\r\n", b"x,y\n")],
    ids=["empty file", "only blank lines", "only a header", "only a header with CRLF"],
)
def test_inputs_without_records_give_empty_output(tmp_path: Path, content: bytes, expected: bytes) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    result = run(["relu", "-f", str(path)])
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, b"")


def test_empty_input_as_json_is_an_empty_array() -> None:
    result = run(["relu", "--format", "json"], stdin=b"")
    assert (result.returncode, result.stdout) == (0, b"[]\n")


# -------------------------------------------------------------------------------------- malformed CSV


def test_unterminated_quote_names_the_line_it_opened_on() -> None:
    result = run(["relu"], stdin=b'x,y\n1,2\n3,"abc\n4,5\n')
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "<stdin>:3:", "unterminated")


@pytest.mark.parametrize("row", [b"1\n", b"1,2,3\n"], ids=["too few", "too many"])
def test_wrong_field_count_under_a_header_is_an_error(row: bytes) -> None:
    result = run(["relu"], stdin=b"x,y\n1,2\n" + row)
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "<stdin>:3:", "expected 2 fields")


def test_wrong_field_count_is_skipped_and_counted_with_on_error_skip() -> None:
    result = run(["relu", "--on-error", "skip"], stdin=b"x,y\n1,2\n3\n-4,5\n")
    assert result.stdout == b"x,y\n1.0,2.0\n0.0,5.0\n"
    assert b"skipped 1 bad record" in result.stderr


def test_duplicate_header_names_get_numbered_keys_in_json() -> None:
    result = run(["relu", "--format", "ndjson"], stdin=b"x,x,x\n-1,2,3\n")
    assert result.stdout == b'{"x": 0.0, "x_2": 2.0, "x_3": 3.0}\n'


def test_header_of_numbers_is_data_unless_header_is_forced() -> None:
    assert run(["relu"], stdin=b"1,-2\n3,4\n").stdout == b"1.0,0.0\n3.0,4.0\n"
    forced = run(["relu", "--header", "-c", "2"], stdin=b"1,-2\n3,-4\n")
    assert forced.stdout == b"1,-2\n3,0.0\n", "with --header, '2' names the column called 2"


# -------------------------------------------------------------------------------------- edge numbers


@pytest.mark.parametrize(
    ("text", "relu_out", "leaky_out"),
    [
        ("5e-324", "5e-324", "5e-324"),
        ("-5e-324", "0.0", "-0.0"),
        ("2.2250738585072014e-308", "2.2250738585072014e-308", "2.2250738585072014e-308"),
        ("1.7976931348623157e308", "1.7976931348623157e+308", "1.7976931348623157e+308"),
        ("-1.7976931348623157e308", "0.0", "-1.7976931348623156e+305"),
        ("1e400", "inf", "inf"),
        ("-1e400", "0.0", "-inf"),
        ("-0.0", "0.0", "-0.0"),
        ("0.1000000000000000055511151231257827021181583404541015625", "0.1", "0.1"),
        ("123456789012345678901234567890", "1.2345678901234568e+29", "1.2345678901234568e+29"),
        ("+.5e1", "5.0", "5.0"),
        ("1e-5", "1e-05", "1e-05"),
        ("-1e16", "0.0", "-10000000000000.0"),
        ("INF", "inf", "inf"),
        ("-Infinity", "0.0", "-inf"),
        ("NaN", "nan", "nan"),
    ],
)
def test_edge_numbers_print_in_round_trip_form(text: str, relu_out: str, leaky_out: str) -> None:
    data = f"{text}\n".encode()
    assert run(["relu"], stdin=data).stdout.decode() == relu_out + "\n"
    assert run(["leaky-relu"], stdin=data).stdout.decode() == leaky_out + "\n"


@pytest.mark.parametrize("text", ["1_000", "0x10", "١٢", "1e", "--1", "1.2.3", "½", "1,5"])
def test_forms_float_accepts_but_a_csv_user_would_not_expect_are_rejected(text: str) -> None:
    result = run(["relu", "-d", ";"], stdin=f"1\n{text}\n".encode())
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "<stdin>:2:1:", "not a number")


# ------------------------------------------------------------------------------------------ no eval


def test_input_is_never_evaluated(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payloads = [
        f"__import__('os').system('touch {marker}')",
        f"$(touch {marker})",
        f"`touch {marker}`",
        f"1; touch {marker}",
        f"exec(\"open('{marker}','w')\")",
    ]
    for payload in payloads:
        for args in (
            ["relu"],
            ["relu", "--on-error", "skip"],
            ["relu", "--on-error", "nan", "--format", "json"],
        ):
            result = run(args, stdin=f"{payload}\n".encode())
            assert result.returncode in (0, 1)
            assert not marker.exists(), payload
        result = run(["relu", payload])
        assert result.returncode == 2
        assert not marker.exists(), payload


def test_values_work_with_stdin_closed() -> None:
    result = subprocess.run(
        ["bash", "-c", '"$0" relu 1 -2 <&-', RELU_CLI], capture_output=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, b"1.0\n0.0\n", b"")


def test_overflow_to_infinity_prints_no_numpy_warning() -> None:
    result = run(["leaky-relu", "--slope", "10", "--", "-1e308"])
    assert (result.returncode, result.stdout, result.stderr) == (0, b"-inf\n", b"")


# -------------------------------------------------------------------------- nothing lost without a word


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("ndjson", b'{"x": 1.0, "y": 0.0}\n{"x": 0.0, "y": 4.0}\n'),
        ("json", b'[\n{"x": 1.0, "y": 0.0},\n{"x": 0.0, "y": 4.0}\n]\n'),
        ("text", b"x,y\n1.0,0.0\n0.0,4.0\n"),
        ("csv", b"x,y\n1.0,0.0\n0.0,4.0\n"),
    ],
)
def test_lone_cr_line_ends_split_records(tmp_path: Path, fmt: str, expected: bytes) -> None:
    mac = tmp_path / "m.csv"
    mac.write_bytes(b"x,y\r1,-2\r-3,4\r")
    from_file = run(["relu", "--format", fmt, "-f", str(mac)])
    assert (from_file.returncode, from_file.stdout, from_file.stderr) == (0, expected, b"")
    from_pipe = run(["relu", "--format", fmt], stdin=b"x,y\r1,-2\r-3,4")  # no final line end either
    assert (from_pipe.returncode, from_pipe.stdout, from_pipe.stderr) == (0, expected, b"")


def test_lone_cr_inside_a_quoted_field_is_data_and_line_numbers_count_cr_lines() -> None:
    result = run(["relu", "--format", "ndjson"], stdin=b'x,note\r-1,"a\rb"\r2,c\r')
    assert result.stdout == b'{"x": 0.0, "note": "a\\rb"}\n{"x": 2.0, "note": "c"}\n'
    bad = run(["relu"], stdin=b"x\r1\r\r\rfoo\r2\r")
    assert bad.returncode == 1
    assert bad.stdout == b"x\n1.0\n"
    assert_one_line_error(bad.stderr, "<stdin>:5:1: 'foo' is not a number")


def test_lone_cr_line_ends_in_json_input_count_as_lines() -> None:
    assert run(["relu"], stdin=b'{"x": 1}\r{"x": -2}\r').stdout == b'{"x": 1.0}\n{"x": 0.0}\n'
    bad = run(["relu"], stdin=b'{"x": 1}\r{"x": 2}\r{"x": "a"}\r')
    assert bad.returncode == 1
    assert_one_line_error(bad.stderr, "<stdin>:3:1: 'a' is not a number")


@pytest.mark.parametrize(
    ("data", "line", "key"),
    [
        (b'{"x": 1, "x": -2}\n', 1, "x"),
        (b'{"x": 1}\n{"x": 2, "x": 3}\n', 2, "x"),
        (b'[{"x": 1},\n {"x": 2, "y": {"a": 1, "a": 2}}]\n', 2, "a"),
    ],
    ids=["first object", "a later object", "a nested object"],
)
def test_a_duplicate_json_key_is_an_error_naming_its_line_and_key(data: bytes, line: int, key: str) -> None:
    result = run(["relu"], stdin=data)
    assert result.returncode == 1
    assert_one_line_error(result.stderr, f"<stdin>:{line}: duplicate key {key!r} in a JSON object")


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "ndjson", "table"])
def test_the_last_record_comes_out_the_same_without_a_final_line_end(tmp_path: Path, fmt: str) -> None:
    data = b"a,b\n1,\n2,3"
    outcomes = []
    for ending in [b"", b"\n", b"\r\n"]:
        outcomes.append(run(["relu", "--format", fmt], stdin=data + ending).stdout)
        path = tmp_path / "in.csv"
        path.write_bytes(data + ending)
        outcomes.append(run(["relu", "--format", fmt, "-f", str(path)]).stdout)
    assert len(set(outcomes)) == 1, outcomes
    if fmt == "ndjson":
        assert outcomes[0] == b'{"a": 1.0, "b": null}\n{"a": 2.0, "b": 3.0}\n'


HEADER_WITH_BLANKS = b"n,a,b  ,  c\n1,x,-2,3\n"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--format", "csv"], b"n,a,b  ,  c\n1.0,x,0.0,3.0\n"),
        (["--format", "tsv"], b"n\ta\tb  \t  c\n1.0\tx\t0.0\t3.0\n"),
        (["--format", "ndjson"], b'{"n": 1.0, "a": "x", "b  ": 0.0, "  c": 3.0}\n'),
        (["--format", "json"], b'[\n{"n": 1.0, "a": "x", "b  ": 0.0, "  c": 3.0}\n]\n'),
        (["--format", "text"], b"n,a,b  ,  c\n1.0,x,0.0,3.0\n"),
        (["-n"], b"  1: n\n  2: a\n  3: b  \n  4:   c\n"),
        (["-c", "b,c", "--format", "csv"], b"n,a,b  ,  c\n1,x,0.0,3.0\n"),
        (["-c", "b  ,  c", "--format", "csv"], b"n,a,b  ,  c\n1,x,0.0,3.0\n"),
    ],
)
def test_header_names_keep_their_blanks(options: list[str], expected: bytes) -> None:
    result = run(["relu", *options], stdin=HEADER_WITH_BLANKS)
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, b"")


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "ndjson", "table"])
@pytest.mark.parametrize("size", [100_000, 3_000_000])
def test_a_closed_pipe_after_one_large_record_exits_141_quietly(fmt: str, size: int) -> None:
    # the reader leaves while a large write is half taken: the rest must not be dropped as if written
    script = f"""python3 -c "print('s'); print('a'*{size})" | "{RELU_CLI}" relu --format {fmt} | head -c 10 \
        >/dev/null; echo "${{PIPESTATUS[1]}}" >&2"""
    result = subprocess.run(["bash", "-c", script], capture_output=True, timeout=120, check=False)
    assert result.stderr.decode().splitlines() == ["141"], "nothing but the status on stderr"


def test_an_error_quotes_at_most_80_characters_of_a_huge_bad_value() -> None:
    result = run(["relu"], stdin=b"1\n" + b"a" * 10_000_000 + b"\n-2\n")
    assert result.returncode == 1
    assert result.stdout == b"1.0\n"
    assert_one_line_error(
        result.stderr, f"<stdin>:2:1: {'a' * 80!r}… (10,000,000 characters) is not a number"
    )
    assert len(result.stderr) < 200


def test_a_skipped_huge_bad_value_is_quoted_short_in_the_warning_too() -> None:
    result = run(["relu", "--on-error", "skip"], stdin=b"1\n" + b"b" * 100_000 + b"\n-2\n")
    assert (result.returncode, result.stdout) == (0, b"1.0\n0.0\n")
    assert f"{'b' * 80!r}… (100,000 characters) is not a number" in result.stderr.decode()
    assert len(result.stderr) < 300
