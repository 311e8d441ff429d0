"""Worker processes: the bulk work of large inputs done in forked copies, with the output exactly as from one
process. First the :class:`~relu_cli.parallel.Workers` themselves, then the installed ``relu-cli`` with
``--jobs`` on inputs large enough to start them."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from relu_cli import parallel as workers_module
from relu_cli.parallel import Workers

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")
MAIN = os.getpid()


def shout(data: bytes) -> bytes | None:
    """A work function with every outcome a job can have, chosen by its data."""
    if data == b"none":
        return None
    if data == b"fail":
        raise ValueError(data)
    if data == b"die" and os.getpid() != MAIN:
        os._exit(3)  # a worker that dies; in the main process the job is done as any other
    if data.startswith(b"big"):
        return data * 4  # a result much larger than a pipe holds
    return data.upper()


def expected(data: bytes) -> bytes | None:
    try:
        return shout(data)
    except ValueError:
        return None


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_results_come_back_in_the_order_given() -> None:
    rng = random.Random(1)
    jobs_data = [
        rng.randbytes(rng.choice([0, 1, 100, 70_000, 1 << 20])).replace(b"b", b"c") for _ in range(60)
    ]
    with Workers(shout, 2) as workers:
        jobs = [workers.submit(data) for data in jobs_data]
        assert [workers.result(job) for job in jobs] == [expected(data) for data in jobs_data]


def test_large_results_with_many_jobs_in_flight_do_not_deadlock() -> None:
    # four times as much back: through shared memory or the pipe, as the sizes and free slots allow
    sizes = [1 << 20, 600_000, 100, (1 << 20) + 1, 0, 300_000] * 2
    jobs_data = [b"big" + bytes([i]) * size for i, size in enumerate(sizes)]
    with Workers(shout, 2) as workers:
        jobs = [workers.submit(data) for data in jobs_data]  # all given before any result is taken
        assert [workers.result(job) for job in jobs] == [data * 4 for data in jobs_data]


def test_work_that_fails_or_gives_none_gives_none() -> None:
    with Workers(shout, 2) as workers:
        jobs = [workers.submit(data) for data in (b"a", b"none", b"fail", b"b")]
        assert [workers.result(job) for job in jobs] == [b"A", None, None, b"B"]


def test_a_worker_that_dies_costs_only_time() -> None:
    jobs_data = [b"a", b"b", b"die", b"c", b"d", b"e", b"f"]
    with Workers(shout, 2) as workers:
        jobs = [workers.submit(data) for data in jobs_data]
        assert [workers.result(job) for job in jobs] == [b"A", b"B", b"DIE", b"C", b"D", b"E", b"F"]
        later = workers.submit(b"g")
        assert workers.result(later) == b"G"


def test_workers_start_at_the_first_job_and_are_gone_when_closed() -> None:
    workers = Workers(shout, 2)
    assert not workers.started
    with workers:
        assert workers.result(workers.submit(b"x")) == b"X"
        assert workers.started
        pids = [worker.pid for worker in workers._workers or []]
        assert len(pids) == 2 and all(map(is_running, pids))
    for pid in pids:
        assert not is_running(pid)
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind


def test_without_workers_or_fork_the_work_is_done_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    with Workers(shout, 0) as workers:
        assert workers.result(workers.submit(b"x")) == b"X"
    monkeypatch.setattr(workers_module.os, "fork", lambda: (_ for _ in ()).throw(OSError("no fork")))
    with Workers(shout, 2) as workers:
        assert [workers.result(workers.submit(data)) for data in (b"x", b"die")] == [b"X", b"DIE"]
        assert workers._workers == []


@pytest.mark.parametrize(
    ("platform", "cores", "count"),
    [("linux", 1, 0), ("linux", 2, 2), ("linux", 3, 3), ("linux", 16, 4), ("darwin", 8, 0), ("win32", 8, 0)],
)
def test_workers_by_default_are_one_a_core_up_to_four_on_linux(
    platform: str, cores: int, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers_module.sys, "platform", platform)
    monkeypatch.setattr(workers_module, "available_cores", lambda: cores)
    assert workers_module.default_count() == count


# ------------------------------------------------------------------------------------ the command line


def numbers(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return "".join(f"{rng.gauss(0, 1) * 10 ** rng.randint(-6, 17)!r}\n" for _ in range(count)).encode()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 5 MiB of numbers: several full chunks."""
    path = tmp_path_factory.mktemp("workers") / "big.txt"
    path.write_bytes(numbers(250_000, seed=2))
    return path


def relu_cli(args: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([RELU_CLI, *args], input=stdin, capture_output=True, timeout=120, check=False)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def wait_for_workers(pid: int, count: int) -> list[int]:
    """The children of ``pid`` once there are ``count`` of them, or as many as there are after 20 s."""
    deadline = time.monotonic() + 20
    while len(children(pid)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return children(pid)


def test_a_large_input_is_worked_by_the_workers_asked_for_who_are_gone_at_the_end(big: Path) -> None:
    with big.open("rb") as stdin:
        process = subprocess.Popen(
            [RELU_CLI, "relu", "--jobs", "3"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,  # unbuffered: what the first read takes is exactly one byte
        )
    assert process.stdout is not None
    first = process.stdout.read(1)  # the output pipe fills up unread, so relu-cli waits with its workers
    workers = wait_for_workers(process.pid, 2)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (0, b"")
    assert len(workers) == 2
    assert first + stdout == relu_cli(["relu", "--jobs", "1"], big.read_bytes()).stdout
    assert not any(map(is_running, workers))


@pytest.mark.parametrize(
    "command",
    [["relu"], ["leaky-relu", "--slope", "0.25"], ["relu", "--mode", "gradient", "--max-value", "6"]],
)
def test_output_is_the_same_with_and_without_workers(big: Path, command: list[str]) -> None:
    data = big.read_bytes()
    alone, shared = relu_cli([*command, "-j", "1"], data), relu_cli([*command, "-j", "3"], data)
    assert alone.returncode == shared.returncode == 0
    assert shared.stdout == alone.stdout and len(alone.stdout.splitlines()) == 250_000


def test_csv_columns_are_the_same_with_and_without_workers() -> None:
    rng = random.Random(4)
    rows = [f"{i},{rng.gauss(0, 1)!r},{rng.choice(['a', 'b'])},{rng.gauss(0, 1)!r}\n" for i in range(150_000)]
    data = ("id,x,label,y\n" + "".join(rows)).encode()
    alone = relu_cli(["relu", "-c", "x,y", "-j", "1"], data)
    shared = relu_cli(["relu", "-c", "x,y", "-j", "3"], data)
    assert alone.returncode == shared.returncode == 0
    assert shared.stdout == alone.stdout and shared.stdout != data


def test_the_table_of_a_large_input_is_worked_by_the_workers(big: Path) -> None:
    process = subprocess.Popen(
        [RELU_CLI, "relu", "--format", "table", "--max-rows", "9", "-j", "3"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    data = big.read_bytes()
    half = data.index(b"\n", len(data) // 2) + 1
    process.stdin.write(data[:half])  # the workers start on it; the table is drawn only at the end
    process.stdin.flush()
    workers = wait_for_workers(process.pid, 2)
    stdout, stderr = process.communicate(data[half:], timeout=60)
    assert (process.returncode, stderr) == (0, b"")
    assert len(workers) == 2
    assert stdout.rstrip().endswith(b"9 of 250,000 rows shown (--max-rows 0 shows all)")


@pytest.mark.parametrize("rows", ["9", "0"])
def test_a_table_is_the_same_with_and_without_workers(big: Path, rows: str) -> None:
    command = [RELU_CLI, "relu", "--format", "table", "--max-rows", rows, "-f", str(big)]
    alone, shared = (
        subprocess.run([*command, "-j", jobs], capture_output=True, timeout=60, check=True) for jobs in "13"
    )
    assert shared.stdout == alone.stdout
    assert len(alone.stdout.splitlines()) > (250_000 if rows == "0" else 9)


@pytest.fixture(scope="module")
def long_lines() -> bytes:
    """Three lines of 200,000 values each, about 1.4 MiB a line: each read in pieces; in the second, a
    missing value and a bad one."""
    lines = [numbers(200_000, seed=seed).replace(b"\n", b",")[:-1] for seed in (5, 6, 7)]
    cells = lines[1].split(b",")
    cells[1_000], cells[150_000] = b"", b"oops"
    lines[1] = b",".join(cells)
    return b"\n".join(lines) + b"\n"


def test_the_pieces_of_long_lines_are_worked_by_the_workers(long_lines: bytes, tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(long_lines)
    with path.open("rb") as stdin:
        process = subprocess.Popen(
            [RELU_CLI, "relu", "--on-error", "skip", "-j", "3"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,  # unbuffered: what the first read takes is exactly one byte
        )
    assert process.stdout is not None
    # the first pieces are done before the workers start; then the output pipe fills up unread, and
    # relu-cli waits with its workers
    first = b""
    while len(first) < 1 << 19:
        first += process.stdout.read(1 << 16)
    workers = wait_for_workers(process.pid, 2)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert len(workers) == 2
    assert first + stdout == relu_cli(["relu", "--on-error", "skip", "-j", "1"], long_lines).stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--on-error", "skip"],
        ["--on-error", "nan", "--format", "ndjson"],
        ["--on-error", "nan", "--format", "csv", "--stats"],
        ["leaky-relu", "--on-error", "skip", "--format", "json"],
        ["--on-error", "fail"],
    ],
)
def test_long_lines_give_the_same_with_and_without_workers(long_lines: bytes, args: list[str]) -> None:
    command = args if args[0] == "leaky-relu" else ["relu", *args]
    alone, shared = relu_cli([*command, "-j", "1"], long_lines), relu_cli([*command, "-j", "3"], long_lines)
    assert (shared.returncode, shared.stdout, shared.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    assert alone.stdout.count(b"\n") >= 1
    if args[-1] == "fail":
        assert alone.returncode == 1 and b":2:150001: 'oops' is not a number" in alone.stderr
    else:
        assert alone.returncode == 0 and b"oops" in alone.stderr


@pytest.mark.parametrize(
    ("bad", "on_error"),
    [(b"oops", "fail"), (b"oops", "skip"), (b"oops", "nan"), (b"\xff\xfe", "fail"), (b"1,5", "skip")],
)
def test_bad_data_deep_in_a_large_input_is_reported_the_same_way(
    big: Path, bad: bytes, on_error: str
) -> None:
    lines = big.read_bytes().splitlines(keepends=True)
    for at in (150_000, 230_000):
        lines[at] = bad + b"\n"
    data = b"".join(lines)
    alone = relu_cli(["relu", "--on-error", on_error, "-j", "1"], data)
    shared = relu_cli(["relu", "--on-error", on_error, "-j", "3"], data)
    assert (shared.returncode, shared.stderr) == (alone.returncode, alone.stderr)
    assert shared.stdout == alone.stdout
    assert b"150001" in alone.stderr  # the first bad line is named
    if on_error == "fail":
        assert alone.returncode == 1 and len(alone.stdout.splitlines()) == 150_000


def test_a_burst_then_a_slow_trickle_is_answered_without_waiting_for_more(big: Path) -> None:
    process = subprocess.Popen(
        [RELU_CLI, "relu", "-j", "3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    burst = big.read_bytes()
    want = len(burst.splitlines())
    got = 0
    try:
        # the workers start on the burst; it is written meanwhile, as relu-cli's output is read here
        writer = threading.Thread(target=lambda: (process.stdin.write(burst), process.stdin.flush()))
        writer.start()
        deadline = time.monotonic() + 30
        while got < want and time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 1)
            if ready:
                got += os.read(process.stdout.fileno(), 1 << 20).count(b"\n")
        writer.join(timeout=10)
        assert got == want, "the burst was not all answered while stdin stayed open"
        assert len(children(process.pid)) == 2
        process.stdin.write(b"-4\n5\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], 10)
        assert ready, "no output for a late line while stdin was still open"
        assert os.read(process.stdout.fileno(), 100) == b"0.0\n5.0\n"
    finally:
        process.stdin.close()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_a_reader_leaving_early_ends_it_and_its_workers_quietly(big: Path) -> None:
    result = subprocess.run(
        ["bash", "-c", f'"{RELU_CLI}" relu -j 3 -f "{big}" | head -1; echo "${{PIPESTATUS[0]}}" >&2'],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.stderr.decode().splitlines() in (["0"], ["141"])  # and nothing else on stderr
    assert len(result.stdout.splitlines()) == 1


def test_ctrl_c_ends_it_and_its_workers(big: Path) -> None:
    with big.open("rb") as stdin:
        process = subprocess.Popen(
            [RELU_CLI, "relu", "-j", "3"], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    assert process.stdout is not None
    process.stdout.read(1)  # started; then blocked on its unread output, with its workers
    workers = wait_for_workers(process.pid, 2)
    assert len(workers) == 2
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert (process.returncode, stderr) == (130, b"")
    assert not any(map(is_running, workers))


def test_jobs_must_be_at_least_one() -> None:
    result = relu_cli(["relu", "--jobs", "0", "1"], b"")
    assert result.returncode == 2
    assert b"--jobs" in result.stderr and b"Traceback" not in result.stderr
