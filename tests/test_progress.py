"""The progress bar: on stderr when it is a terminal and reading takes over a second, never on stdout."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest
from test_e2e import RELU_CLI

from relu_cli.progress import CountingReader, known_size


def _terminal_env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "80", "TERM": "xterm-256color"}
    env["PATH"] = f"{Path(RELU_CLI).parent}:{env['PATH']}"
    env.pop("NO_COLOR", None)
    return env


class _Screen:
    """Everything written to a pseudo-terminal, collected by a thread so the writer never blocks."""

    def __init__(self) -> None:
        self.controller, self.terminal = pty.openpty()
        self.data = b""
        self.thread = threading.Thread(target=self._collect, daemon=True)
        self.thread.start()

    def _collect(self) -> None:
        while True:
            try:
                chunk = os.read(self.controller, 65536)
            except OSError:  # EIO: every writer to the terminal has exited
                return
            if not chunk:
                return
            self.data += chunk

    def wait_for(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.data:
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} did not appear on the terminal: {self.data!r}")
            time.sleep(0.05)

    def text(self) -> str:
        self.thread.join(timeout=10)
        os.close(self.controller)
        return self.data.decode("utf-8", "replace")


class HeldRun:
    """relu-cli with stderr on a pseudo-terminal, and stdin and stdout pipes the test holds: reading lasts
    as long as the test keeps them waiting, so the bar's one-second delay is passed without a race."""

    def __init__(self, args: list[str], *, terminal: bool = True, stdout_on_terminal: bool = False) -> None:
        self.screen = _Screen()
        self.process = subprocess.Popen(
            [RELU_CLI, *args],
            stdin=subprocess.PIPE,
            stdout=self.screen.terminal if stdout_on_terminal else subprocess.PIPE,
            stderr=self.screen.terminal if terminal else subprocess.PIPE,
            env=_terminal_env(),
        )
        os.close(self.screen.terminal)

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def hold(self, line: bytes, seconds: float = 1.5) -> None:
        """Send ``line``, wait for its result (relu-cli is reading), then keep it waiting ``seconds``."""
        assert self.process.stdout is not None
        self.send(line)
        assert self.process.stdout.readline()
        time.sleep(seconds)

    def finish(self, data: bytes = b"") -> tuple[int, str, str]:
        """Send the rest of stdin, close it, read the rest of stdout: (status, stdout, screen), where the
        screen is stderr when it was a pipe."""
        stdout, stderr = self.process.communicate(data, timeout=30)
        screen = self.screen.text() + (stderr or b"").decode()
        return self.process.returncode, (stdout or b"").decode(), screen


def stderr_on_terminal(command: str) -> tuple[int, str, str]:
    """Run a bash command with stderr on a pseudo-terminal and stdout in a pipe: (status, stdout, screen)."""
    screen = _Screen()
    process = subprocess.Popen(
        ["bash", "-o", "pipefail", "-c", command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=screen.terminal,
        env=_terminal_env(),
    )
    os.close(screen.terminal)
    stdout, _ = process.communicate(timeout=30)
    return process.returncode, stdout.decode(), screen.text()


def test_a_slow_pipe_shows_bytes_and_throughput_on_a_terminal() -> None:
    run = HeldRun(["relu"])
    run.send(b"1\n")
    run.screen.wait_for("reading <stdin>")
    status, stdout, screen = run.finish(b"-2\n")
    assert (status, stdout) == (0, "1.0\n0.0\n")
    assert "bytes" in screen and "%" not in screen  # a pipe's size is unknown: no percentage


def test_a_long_file_read_shows_its_percentage(tmp_path: Path) -> None:
    data = tmp_path / "big.txt"
    data.write_text("".join(f"{i}\n" for i in range(-100_000, 100_000)))
    run = HeldRun(["relu", "-f", str(data)])  # blocks once the unread stdout pipe is full
    run.screen.wait_for("%")
    status, stdout, screen = run.finish()
    assert (status, len(stdout.splitlines())) == (0, 200_000)
    assert f"reading {data}"[-20:] in screen and "MB" in screen
    # a percentage above 0 (up to 100: the file may be read ahead of the blocked output)
    assert re.search(r"(?<![\d.])[1-9]\d*%", screen), "the bytes read were counted"


def test_the_bar_is_erased_and_the_cursor_restored_when_done() -> None:
    run = HeldRun(["relu"])
    run.screen.wait_for("reading <stdin>")
    _, _, screen = run.finish(b"1\n")
    assert screen.startswith("\x1b[?25l")  # cursor hidden while drawing
    assert "\x1b[?25h" in screen and screen.endswith("\x1b[2K")  # shown again, last line cleared


def test_quiet_means_no_progress_bar() -> None:
    run = HeldRun(["relu", "--quiet"])
    run.hold(b"1\n")
    assert run.finish(b"2\n") == (0, "2.0\n", "")


def test_a_quick_read_shows_no_bar() -> None:
    status, stdout, screen = stderr_on_terminal("seq -3 3 | relu-cli relu")
    assert (status, screen) == (0, "")
    assert stdout == "0.0\n0.0\n0.0\n0.0\n1.0\n2.0\n3.0\n"


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    run = HeldRun(["relu"], terminal=False)
    run.hold(b"1\n")
    assert run.finish(b"2\n") == (0, "2.0\n", "")


def test_no_bar_while_text_streams_to_the_same_terminal() -> None:
    run = HeldRun(["relu", "--format", "text"], stdout_on_terminal=True)
    run.send(b"1\n")
    run.screen.wait_for("1.0")
    time.sleep(1.5)
    status, _, screen = run.finish(b"2\n")
    assert status == 0 and "2.0" in screen and "reading" not in screen


def test_a_table_on_the_same_terminal_is_drawn_after_the_bar_is_gone() -> None:
    run = HeldRun(["relu"], stdout_on_terminal=True)
    run.send(b"-1\n")
    run.screen.wait_for("reading <stdin>")
    status, _, screen = run.finish(b"2\n")
    assert status == 0
    assert screen.rindex("\x1b[?25h") < screen.index("relu(x)") < screen.index("2 rows")


def test_the_bar_never_touches_stdout() -> None:
    run = HeldRun(["relu", "--format", "csv"])
    run.send(b"1\n")
    run.screen.wait_for("reading <stdin>")
    status, stdout, _ = run.finish(b"2\n")
    assert (status, stdout) == (0, "input,output\n1,1.0\n2,2.0\n")


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


def _typed_on_a_terminal(program: str, args: list[str]) -> tuple[int, str, str]:
    """relu-cli with stdin and stderr on one pseudo-terminal, where a user types two lines a second and
    a half apart and then Ctrl-D, and stdout a pipe: (status, stdout, screen)."""
    screen = _Screen()
    process = subprocess.Popen(
        [program, *args],
        stdin=screen.terminal,
        stdout=subprocess.PIPE,
        stderr=screen.terminal,
        env=_terminal_env(),
    )
    os.close(screen.terminal)
    os.write(screen.controller, b"-1\n")
    time.sleep(1.5)  # longer than the bar's delay
    os.write(screen.controller, b"2\n")
    time.sleep(0.2)
    os.write(screen.controller, b"\x04")  # end of input
    stdout, _ = process.communicate(timeout=30)
    return process.returncode, stdout.decode(), screen.text()


def test_no_bar_while_stdin_is_a_terminal_being_typed_on() -> None:
    status, stdout, screen = _typed_on_a_terminal(RELU_CLI, ["relu", "-f", "-", "--format", "csv"])
    assert (status, stdout) == (0, "input,output\n-1,0.0\n2,2.0\n")
    assert "reading" not in screen and "\x1b[" not in screen  # only the echo of what was typed
    assert screen.replace("\r\n", "\n").replace("^D\b\b", "") == "-1\n2\n"
