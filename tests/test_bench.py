"""The benchmark harness must not rot: a smoke run on tiny data. Nothing about timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent.parent / "bench" / "bench.py"
RELU_CLI = str(Path(sys.executable).parent / "relu-cli")


def test_quick_benchmark_run_prints_its_tables(tmp_path: Path) -> None:
    quick = ["--quick", "--repeat", "1", "--startup-repeat", "1"]
    result = subprocess.run(
        [sys.executable, str(BENCH), *quick, "--relu-cli", RELU_CLI, "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "| case | command | median s | ratio |" in result.stdout
    for case in ("relu, 2,000 values", "leaky-relu", "csv, 1,000 rows", "start-up"):
        assert case in result.stdout
    assert "correctness: OK" in result.stdout
    assert "peak RSS" in result.stdout and "peak summed PSS" in result.stdout
    assert "--jobs 1" in result.stdout  # one process, beside the default
    assert "failed:" not in result.stdout
