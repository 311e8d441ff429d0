"""Start-up stays light: what --version, --help and completion may import, and the option conversion
that replaces Typer's pydantic one. Timing itself is measured by bench/bench.py, never here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")
HEAVY = ["numpy", "orjson", "rich", "pydantic", "importlib.metadata"]

# Runs relu-cli's entry point in this interpreter, then reports which heavy modules got imported.
PROBE = """
import json, sys
sys.argv = ["relu-cli", *sys.argv[1:]]
from relu_cli.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write(json.dumps([name for name in %r if name in sys.modules]) + "\\n")
"""


def imported_modules(*args: str, env: dict[str, str] | None = None) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE % HEAVY, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    loaded: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["relu", "--help"], ["leaky-relu", "-h"]])
def test_version_and_help_import_nothing_heavy(args: list[str]) -> None:
    assert imported_modules(*args) == []


def test_completion_imports_nothing_heavy() -> None:
    env = {"_RELU_CLI_COMPLETE": "complete_bash", "COMP_WORDS": "relu-cli le", "COMP_CWORD": "1"}
    assert imported_modules(env=env) == []


def test_completing_column_names_imports_nothing_heavy(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("id,x\n1,-2\n")
    env = {
        "_RELU_CLI_COMPLETE": "complete_bash",
        "COMP_WORDS": f"relu-cli relu -f {data} -c ",
        "COMP_CWORD": "5",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE % HEAVY], capture_output=True, text=True, env={**os.environ, **env}
    )
    assert result.stdout == "id\nx\n1\n2\n"
    assert json.loads(result.stderr) == []


def test_numbers_as_arguments_import_numpy_but_not_pydantic_or_rich() -> None:
    assert imported_modules("relu", "-1", "2") == ["numpy"]


def test_version_is_the_installed_metadata_version() -> None:
    result = subprocess.run([RELU_CLI, "--version"], capture_output=True, text=True, check=False)
    assert result.stdout == f"relu-cli {version('relu-cli')}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--mode", "sideways"],
            "Invalid value for '--mode' / '-m': 'sideways' is not one of 'forward', 'gradient'.",
        ),
        (["--format", "xml"], "Invalid value for '--format': 'xml' is not one of 'auto', 'table', 'text',"),
        (["--max-rows", "-1"], "Invalid value for '--max-rows': -1 is not in the range x>=0."),
        (["--max-rows", "many"], "Invalid value for '--max-rows': 'many' is not a valid integer."),
    ],
)
def test_bad_option_values_are_usage_errors_with_clicks_messages(args: list[str], message: str) -> None:
    result = subprocess.run([RELU_CLI, "relu", *args, "1"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"relu-cli: error: {message}")
    assert result.stdout == ""


def test_options_convert_to_their_types() -> None:
    result = subprocess.run(
        [
            RELU_CLI,
            "leaky-relu",
            "-m",
            "gradient",
            "--format",
            "csv",
            "--max-rows",
            "3",
            "-s",
            "0.5",
            "-2",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "input,output\n-2,0.5\n2,1.0\n"
