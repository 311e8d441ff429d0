#!/usr/bin/env python3
"""Benchmark relu-cli against awk, Miller and a naive Python loop.

Each case runs relu-cli and its peers alternately: one untimed warm-up run each, then
rounds of one run per command, the order rotating from round to round. Wall clock is
taken with ``time.perf_counter`` around ``subprocess.run``; the report gives medians and
ratios to the case's reference (its first command). On the side, relu-cli's ``relu``
output is compared byte for byte with the naive Python loop's. See bench/README.md.

    python bench/bench.py                  # 5,000,000 values, 1,000,000 CSV rows
    python bench/bench.py --quick          # tiny data, few rounds: a CI smoke run
    python bench/bench.py --only startup   # cases whose name starts with "startup"
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20240601
CHUNK = 1_000_000  # values generated and written per step, to bound memory
CASE_NAMES = ("relu", "leaky-relu", "csv", "startup-relu", "startup-meta", "memory")
NAIVE_LOOP = "import sys\nfor line in sys.stdin: print(max(0.0, float(line)))"
AWK_RELU = "{print ($1>0)?$1:0}"
AWK_LEAKY = "{print ($1>0)?$1:0.001*$1}"
COMPLETION_ENV = {
    "_RELU_CLI_COMPLETE": "complete_bash",
    "COMP_WORDS": "relu-cli le",
    "COMP_CWORD": "1",
}
GNU_TIME = "/usr/bin/time"
RSS_RUNS = 3


class CommandError(Exception):
    """A benchmarked command exited with a non-zero status."""


@dataclass(frozen=True)
class Command:
    """One command line to time; ``skip`` says why it cannot run."""

    argv: tuple[str, ...]
    stdin: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    pipe_stdout: bool = False  # stdout into a pipe the harness reads, else /dev/null
    skip: str | None = None  # e.g. "mawk not found"

    @property
    def display(self) -> str:
        """As a reader would type it: env prefix, program basename, no raw newlines."""
        env = [f"{key}={shlex.quote(value)}" for key, value in self.env.items()]
        argv = shlex.join([Path(self.argv[0]).name, *self.argv[1:]])
        return " ".join([*env, argv]).replace("\n", "\\n")


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

    @property
    def median(self) -> float | None:
        if self.error is not None or not self.times:
            return None
        return statistics.median(self.times)


@dataclass(frozen=True)
class Tools:
    """Paths of the programs under test; ``None`` when not found."""

    relu_cli: str | None
    python: str | None
    mawk: str | None
    gawk: str | None
    mlr: str | None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data ---------------------------------------------------------------------------


def values_file(data_dir: Path, n: int) -> Path:
    """N standard normals, one shortest round-trip ``repr`` per line; cached by size."""
    path = data_dir / f"values-{n}-seed{SEED}.txt"
    if not path.exists():
        log(f"generating {n:,} values -> {path}")
        rng = np.random.default_rng(SEED)
        part = path.with_suffix(".part")
        with part.open("w") as out:
            for start in range(0, n, CHUNK):
                chunk = rng.standard_normal(min(CHUNK, n - start)).tolist()
                out.write("".join(f"{x!r}\n" for x in chunk))
        part.replace(path)
    return path


def csv_file(data_dir: Path, rows: int) -> Path:
    """CSV with header ``id,x,y``: integer id, two standard normals; cached by size."""
    path = data_dir / f"rows-{rows}-seed{SEED}.csv"
    if not path.exists():
        log(f"generating {rows:,} CSV rows -> {path}")
        rng = np.random.default_rng(SEED)
        part = path.with_suffix(".part")
        with part.open("w") as out:
            out.write("id,x,y\n")
            for start in range(0, rows, CHUNK):
                xs, ys = rng.standard_normal((2, min(CHUNK, rows - start))).tolist()
                pairs = enumerate(zip(xs, ys, strict=True), start)
                out.write("".join(f"{i},{x!r},{y!r}\n" for i, (x, y) in pairs))
        part.replace(path)
    return path


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
    """A warm-up run of each command, then ``case.repeat`` interleaved rounds."""
    results = [Result(command) for command in case.commands]
    live = [result for result in results if result.command.skip is None]
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


def peak_rss_mib(command: Command, runs: int) -> float | str:
    """Median peak resident set size in MiB, from ``/usr/bin/time -f %M``."""
    if command.skip is not None:
        return f"skipped: {command.skip}"
    if not os.access(GNU_TIME, os.X_OK):
        return f"skipped: {GNU_TIME} not found"
    samples = []
    with tempfile.NamedTemporaryFile(mode="r") as report:
        argv = (GNU_TIME, "-f", "%M", "-o", report.name, *command.argv)
        for _ in range(runs):
            try:
                run_once(Command(argv, command.stdin))
            except CommandError as error:
                return f"failed: {error}"
            report.seek(0)
            samples.append(int(report.read().split()[-1]) / 1024)  # %M is in KiB
    return statistics.median(samples)


# --- cases --------------------------------------------------------------------------


def find_tools(relu_cli: str | None, python: str | None) -> Tools:
    """Locate the programs; relu-cli's python comes from its ``#!`` line by default."""
    relu_path = shutil.which(relu_cli or "relu-cli")
    if python is None and relu_path is not None:
        python = interpreter_of(Path(relu_path))
    if python is None:
        log(f"python: relu-cli's interpreter unknown, using {sys.executable}")
        python = sys.executable
    return Tools(
        relu_cli=relu_path,
        python=shutil.which(python),
        mawk=shutil.which("mawk"),
        gawk=shutil.which("gawk"),
        mlr=shutil.which("mlr"),
    )


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
) -> Command:
    """A command running ``path``, or a skipped one named ``name`` if it is missing."""
    skip = f"{name} not found" if path is None else None
    return Command((path or name, *args), stdin, env or {}, pipe_stdout, skip)


def build_cases(tools: Tools, args: argparse.Namespace) -> list[Case]:
    """The selected cases; data is generated only for those that need it."""
    wanted = selector(args.only)
    ours = functools.partial(program, tools.relu_cli, "relu-cli")
    python = functools.partial(program, tools.python, "python", "-c")
    mawk = functools.partial(program, tools.mawk, "mawk")
    mlr = functools.partial(program, tools.mlr, "mlr")
    n_startup = args.startup_repeat
    cases: list[Case] = []
    if wanted("relu") or wanted("leaky-relu"):
        values = values_file(args.data_dir, args.values)
        title = f"{args.values:,} values, stdin to stdout"
        relu = (
            mawk(AWK_RELU, stdin=values),
            ours("relu", "--format", "text", stdin=values),
            ours("relu", "--format", "text", "--jobs", "1", stdin=values),
            program(tools.gawk, "gawk", AWK_RELU, stdin=values),
            mlr("--inidx", "--onidx", "put", "$1 = $1 > 0 ? $1 : 0", stdin=values),
            python(NAIVE_LOOP, stdin=values),
        )
        leaky = (
            mawk(AWK_LEAKY, stdin=values),
            ours("leaky-relu", "--format", "text", stdin=values),
        )
        cases += [Case("relu", f"relu, {title}", relu, args.repeat)]
        cases += [Case("leaky-relu", f"leaky-relu, {title}", leaky, args.repeat)]
    if wanted("csv"):
        rows = csv_file(args.data_dir, args.rows)
        csv = (
            mlr("--icsv", "--ocsv", "put", "$x = $x > 0 ? $x : 0", stdin=rows),
            ours("relu", "--columns", "x", "--format", "text", stdin=rows),
        )
        cases += [Case("csv", f"csv, {args.rows:,} rows, column x", csv, args.repeat)]
    startup_relu = (
        python("import typer, numpy", pipe_stdout=True),
        ours("relu", "-1", "2", pipe_stdout=True),
    )
    startup_meta = (
        python("import typer", pipe_stdout=True),
        ours("--version", pipe_stdout=True),
        ours("--help", pipe_stdout=True),
        ours(env=COMPLETION_ENV, pipe_stdout=True),
    )
    cases += [
        Case("startup-relu", "start-up, numbers as arguments", startup_relu, n_startup),
        Case(
            "startup-meta",
            "start-up, version, help, completion",
            startup_meta,
            n_startup,
        ),
    ]
    return [case for case in cases if wanted(case.name)]


def selector(only: Sequence[str] | None) -> Callable[[str], bool]:
    """``--only`` names (repeated or comma-separated), each matching as a prefix."""
    names = [name for item in only or [] for name in item.split(",") if name]
    return lambda case: not names or any(case.startswith(name) for name in names)


# --- report -------------------------------------------------------------------------


def code(text: str) -> str:
    """``text`` as inline code in a Markdown table cell."""
    return "`" + text.replace("|", "\\|") + "`"


def timing_table(cases: Sequence[Case], results: Sequence[list[Result]]) -> list[str]:
    lines = ["| case | command | median s | ratio |", "|---|---|---:|---:|"]
    for case, case_results in zip(cases, results, strict=True):
        reference = case_results[0].median
        for index, result in enumerate(case_results):
            title = case.title if index == 0 else ""
            median = result.median
            if result.command.skip is not None:
                cells = f"skipped: {result.command.skip} |"
            elif median is None:
                cells = f"failed: {result.error} |"
            else:
                ratio = f"{median / reference:.2f}" if reference else "n/a"
                cells = f"{median:.3f} | {ratio}"
            lines.append(f"| {title} | {code(result.command.display)} | {cells} |")
    return lines


def peak_pss_mib(command: Command, runs: int) -> float | str:
    """Median over ``runs`` of the peak summed PSS of the command's process and its children (the
    workers): sampled every 20 ms from ``/proc``, so a page shared by several processes counts once."""
    if command.skip is not None:
        return f"skipped: {command.skip}"
    if not Path("/proc/self/smaps_rollup").exists():
        return "skipped: no /proc/PID/smaps_rollup"
    samples = []
    for _ in range(runs):
        with open(command.stdin or os.devnull, "rb") as stdin:
            proc = subprocess.Popen(command.argv, stdin=stdin, stdout=subprocess.DEVNULL)
            peak = 0
            while proc.poll() is None:
                children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
                try:
                    pids = [proc.pid, *map(int, children.read_text().split())]
                except OSError:
                    pids = [proc.pid]
                peak = max(peak, sum(map(pss_kib, pids)))
                time.sleep(0.02)
        if proc.returncode != 0:
            return f"failed: exit {proc.returncode}"
        samples.append(peak / 1024)
    return statistics.median(samples)


def pss_kib(pid: int) -> int:
    """A process's proportional set size, or 0 once it has gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def memory_table(tools: Tools, data_dir: Path, sizes: Sequence[int]) -> list[str]:
    lines = [
        f"| input | command | peak RSS MiB | ratio to {sizes[0]:,} | peak summed PSS MiB | ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    base: dict[str, float] = {}
    for n in sizes:
        values = values_file(data_dir, n)
        command = program(tools.relu_cli, "relu-cli", "relu", "--format", "text")
        log(f"  memory: {n:,} values")
        measured = Command(command.argv, values, skip=command.skip)
        cells = []
        for kind, size in (
            ("rss", peak_rss_mib(measured, RSS_RUNS)),
            ("pss", peak_pss_mib(measured, RSS_RUNS)),
        ):
            if isinstance(size, str):
                cells.append(f"{size} | ")
            else:
                reference = base.setdefault(kind, size)
                cells.append(f"{size:.1f} | {size / reference:.2f}")
        lines.append(f"| {n:,} values | {code(command.display)} | {' | '.join(cells)} |")
    return lines


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
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    return [
        f"- date: {now}",
        f"- machine: nproc {nproc or os.cpu_count()}, {cpu_model()}, {platform.platform()}",
        f"- python (relu-cli's): {py_version} ({tools.python or 'not found'})",
        f"- relu-cli: {version_of(tools.relu_cli, '--version')} ({tools.relu_cli or '-'})",
        f"- peers: {peers}",
    ]


# --- main ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--values", type=int, help="values for the stdin cases (default 5,000,000)")
    add("--rows", type=int, help="rows for the CSV case (default 1,000,000)")
    add("--repeat", type=int, help="rounds per data case (default 5)")
    add("--startup-repeat", type=int, help="rounds per start-up case (default 21)")
    add("--quick", action="store_true", help="tiny data, few rounds: a smoke run")
    add(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only cases starting with NAME: {', '.join(CASE_NAMES)}",
    )
    add("--relu-cli", metavar="PATH", help="relu-cli to measure (default: on PATH)")
    add("--python", metavar="PATH", help="python for peers (default: relu-cli's)")
    add(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "relu-cli-bench",
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
    tools = find_tools(args.relu_cli, args.python)
    for name in ("relu_cli", "python", "mawk", "gawk", "mlr"):
        if getattr(tools, name) is None:
            log(f"skipped: {name.replace('_', '-')} not found")

    if tools.python is not None:
        compile_package(tools.python)
    cases = build_cases(tools, args)
    results = []
    for case in cases:
        log(f"case {case.name} ({case.repeat} rounds)")
        results.append(time_case(case))

    report = ["# relu-cli benchmark", "", *machine_lines(tools)]
    if cases:
        rounds = f"{args.repeat} interleaved rounds ({args.startup_repeat} for start-up)"
        summary = f"Wall-clock medians of {rounds}; ratio to each case's first row."
        report += ["", summary, "", *timing_table(cases, results)]
    if any(case.name == "relu" for case in cases):
        values = values_file(args.data_dir, args.values)
        report += ["", check_relu_output(tools, values)]
    if selector(args.only)("memory"):
        sizes = [max(args.values // 5, 1), args.values]
        report += [
            "",
            f"Peak memory, median of {RSS_RUNS} runs: RSS of the largest process (/usr/bin/time -f %M)"
            " and the peak of the PSS summed over relu-cli and its workers (shared pages counted once):",
            "",
        ]
        report += memory_table(tools, args.data_dir, sizes)
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
