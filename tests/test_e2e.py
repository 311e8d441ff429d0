"""The installed ``relu-cli`` entry point, run as users run it: in real pipes and on a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")
DATA = Path(__file__).parent / "data"


def shell(command: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a shell pipeline with the venv's bin first on PATH, as an activated venv would."""
    env = {**os.environ, "PATH": f"{Path(RELU_CLI).parent}:{os.environ['PATH']}"}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def on_terminal(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 20, program: str = RELU_CLI
) -> tuple[int, str]:
    """Run relu-cli (or ``program``) with stdin, stdout and stderr on a pseudo-terminal; returns (status,
    screen text)."""
    controller, terminal = pty.openpty()
    os.set_blocking(controller, False)
    environment = {**os.environ, "COLUMNS": "80", "LINES": "40", "TERM": "xterm-256color", **(env or {})}
    if env is None or "NO_COLOR" not in env:
        environment.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [program, *args], stdin=terminal, stdout=terminal, stderr=terminal, env=environment, close_fds=True
    )
    os.close(terminal)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.1)
        if ready:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other side closed
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    else:
        process.kill()
        pytest.fail(f"relu-cli {' '.join(args)} did not finish within {timeout} s on a terminal")
    os.close(controller)
    return process.wait(timeout=5), b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def test_seq_through_relu_sorts_numerically() -> None:
    result = shell("seq -3 3 | relu-cli relu | sort -n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0.0\n0.0\n0.0\n0.0\n1.0\n2.0\n3.0\n"
    assert result.stderr == ""


def test_article_examples_print_exactly_as_the_article() -> None:
    result = shell("relu-cli relu 1.0; relu-cli relu -1.0; relu-cli leaky-relu -1.0")
    assert result.stdout == "1.0\n0.0\n-0.001\n"


def test_piped_output_is_text_not_a_table() -> None:
    result = shell("relu-cli relu -1 2 | cat")
    assert result.stdout == "0.0\n2.0\n"
    assert "\x1b[" not in result.stdout


def test_csv_column_through_a_pipe_keeps_other_columns(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text('id,x,label\n1,-2.5,"a, b"\n2,4,c\n')
    result = shell(f"relu-cli leaky-relu -f {data} -c x | head -2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'id,x,label\n1,-0.0025,"a, b"\n'


def test_json_output_feeds_jq() -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed") if not os.environ.get("CI") else pytest.fail("jq missing in CI")
    result = shell("relu-cli relu -1 2 nan --format json | jq -c '[.[].output]'")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[0,2,null]\n"


def test_bad_data_in_a_pipe_exits_1_with_the_line() -> None:
    result = shell("printf '1\\nfoo\\n3\\n' | relu-cli relu")
    assert result.returncode == 1
    assert result.stderr == "relu-cli: error: <stdin>:2:1: 'foo' is not a number\n"


def test_output_streams_while_the_producer_is_still_writing() -> None:
    """A slow producer (like tail -f) sees each result before it sends the next line."""
    process = subprocess.Popen(
        [RELU_CLI, "relu"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        for value, expected in (("-1", b"0.0\n"), ("2.5", b"2.5\n"), ("3", b"3.0\n")):
            process.stdin.write(f"{value}\n".encode())
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 10)
            assert ready, f"no output for {value} while stdin was still open"
            assert os.read(process.stdout.fileno(), 100) == expected
    finally:
        process.stdin.close()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_table_on_a_terminal_shows_input_beside_output() -> None:
    status, screen = on_terminal(["leaky-relu", "-3", "0", "2.5"])
    assert status == 0
    lines = [line for line in _plain(screen).splitlines() if line.strip()]
    assert lines[0] == "leaky_relu(x)"
    assert lines[1].split() == ["x", "leaky_relu(x)"]
    assert [line.split() for line in lines[3:6]] == [["-3", "-0.003"], ["0", "0.0"], ["2.5", "2.5"]]
    assert lines[-1] == "slope 0.001 · 3 rows"
    assert "\x1b[" in screen, "a terminal gets colour"


def test_table_numbers_are_right_aligned() -> None:
    _, screen = on_terminal(["relu", "-1", "12345.5", "2"])
    rows = [line for line in _plain(screen).splitlines() if line.strip()][3:6]
    assert len({len(row.rstrip()) for row in rows}) == 1, rows


def test_no_color_means_no_escape_codes_at_all() -> None:
    status, screen = on_terminal(["relu", "-1", "2"], env={"NO_COLOR": "1"})
    assert status == 0
    assert "\x1b" not in screen
    assert "relu(x)" in screen


def test_no_input_on_a_terminal_is_a_usage_error_not_a_hang() -> None:
    started = time.monotonic()
    status, screen = on_terminal(["relu"], timeout=10)
    assert status == 2
    assert "no input" in screen
    assert time.monotonic() - started < 10


def test_long_input_on_a_terminal_shows_head_tail_and_count(tmp_path: Path) -> None:
    data = tmp_path / "many.txt"
    data.write_text("".join(f"{i}\n" for i in range(-50_000, 50_000)))
    started = time.monotonic()
    status, screen = on_terminal(["relu", "-f", str(data), "--max-rows", "6"], timeout=60)
    assert status == 0
    plain = _plain(screen)
    assert "-50000" in plain and "49999.0" in plain and "…" in plain
    assert "6 of 100,000 rows shown" in plain
    assert time.monotonic() - started < 30


def test_python_dash_m_matches_the_entry_point() -> None:
    direct = shell("relu-cli leaky-relu -2 3")
    module = subprocess.run(
        [sys.executable, "-m", "relu_cli", "leaky-relu", "-2", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.stdout == direct.stdout == "-0.002\n3.0\n"


def _plain(screen: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", screen)


def _require(program: str) -> None:
    """Skip when a peer program is missing, except in CI, where its absence is a failure."""
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing in CI (scripts/setup-dev.sh installs it)")
        pytest.skip(f"{program} is not installed")


def _numbers_file(path: Path, count: int) -> Path:
    import random

    rng = random.Random(11)
    forms = ["nan", "-inf", "-0", "+1", ".5", "1e-05", "1e16", "5e-324"]
    path.write_text(
        "".join(
            f"{rng.choice(forms) if rng.random() < 0.01 else repr(rng.gauss(0, 1))}\n" for _ in range(count)
        )
    )
    return path


def test_gnu_parallel_blocks_give_the_same_output_as_one_run(tmp_path: Path) -> None:
    _require("parallel")
    data = _numbers_file(tmp_path / "values.txt", 150_000)  # about 3 MB: three 1 MB blocks
    single = shell(f"relu-cli relu < {data}")
    assert single.returncode == 0 and single.stdout.count("\n") == 150_000
    for jobs in ("", " --jobs 1"):  # with workers in each job, and as the README's recipes have it
        parallel = shell(f"parallel --will-cite --pipe -k --block 1M relu-cli relu{jobs} < {data}")
        assert parallel.returncode == 0, parallel.stderr
        assert parallel.stdout == single.stdout


def test_gnu_parallel_recipe_for_csv_keeps_one_header(tmp_path: Path) -> None:
    """--header : gives every block the header; each job after the first drops it from its output."""
    _require("parallel")
    data = tmp_path / "data.csv"
    data.write_text("id,x,label\n" + "".join(f"{i},{(i % 7) - 3.5},row {i}\n" for i in range(100_000)))
    recipe = (
        "parallel --will-cite --pipe --header : -k --block 1M "
        f"'relu-cli relu -c x --jobs 1 | tail -n +$(( {{#}} > 1 ? 2 : 1 ))' < {data}"
    )
    single = shell(f"relu-cli relu -c x < {data}")
    parallel = shell(recipe)
    assert single.returncode == parallel.returncode == 0, parallel.stderr
    assert parallel.stdout == single.stdout
    assert parallel.stdout.count("id,x,label") == 1


# ------------------------------------------------------- no silent no-ops: what a user's first try meets


def test_a_csv_file_written_with_semicolons_is_split_at_them(tmp_path: Path) -> None:
    (tmp_path / "semi.csv").write_text("a;b\n1;-2\n")
    result = shell("relu-cli relu -f semi.csv", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "a;b\n1.0;0.0\n", "")


def test_a_first_record_with_a_number_in_it_is_data() -> None:
    result = shell("printf 'cat -1\\ndog 2\\n' | relu-cli relu")
    assert (result.returncode, result.stdout, result.stderr) == (0, "cat 0.0\ndog 2.0\n", "")


def test_a_null_spelling_is_passed_through_as_a_missing_value() -> None:
    result = shell("printf 'x\\nNA\\n-2\\n' | relu-cli relu --stats")
    assert (result.returncode, result.stdout) == (0, "x\nNA\n0.0\n")
    assert result.stderr.startswith("relu-cli: stats: column x: 1 value, 1 missing\n")


def test_nothing_transformed_says_so_on_stderr_and_exits_0() -> None:
    result = shell("printf 'name\\nfoo\\n' | relu-cli relu")
    assert (result.returncode, result.stdout) == (0, "name\nfoo\n")
    assert result.stderr == "relu-cli: warning: no numeric column found; choose one with -c\n"


def test_null_spellings_are_missing_in_worker_processes_too(tmp_path: Path) -> None:
    data = tmp_path / "big.csv"
    data.write_text("a,b\n" + "".join(f"{-i},{'NA' if i % 7 else -i}\n" for i in range(60_000)))
    one = shell(f"relu-cli relu -f {data} -j 1 --stats")
    three = shell(f"relu-cli relu -f {data} -j 3 --stats")
    assert one.returncode == three.returncode == 0
    assert (one.stdout, one.stderr) == (three.stdout, three.stderr)
    assert one.stdout.count(",NA\n") == 60_000 - len(range(0, 60_000, 7))
    assert "column b: 8,572 values, 51,428 missing" in one.stderr
