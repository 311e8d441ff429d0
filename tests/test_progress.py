"""The progress bar: on stderr when it is a terminal and reading takes over a second, never on stdout."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
from test_e2e import RELU_CLI, shell

from relu_cli.progress import CountingReader, known_size


def stderr_on_terminal(command: str, timeout: float = 30) -> tuple[int, str, str]:
    """Run a bash command with stderr on a pseudo-terminal and stdout in a pipe: (status, stdout, screen)."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "TERM": "xterm-256color"}
    env["PATH"] = f"{Path(RELU_CLI).parent}:{env['PATH']}"
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        ["bash", "-o", "pipefail", "-c", command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    assert process.stdout is not None
    screen: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.1)
        if ready:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: every writer to the terminal has exited
                break
            if not data:
                break
            screen.append(data)
        elif process.poll() is not None:
            break
    else:
        process.kill()
        pytest.fail(f"{command} did not finish within {timeout} s")
    os.close(controller)
    stdout = process.stdout.read().decode()
    return process.wait(timeout=5), stdout, b"".join(screen).decode("utf-8", "replace")


def test_a_slow_pipe_shows_bytes_and_throughput_on_a_terminal() -> None:
    status, stdout, screen = stderr_on_terminal("(echo 1; sleep 1.6; echo -2) | relu-cli relu")
    assert (status, stdout) == (0, "1.0\n0.0\n")
    assert "reading <stdin>" in screen
    assert "bytes" in screen and "%" not in screen  # a pipe's size is unknown: no percentage


def test_a_long_file_read_shows_its_percentage(tmp_path: Path) -> None:
    data = tmp_path / "big.txt"
    data.write_text("".join(f"{i}\n" for i in range(-100_000, 100_000)))
    # the slow reader downstream keeps relu-cli reading for more than the bar's one-second delay
    status, stdout, screen = stderr_on_terminal(f"relu-cli relu -f {data} | (sleep 1.6; wc -l)")
    assert (status, stdout.strip()) == (0, "200000")
    assert f"reading {data}"[-20:] in screen
    assert "%" in screen and "MB" in screen


def test_the_bar_is_erased_and_the_cursor_restored_when_done() -> None:
    _, _, screen = stderr_on_terminal("(echo 1; sleep 1.6) | relu-cli relu")
    assert screen.startswith("\x1b[?25l")  # cursor hidden while drawing
    assert "\x1b[?25h" in screen and screen.endswith("\x1b[2K")  # shown again, last line cleared


def test_quiet_means_no_progress_bar() -> None:
    status, stdout, screen = stderr_on_terminal("(echo 1; sleep 1.6; echo 2) | relu-cli relu --quiet")
    assert (status, stdout, screen) == (0, "1.0\n2.0\n", "")


def test_a_quick_read_shows_no_bar() -> None:
    status, stdout, screen = stderr_on_terminal("seq -3 3 | relu-cli relu")
    assert (status, screen) == (0, "")
    assert stdout == "0.0\n0.0\n0.0\n0.0\n1.0\n2.0\n3.0\n"


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    result = shell("(echo 1; sleep 1.6; echo 2) | relu-cli relu")
    assert (result.returncode, result.stdout, result.stderr) == (0, "1.0\n2.0\n", "")


def test_the_bar_never_touches_stdout() -> None:
    status, stdout, screen = stderr_on_terminal("(echo 1; sleep 1.6; echo 2) | relu-cli relu --format csv")
    assert status == 0 and "reading <stdin>" in screen
    assert stdout == "input,output\n1,1.0\n2,2.0\n"


def test_counting_reader_reports_every_chunk() -> None:
    counts: list[int] = []
    reader = CountingReader(io.BytesIO(b"1\n2\n3\n"), counts.append)
    assert reader.read1(4) == b"1\n2\n"
    assert reader.read() == b"3\n"
    assert counts == [4, 2]


def test_known_size_is_the_bytes_left_of_a_file_and_none_for_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"12345")
    with path.open("rb") as stream:
        assert known_size(stream) == 5
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as stream:
        assert known_size(stream) is None
    os.close(write_end)
