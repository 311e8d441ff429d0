"""The benchmark harness must not rot: smoke runs on tiny data. Nothing about timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent.parent / "bench" / "bench.py"
RELU_CLI = str(Path(sys.executable).parent / "relu-cli")
QUICK = ["--quick", "--repeat", "1", "--startup-repeat", "1"]


def run_bench(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args, "--relu-cli", RELU_CLI, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_quick_benchmark_run_prints_its_tables(tmp_path: Path) -> None:
    result = run_bench(*QUICK, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| case | command | median s | ratio | target | met? |" in result.stdout
    for case in ("relu, 2,000 values", "leaky-relu", "relu gradient", "csv, 1,000 rows", "start-up"):
        assert case in result.stdout
    for fmt in ("text", "csv", "tsv", "ndjson", "json"):
        assert f"`relu-cli relu --columns x --format {fmt}`" in result.stdout
    for case in (
        "against DuckDB",
        "odd cells",
        "quoted, csv,",
        "quoted, csv to ndjson",
        "long lines",
        "table view",
    ):
        assert case in result.stdout
    assert "--stats" in result.stdout
    assert "correctness: OK" in result.stdout
    assert "peak RSS" in result.stdout and "peak summed PSS" in result.stdout
    for fmt in ("text", "csv", "tsv", "json", "ndjson", "table"):
        assert f"| 2,000 values | `relu-cli relu --format {fmt}` |" in result.stdout
    assert "--jobs 1" in result.stdout  # one process, beside the default
    assert "targets met:" in result.stdout
    assert "failed:" not in result.stdout
    duckdb_rows = [line for line in result.stdout.splitlines() if "import duckdb" in line]
    assert len(duckdb_rows) == 2  # measured, or skipped with a note where duckdb is not importable
    assert all("skipped: duckdb not importable" in row or "| 1.00 |" in row for row in duckdb_rows)


def test_only_runs_the_named_cases(tmp_path: Path) -> None:
    result = run_bench(*QUICK, "--only", "csv-tsv,memory-table", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--format tsv" in result.stdout and "relu-cli relu --format table" in result.stdout
    for other in ("leaky-relu", "start-up", "--format ndjson", "relu-cli relu --format text"):
        assert other not in result.stdout


def test_only_rejects_an_unknown_case(tmp_path: Path) -> None:
    result = run_bench("--only", "nosuchcase", data_dir=tmp_path)
    assert result.returncode == 2
    assert "no such case" in result.stderr
