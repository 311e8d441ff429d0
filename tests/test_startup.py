"""Start-up stays light: what --version, --help and completion may import, and the option conversion
that keeps pydantic out of start-up (relu_cli.conversion), with Typer's internals there and without them.
Timing itself is measured by bench/bench.py, never here."""

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
except SystemExit as exit:
    status = exit.code
sys.stderr.write(json.dumps([name for name in %r if name in sys.modules]) + "\\n")
sys.exit(status)
"""
#: Before the probe: relu-cli without its shortcut, as with a Typer that lacks the internals it uses.
WITHOUT_SHORTCUT = "import relu_cli.conversion; relu_cli.conversion.AVAILABLE = False\n"
#: Before the probe: a Typer whose converters are not what relu_cli.conversion knows.
WITHOUT_RUNTIME_PARAM = "import typer._coercion; del typer._coercion.RuntimeParam\n"
WITH_AND_WITHOUT_INTERNALS = pytest.mark.parametrize(
    "prelude", [WITHOUT_SHORTCUT, WITHOUT_RUNTIME_PARAM], ids=["forced-off", "no-internal"]
)


def probe(
    *args: str, env: dict[str, str] | None = None, prelude: str = "", cwd: Path | None = None
) -> tuple[int, str, str, list[str]]:
    """Exit status, stdout, stderr and the heavy modules imported of ``relu-cli ARGS`` in a new process."""
    result = subprocess.run(
        [sys.executable, "-c", prelude + PROBE % HEAVY, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        check=False,
    )
    *messages, loaded = result.stderr.splitlines(True)
    return result.returncode, result.stdout, "".join(messages), json.loads(loaded)


def imported_modules(*args: str, env: dict[str, str] | None = None) -> list[str]:
    return probe(*args, env=env)[3]


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
    assert probe(env=env) == (0, "id\nx\n1\n2\n", "", [])


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


SAME_EITHER_WAY = [
    ["relu", "-1", "2", "--format", "json"],
    ["leaky-relu", "-s", "0.5", "-m", "gradient", "--threshold", "1", "--max-value", "6", "-2", "3", "7"],
    ["relu", "-d", "semicolon", "--no-header", "-c", "1", "--on-error", "nan", "--max-rows", "3", "-f", "-"],
    ["plot", "leaky-relu", "--slope", "0.1", "--range", "-2", "8", "--mode", "gradient", "--color", "never"],
    ["leaky-relu", "--slope", "nan", "1"],
    ["plot", "relu", "-o", "out.png"],
    ["relu", "--slope", "1", "2"],
    ["plot"],
    ["--help"],
    ["leaky-relu", "--help"],
]


@WITH_AND_WITHOUT_INTERNALS
@pytest.mark.parametrize("args", SAME_EITHER_WAY, ids=" ".join)
def test_without_typers_internals_typer_converts_and_nothing_changes(
    prelude: str, args: list[str], tmp_path: Path
) -> None:
    status, stdout, stderr, _ = probe(*args, env={"COLUMNS": "80"}, prelude=prelude, cwd=tmp_path)
    assert (status, stdout, stderr) == probe(*args, env={"COLUMNS": "80"}, cwd=tmp_path)[:3]


@WITH_AND_WITHOUT_INTERNALS
def test_without_typers_internals_start_up_only_gets_slower(prelude: str) -> None:
    status, stdout, stderr, loaded = probe("relu", "-1", "2", prelude=prelude)
    assert (status, stdout, stderr) == (0, "0.0\n2.0\n", "")
    assert "pydantic" in loaded  # Typer's own conversion: the time relu_cli.conversion saves


@WITH_AND_WITHOUT_INTERNALS
@pytest.mark.parametrize(
    ("args", "option"),
    [(["--mode", "sideways"], "'--mode' / '-m'"), (["--max-rows", "-1"], "'--max-rows'")],
)
def test_without_typers_internals_bad_values_are_still_usage_errors(
    prelude: str, args: list[str], option: str
) -> None:
    status, stdout, stderr, _ = probe("relu", *args, "1", prelude=prelude)
    assert (status, stdout) == (2, "")
    assert stderr.startswith(f"relu-cli: error: Invalid value for {option}: ")
    assert stderr.endswith(" (see 'relu-cli relu --help')\n") and stderr.count("\n") == 1


def test_the_shortcut_is_taken_only_with_the_converter_class_it_knows() -> None:
    from relu_cli import conversion

    class Other:
        __abstractmethods__ = frozenset({"convert"})

    assert conversion.AVAILABLE
    assert not conversion._usable(None)
    assert not conversion._usable(Other)
    assert conversion._usable(conversion.RuntimeParam)


def test_the_shortcut_leaves_alone_what_is_not_a_typer_parameter_or_already_converted() -> None:
    from relu_cli import conversion

    class Built:
        _runtime_param = object()

    built, plain = Built(), object()
    conversion.convert_plainly([built, plain])
    assert built._runtime_param is Built._runtime_param
    assert not hasattr(plain, "_runtime_param")
