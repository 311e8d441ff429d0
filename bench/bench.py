#!/usr/bin/env python3
"""Benchmark relu-cli against awk, Miller, DuckDB, a naive Python loop and itself.

Each case runs relu-cli and its peers alternately: one untimed warm-up run each, then
rounds of one run per command, the order rotating from round to round. Wall clock is
taken with ``time.perf_counter`` around ``subprocess.run``; the report gives medians,
ratios to the case's reference (its first command) and, where relu-cli has set itself
one, the target ratio and whether it is met. A second table gives the peak memory of
every output format on N/5 and N values. On the side, relu-cli's ``relu`` output is
compared byte for byte with the naive Python loop's. See bench/README.md.

    python bench/bench.py                  # 5,000,000 values, 1,000,000 CSV rows
    python bench/bench.py --quick          # tiny data, few rounds: a CI smoke run
    python bench/bench.py --only csv,odd   # cases whose name starts with "csv" or "odd"
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import filecmp
import functools
import itertools
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20240601
CHUNK = 1_000_000  # values generated and written per step, to bound memory
FORMATS = ("text", "csv", "tsv", "ndjson", "json")  # relu-cli --format, each against Miller
MILLER_OUTPUT = {"text": "--ocsv", "csv": "--ocsv", "tsv": "--otsv", "ndjson": "--ojsonl", "json": "--ojson"}
MEMORY_FORMATS = ("text", "csv", "tsv", "json", "ndjson", "table")
LINE_WIDTHS = (1_000, 10_000, 100_000)  # values per line in the long-lines case
CASE_NAMES = (
    "relu",
    "leaky-relu",
    "gradient",
    *(f"csv-{fmt}" for fmt in FORMATS),
    "duckdb-csv",
    "duckdb-ndjson",
    "shape-csv",
    "shape-ndjson",
    "odd-cells",
    "odd-stream",
    "quoted",
    "quoted-ndjson",
    "long-lines",
    "table",
    "stats",
    "npy-npy",
    "npy-text",
    "startup-relu",
    "startup-meta",
    *(f"memory-{fmt}" for fmt in MEMORY_FORMATS),
)
NAIVE_LOOP = "import sys\nfor line in sys.stdin: print(max(0.0, float(line)))"
AWK_RELU = "{print ($1>0)?$1:0}"
AWK_LEAKY = "{print ($1>0)?$1:0.001*$1}"
AWK_GRADIENT = "{print ($1>0)?1:0}"
AWK_CSV = 'BEGIN{print "input,output"}{print $1 "," (($1>0)?$1:0)}'
AWK_NDJSON = '{print "{\\"input\\": " $1 ", \\"output\\": " (($1>0)?$1:0) "}"}'
MILLER_RELU_X = "$x = $x > 0 ? $x : 0"
DUCKDB_RUN = "import duckdb, sys; duckdb.execute(sys.argv[1])"
NUMPY_RELU = "import sys, numpy as np; np.save(sys.stdout.buffer, np.maximum(np.load(sys.stdin.buffer), 0))"
DUCKDB_COPY = (
    "COPY (SELECT id, CASE WHEN x > 0 THEN x ELSE 0 END AS x, y FROM read_csv('/dev/stdin'))"
    " TO '/dev/stdout' (FORMAT {format})"
)
COMPLETION_ENV = {
    "_RELU_CLI_COMPLETE": "complete_bash",
    "COMP_WORDS": "relu-cli le",
    "COMP_CWORD": "1",
}
MEMORY_RUNS = 3
MEMORY_LIMIT_MB = 100  # peak PSS summed over relu-cli and its workers, in 10**6 bytes
MEMORY_FLAT = 1.2  # the largest ratio of the peak on N values to the peak on N/5 that counts as flat
MIB = 2**20


class CommandError(Exception):
    """A benchmarked command exited with a non-zero status."""


@dataclass(frozen=True)
class Command:
    """One command line to time; ``skip`` says why it cannot run.

    ``target`` is relu-cli's goal for this command: the largest ratio of its median to the
    median of its case's reference that counts as met.
    """

    argv: tuple[str, ...]
    stdin: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    pipe_stdout: bool = False  # stdout into a pipe the harness reads, else /dev/null
    skip: str | None = None  # e.g. "mawk not found"
    target: float | None = None
    note: str | None = None  # what sets it apart from a command that reads other data the same way

    @property
    def display(self) -> str:
        """As a reader would type it: env prefix, program basename, no raw newlines."""
        env = [f"{key}={quote(value)}" for key, value in self.env.items()]
        argv = " ".join(map(quote, [Path(self.argv[0]).name, *self.argv[1:]]))
        return " ".join([*env, argv]).replace("\n", "\\n")


def quote(word: str) -> str:
    """``shlex.quote``, but in double quotes a word holding single quotes that a shell would not
    expand there (SQL string literals)."""
    if "'" in word and not any(char in word for char in '"$`\\!'):
        return f'"{word}"'
    return shlex.quote(word)


@dataclass(frozen=True)
class Case:
    """A named comparison; ``commands[0]`` is the reference (ratio 1.00)."""

    name: str
    title: str
    commands: tuple[Command, ...]
    repeat: int


@dataclass
class Result:
    """The timings of one command within a case, or why it has none."""

    command: Command
    times: list[float] = field(default_factory=list)
    error: str | None = None
    skip: str | None = None

    @property
    def median(self) -> float | None:
        if self.error is not None or self.skip is not None or not self.times:
            return None
        return statistics.median(self.times)


@dataclass(frozen=True)
class Tools:
    """Paths of the programs under test; ``None`` when not found.

    ``duckdb`` is a python that can ``import duckdb``, ``duckdb_tried`` the ones asked.
    """

    relu_cli: str | None
    python: str | None
    mawk: str | None
    gawk: str | None
    mlr: str | None
    duckdb: str | None
    duckdb_tried: tuple[str, ...] = ()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data ---------------------------------------------------------------------------
# Every file is made from the same seeded standard normals, so a file with odd cells and its
# clean twin hold the same numbers everywhere else. Files are cached by name in --data-dir.


def generate(path: Path, what: str, pieces: Callable[[], Iterator[str]]) -> Path:
    """Write the text ``pieces()`` yields to ``path`` unless it is already there."""
    if not path.exists():
        log(f"generating {what} -> {path}")
        part = path.with_suffix(".part")
        with part.open("w") as out:
            out.writelines(pieces())
        part.replace(path)
    return path


def normals(n: int, width: int = 1) -> Iterator[tuple[int, list[list[float]]]]:
    """``n`` rows of ``width`` standard normals, CHUNK rows at a time, with each chunk's first row."""
    rng = np.random.default_rng(SEED)
    for start in range(0, n, CHUNK):
        yield start, rng.standard_normal((width, min(CHUNK, n - start))).tolist()


def odd_rows(n: int, fraction: float) -> np.ndarray:
    """A fixed random choice of ``fraction`` of ``n`` rows (at least one), as a boolean mask."""
    mask = np.zeros(n, dtype=bool)
    count = max(1, round(n * fraction))
    mask[np.random.default_rng(SEED + 1).choice(n, size=min(count, n), replace=False)] = True
    return mask


def values_file(data_dir: Path, n: int, nan_every: int = 0) -> Path:
    """N values, one shortest round-trip ``repr`` per line; every ``nan_every``-th is ``nan``."""

    def pieces() -> Iterator[str]:
        for start, (xs,) in normals(n):
            cells = [repr(x) for x in xs]
            if nan_every:
                for index in range(-start % nan_every + nan_every - 1, len(cells), nan_every):
                    cells[index] = "nan"
            yield "".join(f"{cell}\n" for cell in cells)

    odd = f"-nan{nan_every}" if nan_every else ""
    what = f"{n:,} values" + (f", one nan per {nan_every:,}" if nan_every else "")
    return generate(data_dir / f"values-{n}{odd}-seed{SEED}.txt", what, pieces)


def npy_file(data_dir: Path, n: int) -> Path:
    """The values of ``values_file(n)`` as a float64 ``.npy``, as ``np.save`` writes it."""
    path = data_dir / f"values-{n}-seed{SEED}.npy"
    if not path.exists():
        log(f"generating {n:,} values as .npy -> {path}")
        array = np.lib.format.open_memmap(path.with_suffix(".part"), mode="w+", dtype=np.float64, shape=(n,))
        for start, (xs,) in normals(n):
            array[start : start + len(xs)] = xs
        array.flush()
        del array
        path.with_suffix(".part").replace(path)
    return path


def wide_file(data_dir: Path, n: int, per_line: int) -> Path:
    """The values of ``values_file(n)``, ``per_line`` to a line, separated by commas."""

    def pieces() -> Iterator[str]:
        for _, (xs,) in normals(n):
            cells = [repr(x) for x in xs]
            yield "".join(",".join(cells[i : i + per_line]) + "\n" for i in range(0, len(cells), per_line))

    what = f"{n:,} values, {per_line:,} to a line"
    return generate(data_dir / f"wide-{n}-by{per_line}-seed{SEED}.txt", what, pieces)


#: What a file's odd cells are called, by the text that replaces a cell ("{}" the cell's own)
ODD_CELLS = {"": "empty", "nan": "nan", '"{}"': "quoted"}


def csv_file(data_dir: Path, rows: int, odd: str = "", fraction: float = 0.0) -> Path:
    """CSV with header ``id,x,y``: integer id, two standard normals; ``fraction`` of the x
    cells, chosen at random, replaced by ``odd`` (``""`` for empty cells, ``"nan"``, or
    ``'"{}"'`` for the number in quotes)."""

    def pieces() -> Iterator[str]:
        yield "id,x,y\n"
        mask = odd_rows(rows, fraction) if fraction else None
        for start, (xs, ys) in normals(rows, 2):
            x_cells = [repr(x) for x in xs]
            if mask is not None:
                for index in np.flatnonzero(mask[start : start + len(xs)]).tolist():
                    x_cells[index] = odd.format(x_cells[index])
            yield "".join(f"{i},{x},{y!r}\n" for i, (x, y) in enumerate(zip(x_cells, ys), start))

    if not fraction:
        return generate(data_dir / f"rows-{rows}-seed{SEED}.csv", f"{rows:,} CSV rows", pieces)
    name = f"rows-{rows}-{ODD_CELLS[odd]}{fraction:g}-seed{SEED}.csv"
    what = f"{rows:,} CSV rows, {fraction:.1%} of x {ODD_CELLS[odd]}"
    return generate(data_dir / name, what, pieces)


def labelled_csv_file(data_dir: Path, rows: int, kind: str) -> Path:
    """CSV with header ``id,label,x,y``. ``quoted``: the label holds a comma (``"item 7, lot 3"``);
    ``multiline``: so too, and every 1,000th breaks its line after the comma, as a note or an address
    does; ``plain``: the twin of both, a label of the same length that needs no quotes
    (``[item 7; lot 3]``)."""

    def label(i: int) -> str:
        if kind == "plain":
            return f"[item {i % 1000}; lot {i % 7}]"
        space = "\n" if kind == "multiline" and i % 1000 == 999 else " "
        return f'"item {i % 1000},{space}lot {i % 7}"'

    def pieces() -> Iterator[str]:
        yield "id,label,x,y\n"
        for start, (xs, ys) in normals(rows, 2):
            yield "".join(f"{i},{label(i)},{x!r},{y!r}\n" for i, (x, y) in enumerate(zip(xs, ys), start))

    what = f"{rows:,} CSV rows, {kind} labels"
    return generate(data_dir / f"labelled-{rows}-{kind}-seed{SEED}.csv", what, pieces)


# --- running ------------------------------------------------------------------------


def run_once(command: Command) -> float:
    """Run ``command`` once; return its wall-clock seconds or raise ``CommandError``."""
    env = {**os.environ, **command.env} if command.env else None
    stdout = subprocess.PIPE if command.pipe_stdout else subprocess.DEVNULL
    with open(command.stdin or os.devnull, "rb") as stdin:
        start = time.perf_counter()
        proc = subprocess.run(
            command.argv,
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        raise CommandError(f"exit {proc.returncode}" + (f": {lines[-1]}" if lines else ""))
    return elapsed


def time_case(case: Case) -> list[Result]:
    """A warm-up run of each command, then ``case.repeat`` interleaved rounds.

    Without its reference a case has no ratios, so none of its commands is run.
    """
    results = [Result(command, skip=command.skip) for command in case.commands]
    reference = case.commands[0].skip
    if reference is not None:
        for result in results[1:]:
            result.skip = result.skip or f"no reference ({reference})"
        return results
    live = [result for result in results if result.skip is None]
    for round_ in range(-1, case.repeat):  # round -1 is the untimed warm-up
        if round_ >= 0:
            log(f"  {case.name}: round {round_ + 1}/{case.repeat}")
        live = [result for result in live if result.error is None]
        shift = max(round_, 0) % max(len(live), 1)
        for result in live[shift:] + live[:shift]:
            try:
                elapsed = run_once(result.command)
            except CommandError as error:
                result.error = str(error)
                continue
            if round_ >= 0:
                result.times.append(elapsed)
    return results


def check_relu_output(tools: Tools, values: Path) -> str:
    """Compare ``relu-cli relu --format text`` with the naive loop, byte for byte."""
    if tools.relu_cli is None or tools.python is None:
        return "correctness: skipped (relu-cli or its python not found)"
    runs = {
        "relu-cli": (tools.relu_cli, "relu", "--format", "text"),
        "python loop": (tools.python, "-c", NAIVE_LOOP),
    }
    with tempfile.TemporaryDirectory(dir=values.parent) as tmp:
        outputs = {name: Path(tmp) / f"{index}.out" for index, name in enumerate(runs)}
        for name, argv in runs.items():
            with values.open("rb") as stdin, outputs[name].open("wb") as stdout:
                proc = subprocess.run(
                    argv,
                    stdin=stdin,
                    stdout=stdout,
                    stderr=subprocess.PIPE,
                    check=False,
                )
            if proc.returncode != 0:
                return f"correctness: MISMATCH: {name} exited {proc.returncode}"
        ours, naive = outputs["relu-cli"], outputs["python loop"]
        if filecmp.cmp(ours, naive, shallow=False):
            return (
                "correctness: OK: relu-cli relu output equals the Python loop's"
                f" byte for byte ({values.name})"
            )
        return f"correctness: MISMATCH: {first_difference(ours, naive)}"


def first_difference(ours: Path, naive: Path) -> str:
    with ours.open("rb") as a, naive.open("rb") as b:
        for number, (line_a, line_b) in enumerate(itertools.zip_longest(a, b), 1):
            if line_a != line_b:
                return f"line {number}: relu-cli {line_a!r}, python loop {line_b!r}"
    return "outputs differ"  # unreachable unless the files change underneath us


@dataclass(frozen=True)
class Memory:
    """Peaks of one command in MiB: RSS of its largest process, PSS summed over all of them."""

    rss: float
    pss: float


def peak_memory(command: Command, runs: int) -> Memory | str:
    """Medians over ``runs`` of the command's peak memory, or why there is none.

    RSS is the kernel's high-water mark of the largest process, as ``/usr/bin/time -f %M``
    prints it; the command runs under that small program, because on Linux a process's mark
    starts at the size of the process it was forked from, and this harness is large. PSS is
    sampled every 20 ms from ``/proc`` and summed over the command's process and its
    descendants (the workers), so a page they share counts once.
    """
    if command.skip is not None:
        return f"skipped: {command.skip}"
    if not Path("/proc/self/smaps_rollup").exists():
        return "skipped: no /proc/PID/smaps_rollup"
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if gnu_time is None:
        return "skipped: no /usr/bin/time (GNU time)"
    rss, pss = [], []
    for _ in range(runs):
        with open(command.stdin or os.devnull, "rb") as stdin, tempfile.NamedTemporaryFile("r") as report:
            argv = [gnu_time, "-f", "%M", "-o", report.name, *command.argv]
            proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            peak = 0
            while proc.poll() is None:
                peak = max(peak, sum(map(pss_kib, process_tree(proc.pid)[1:])))  # time's own left out
                time.sleep(0.02)
            if proc.returncode != 0:
                return f"failed: exit {proc.returncode}"
            rss.append(int(report.read().split()[-1]) / 1024)  # KiB
        pss.append(peak / 1024)
    return Memory(statistics.median(rss), statistics.median(pss))


def process_tree(root: int) -> list[int]:
    """``root`` and its living descendants, from every thread's ``children`` list in ``/proc``."""
    pids, index = [root], 0
    while index < len(pids):
        try:
            threads = os.listdir(f"/proc/{pids[index]}/task")
        except OSError:  # the process has gone
            threads = []
        for thread in threads:
            with contextlib.suppress(OSError):  # the thread or the process has gone
                pids += map(int, Path(f"/proc/{pids[index]}/task/{thread}/children").read_text().split())
        index += 1
    return pids


def pss_kib(pid: int) -> int:
    """A process's proportional set size, or 0 once it has gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


# --- cases --------------------------------------------------------------------------


def find_tools(relu_cli: str | None, python: str | None, duckdb_python: str | None) -> Tools:
    """Locate the programs; relu-cli's python comes from its ``#!`` line by default.

    DuckDB runs in a python that can import it: ``duckdb_python`` if given, else the one
    running this script, else relu-cli's. It is never one of relu-cli's dependencies.
    """
    relu_path = shutil.which(relu_cli or "relu-cli")
    if python is None and relu_path is not None:
        python = interpreter_of(Path(relu_path))
    if python is None:
        log(f"python: relu-cli's interpreter unknown, using {sys.executable}")
        python = sys.executable
    python_path = shutil.which(python)
    if duckdb_python is not None:
        tried = [shutil.which(duckdb_python) or duckdb_python]
    else:
        tried, seen = [], set()
        for candidate in filter(None, (sys.executable, python_path)):
            place = (Path(candidate).parent.resolve(), Path(candidate).resolve())
            if place not in seen:  # a venv's python and python3 are one interpreter
                tried.append(candidate)
                seen.add(place)
    return Tools(
        relu_cli=relu_path,
        python=python_path,
        mawk=shutil.which("mawk"),
        gawk=shutil.which("gawk"),
        mlr=shutil.which("mlr"),
        duckdb=next((p for p in tried if imports(p, "duckdb")), None),
        duckdb_tried=tuple(tried),
    )


def imports(python: str, module: str) -> bool:
    """Whether ``python`` can import ``module``."""
    try:
        proc = subprocess.run(
            [python, "-c", f"import {module}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError:
        return False
    return proc.returncode == 0


def interpreter_of(script: Path) -> str | None:
    """The python running ``script``: its ``#!`` line, else a ``python`` beside it."""
    with script.open("rb") as file:
        first = file.readline(512)
    words = first[2:].decode(errors="replace").split() if first[:2] == b"#!" else []
    if words and Path(words[0]).name == "env":  # "#!/usr/bin/env [-S] python3"
        names = [word for word in words[1:] if not word.startswith("-")]
        return shutil.which(names[0]) if names else None
    if words:
        return words[0]
    sibling = script.parent / "python"
    return str(sibling) if sibling.exists() else None


def program(
    path: str | None,
    name: str,
    *args: str,
    stdin: Path | None = None,
    env: dict[str, str] | None = None,
    pipe_stdout: bool = False,
    target: float | None = None,
    note: str | None = None,
    missing: str | None = None,
) -> Command:
    """A command running ``path``, or a skipped one named ``name`` if it is missing."""
    skip = (missing or f"{name} not found") if path is None else None
    return Command((path or name, *args), stdin, env or {}, pipe_stdout, skip, target, note)


def build_cases(tools: Tools, args: argparse.Namespace) -> list[Case]:
    """The selected cases; data is generated only for those that need it."""
    wanted = selector(args.only)

    def needs(*prefixes: str) -> bool:
        return any(wanted(name) for name in CASE_NAMES if name.startswith(prefixes))

    n, rows, repeat, data = args.values, args.rows, args.repeat, args.data_dir
    ours = functools.partial(program, tools.relu_cli, "relu-cli")
    python = functools.partial(program, tools.python, "python", "-c")
    mawk = functools.partial(program, tools.mawk, "mawk")
    mlr = functools.partial(program, tools.mlr, "mlr")
    relu_x = functools.partial(ours, "relu", "--columns", "x", "--format", "csv")
    missing = f"duckdb not importable by {' or '.join(tools.duckdb_tried) or 'any python'} (--duckdb-python)"
    duckdb = functools.partial(program, tools.duckdb, "python", "-c", DUCKDB_RUN, missing=missing)
    cases: list[Case] = []

    def add(name: str, title: str, *commands: Command, rounds: int = repeat) -> None:
        cases.append(Case(name, title, commands, rounds))

    stream = f"{n:,} values, stdin to stdout"
    if needs("relu", "leaky-relu", "gradient", "shape", "odd-stream", "table", "stats"):
        values = values_file(data, n)
        add(
            "relu",
            f"relu, {stream}",
            mawk(AWK_RELU, stdin=values),
            ours("relu", "--format", "text", stdin=values, target=0.5),
            ours("relu", "--format", "text", "--jobs", "1", stdin=values),
            program(tools.gawk, "gawk", AWK_RELU, stdin=values),
            mlr("--inidx", "--onidx", "put", "$1 = $1 > 0 ? $1 : 0", stdin=values),
            python(NAIVE_LOOP, stdin=values),
        )
        add(
            "leaky-relu",
            f"leaky-relu, {stream}",
            mawk(AWK_LEAKY, stdin=values),
            ours("leaky-relu", "--format", "text", stdin=values, target=0.5),
        )
        add(
            "gradient",
            f"relu gradient, {stream}",
            mawk(AWK_GRADIENT, stdin=values),
            ours("relu", "--mode", "gradient", "--format", "text", stdin=values, target=0.5),
        )
        for fmt, awk in (("csv", AWK_CSV), ("ndjson", AWK_NDJSON)):
            add(
                f"shape-{fmt}",
                f"relu, {stream}, --format {fmt} (awk prints the same shape)",
                mawk(awk, stdin=values),
                ours("relu", "--format", fmt, stdin=values, target=0.6),
            )
        if needs("odd-stream"):
            add(
                "odd-stream",
                f"odd cells, {n:,} values, one nan per 1,000 (reference: clean twin)",
                ours("relu", "--format", "text", stdin=values, note="clean"),
                ours(
                    "relu",
                    "--format",
                    "text",
                    stdin=values_file(data, n, nan_every=1000),
                    target=1.5,
                    note="one nan per 1,000",
                ),
            )
        add(
            "table",
            f"table view, {stream} (reference: text)",
            ours("relu", "--format", "text", stdin=values),
            ours("relu", "--format", "table", stdin=values, target=1.5),
        )
        add(
            "stats",
            f"--stats, {stream} (reference: without)",
            ours("relu", "--format", "text", stdin=values),
            ours("relu", "--format", "text", "--stats", stdin=values, target=1.2),
        )
    if needs("csv", "duckdb", "odd-cells"):
        table = csv_file(data, rows)
        for fmt in FORMATS:
            add(
                f"csv-{fmt}",
                f"csv, {rows:,} rows, column x, --format {fmt}",
                mlr("--icsv", MILLER_OUTPUT[fmt], "put", MILLER_RELU_X, stdin=table),
                ours("relu", "--columns", "x", "--format", fmt, stdin=table, target=0.4),
            )
        for fmt, duck in (("csv", "csv"), ("ndjson", "json")):
            add(
                f"duckdb-{fmt}",
                f"csv, {rows:,} rows, column x, --format {fmt}, against DuckDB",
                duckdb(DUCKDB_COPY.format(format=duck), stdin=table),
                ours("relu", "--columns", "x", "--format", fmt, stdin=table, target=1.0),
            )
        if needs("odd-cells"):
            add(
                "odd-cells",
                f"odd cells, csv, {rows:,} rows: 0.2% of x empty, 0.1% nan, 0.1% quoted"
                " (reference: clean twin)",
                relu_x(stdin=table, note="clean"),
                relu_x(stdin=csv_file(data, rows, "", 0.002), target=1.5, note="0.2% of x empty"),
                relu_x(stdin=csv_file(data, rows, "nan", 0.001), target=1.5, note="0.1% of x nan"),
                relu_x(stdin=csv_file(data, rows, '"{}"', 0.001), target=1.5, note="0.1% of x quoted"),
            )
    for fmt in ("csv", "ndjson") if needs("quoted") else ():  # labels written as csv fields, as JSON strings
        labelled = functools.partial(ours, "relu", "--columns", "x", "--format", fmt)
        add(
            "quoted" if fmt == "csv" else f"quoted-{fmt}",
            f"quoted, {'csv' if fmt == 'csv' else 'csv to ' + fmt}, {rows:,} rows, a label with a comma in"
            " quotes (reference: twin without quotes)",
            labelled(stdin=labelled_csv_file(data, rows, "plain"), note="labels like [item 7; lot 3]"),
            labelled(
                stdin=labelled_csv_file(data, rows, "quoted"), target=1.5, note='labels like "item 7, lot 3"'
            ),
            labelled(
                stdin=labelled_csv_file(data, rows, "multiline"),
                target=1.5,
                note="so, and one in 1,000 breaks its line in the quotes",
            ),
        )
    if needs("long-lines"):
        short = max(n // 5, 1)
        widths = sorted({min(width, short) for width in LINE_WIDTHS})
        add(
            "long-lines",
            f"long lines, {short:,} values, {', '.join(f'{w:,}' for w in widths)} to a line"
            " (reference: one per line)",
            ours("relu", "--format", "text", stdin=values_file(data, short), note="one per line"),
            *(
                ours(
                    "relu",
                    "--format",
                    "text",
                    stdin=wide_file(data, short, width),
                    target=1.5,
                    note=f"{width:,} to a line",
                )
                for width in widths
            ),
        )
    if needs("npy"):
        array = npy_file(data, n)
        add(
            "npy-npy",
            f"NumPy, {n:,} float64 values, .npy in, .npy out (reference: NumPy itself)",
            python(NUMPY_RELU, stdin=array),
            ours("relu", "--format", "npy", stdin=array, target=2.0),
        )
        add(
            "npy-text",
            f"NumPy, {n:,} float64 values, .npy in, text out (reference: the same values as text)",
            ours("relu", "--format", "text", stdin=values_file(data, n), note="text in"),
            ours("relu", "--format", "text", stdin=array, target=1.0, note=".npy in"),
        )
    n_startup = args.startup_repeat
    add(
        "startup-relu",
        "start-up, numbers as arguments",
        python("import typer, numpy", pipe_stdout=True),
        ours("relu", "-1", "2", pipe_stdout=True, target=1.25),
        rounds=n_startup,
    )
    add(
        "startup-meta",
        "start-up, version, help, completion",
        python("import typer", pipe_stdout=True),
        ours("--version", pipe_stdout=True, target=1.15),
        ours("--help", pipe_stdout=True, target=1.15),
        ours(env=COMPLETION_ENV, pipe_stdout=True, target=1.15),
        rounds=n_startup,
    )
    return [case for case in cases if wanted(case.name)]


def selector(only: Sequence[str] | None) -> Callable[[str], bool]:
    """``--only`` names (repeated or comma-separated), each matching as a prefix."""
    names = [name for item in only or [] for name in item.split(",") if name]
    return lambda case: not names or any(case.startswith(name) for name in names)


# --- report -------------------------------------------------------------------------


def code(text: str) -> str:
    """``text`` as inline code in a Markdown table cell."""
    return "`" + text.replace("|", "\\|") + "`"


def verdict(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "-"}[met]


def timing_table(cases: Sequence[Case], results: Sequence[list[Result]]) -> tuple[list[str], list[bool]]:
    """The Markdown table, and for every target that could be judged, whether it was met."""
    lines = [
        "| case | command | median s | ratio | target | met? |",
        "|---|---|---:|---:|---:|:---:|",
    ]
    verdicts = []
    for case, case_results in zip(cases, results, strict=True):
        reference = case_results[0].median
        for index, result in enumerate(case_results):
            title = case.title if index == 0 else ""
            median, target = result.median, result.command.target
            met = None
            if result.skip is not None:
                cells = f"skipped: {result.skip} |"
            elif median is None:
                cells = f"failed: {result.error} |"
            elif not reference:
                cells = f"{median:.3f} | n/a"
            else:
                ratio = median / reference
                cells = f"{median:.3f} | {ratio:.2f}"
                met = None if target is None else ratio <= target
            if met is not None:
                verdicts.append(met)
            goal = "" if target is None else f"≤ {target:.2f}"
            shown = "" if target is None else verdict(met)
            note = f" ({result.command.note})" if result.command.note else ""
            lines.append(f"| {title} | {code(result.command.display)}{note} | {cells} | {goal} | {shown} |")
    return lines, verdicts


def memory_table(tools: Tools, args: argparse.Namespace) -> tuple[list[str], list[bool]]:
    """Peak memory of each output format on N/5 and N values, and whether each stays flat and small."""
    sizes = [max(args.values // 5, 1), args.values]
    limit = MEMORY_LIMIT_MB * 10**6 / MIB
    lines = [
        f"| input | command | peak RSS MiB | ratio to {sizes[0]:,} | peak summed PSS MiB | ratio"
        " | target | met? |",
        "|---|---|---:|---:|---:|---:|---:|:---:|",
    ]
    verdicts = []
    wanted = selector(args.only)
    for fmt in (fmt for fmt in MEMORY_FORMATS if wanted(f"memory-{fmt}")):
        base: Memory | None = None
        for n in sizes:
            command = program(
                tools.relu_cli, "relu-cli", "relu", "--format", fmt, stdin=values_file(args.data_dir, n)
            )
            log(f"  memory-{fmt}: {n:,} values")
            memory = peak_memory(command, args.memory_runs)
            goal, met = "", None
            if isinstance(memory, str):
                cells = f"{memory} | | | "
            else:
                base = base or memory
                rss = f"{memory.rss:.1f} | {memory.rss / base.rss:.2f}"
                cells = f"{rss} | {memory.pss:.1f} | {memory.pss / base.pss:.2f}"
            if n == sizes[-1]:
                goal = f"≤ {MEMORY_LIMIT_MB} MB, ≤ {MEMORY_FLAT:g}x"
                if isinstance(memory, Memory) and base is not None:
                    met = max(base.pss, memory.pss) <= limit and memory.pss / base.pss <= MEMORY_FLAT
                    verdicts.append(met)
            shown = verdict(met) if goal else ""
            lines.append(f"| {n:,} values | {code(command.display)} | {cells} | {goal} | {shown} |")
    return lines, verdicts


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return models[0] if models else platform.processor() or "unknown CPU"


def version_of(path: str | None, *args: str) -> str:
    """The first line a program prints for its version flag."""
    if path is None:
        return "not found"
    proc = subprocess.run(
        [path, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    ok = proc.returncode == 0 and lines
    return lines[0] if ok else f"{Path(path).name}: version unknown"


def machine_lines(tools: Tools) -> list[str]:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    py_version = version_of(tools.python, "-c", "import platform; print(platform.python_version())")
    peers = "; ".join(
        version_of(path, *flags) if path else f"{name} not found"
        for name, path, flags in [
            ("mawk", tools.mawk, ("-W", "version")),
            ("gawk", tools.gawk, ("--version",)),
            ("mlr", tools.mlr, ("--version",)),
        ]
    )
    if tools.duckdb is None:
        duckdb = "duckdb not importable"
    else:
        version = version_of(tools.duckdb, "-c", "import duckdb; print(duckdb.__version__)")
        duckdb = f"duckdb {version} ({tools.duckdb})"
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    return [
        f"- date: {now}",
        f"- machine: nproc {nproc or os.cpu_count()}, {cpu_model()}, {platform.platform()}",
        f"- python (relu-cli's): {py_version} ({tools.python or 'not found'})",
        f"- relu-cli: {version_of(tools.relu_cli, '--version')} ({tools.relu_cli or '-'})",
        f"- peers: {peers}; {duckdb}",
    ]


# --- main ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--values", type=int, help="values for the stdin cases (default 5,000,000)")
    add("--rows", type=int, help="rows for the CSV cases (default 1,000,000)")
    add("--repeat", type=int, help="rounds per data case (default 5)")
    add("--startup-repeat", type=int, help="rounds per start-up case (default 21)")
    add("--memory-runs", type=int, help=f"runs per memory measurement (default {MEMORY_RUNS})")
    add("--quick", action="store_true", help="tiny data, few rounds: a smoke run")
    add(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only cases starting with NAME (repeatable or comma-separated): {', '.join(CASE_NAMES)}",
    )
    add("--relu-cli", metavar="PATH", help="relu-cli to measure (default: on PATH)")
    add("--python", metavar="PATH", help="python for peers (default: relu-cli's)")
    add(
        "--duckdb-python",
        metavar="PATH",
        help="python that imports duckdb (default: the one running this script, else relu-cli's)",
    )
    add(
        "--data-dir",
        type=Path,
        default=Path(__file__).resolve().parent / ".data",
        help="cache for generated data (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    for name in [n for item in args.only or [] for n in item.split(",") if n]:
        if not any(case.startswith(name) for case in CASE_NAMES):
            parser.error(f"--only {name}: no such case ({', '.join(CASE_NAMES)})")
    args.values = args.values or (2_000 if args.quick else 5_000_000)
    args.rows = args.rows or (1_000 if args.quick else 1_000_000)
    args.repeat = args.repeat or (3 if args.quick else 5)
    args.startup_repeat = args.startup_repeat or (5 if args.quick else 21)
    args.memory_runs = args.memory_runs or (1 if args.quick else MEMORY_RUNS)
    return args


def compile_package(python: str) -> None:
    """Write relu-cli's bytecode, as ``pip install`` does, so that start-up is not timed compiling source.

    An editable install under PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run.
    """
    subprocess.run(
        [
            python,
            "-c",
            "import compileall, os, relu_cli\n"
            "compileall.compile_dir(os.path.dirname(relu_cli.__file__), quiet=1)",
        ],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    tools = find_tools(args.relu_cli, args.python, args.duckdb_python)
    for name in ("relu_cli", "python", "mawk", "gawk", "mlr"):
        if getattr(tools, name) is None:
            log(f"skipped: {name.replace('_', '-')} not found")
    if tools.duckdb is None:
        log(f"skipped: duckdb not importable by {' or '.join(tools.duckdb_tried) or 'any python'}")

    if tools.python is not None:
        compile_package(tools.python)
    cases = build_cases(tools, args)
    results = []
    for case in cases:
        log(f"case {case.name} ({case.repeat} rounds)")
        results.append(time_case(case))

    report = ["# relu-cli benchmark", "", *machine_lines(tools)]
    verdicts: list[bool] = []
    if cases:
        rounds = plural(args.repeat, "interleaved round")
        if any(case.name.startswith("startup") for case in cases):
            rounds += f" ({args.startup_repeat} for start-up)"
        summary = (
            f"Wall-clock medians of {rounds}; ratio to each case's first row;"
            " target: the largest ratio relu-cli aims for."
        )
        table, verdicts = timing_table(cases, results)
        report += ["", summary, "", *table]
    if any(case.name == "relu" for case in cases):
        values = values_file(args.data_dir, args.values)
        report += ["", check_relu_output(tools, values)]
    if any(selector(args.only)(f"memory-{fmt}") for fmt in MEMORY_FORMATS):
        table, memory_verdicts = memory_table(tools, args)
        verdicts += memory_verdicts
        report += [
            "",
            f"Peak memory, median of {plural(args.memory_runs, 'run')}: RSS of the largest process (as"
            " /usr/bin/time -f %M gives it) and the peak of the PSS summed over relu-cli and its workers"
            f" (shared pages counted once). Target: summed PSS ≤ {MEMORY_LIMIT_MB} MB"
            f" ({MEMORY_LIMIT_MB * 10**6 / MIB:.1f} MiB) on both sizes, and flat: at most"
            f" {MEMORY_FLAT:g}x from N/5 to N values.",
            "",
            *table,
        ]
    if verdicts:
        report += ["", f"targets met: {sum(verdicts)} of {len(verdicts)} measured"]
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
