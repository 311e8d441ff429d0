"""Conventions users know from other tools: --version/-V, -h, help that teaches, --color with NO_COLOR,
FORCE_COLOR and TERM=dumb decided per stream, and -n/--names."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
from test_e2e import RELU_CLI, on_terminal, shell
from typer.testing import CliRunner

from relu_cli.cli import Color, app, use_color

ESCAPE = "\x1b["
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_colour_settings_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), prog_name="relu-cli", env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def plain(screen: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", screen)


# ------------------------------------------------------------------------------------- version and help


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_name_and_package_version(flag: str) -> None:
    result = shell(f"relu-cli {flag}")
    assert result.returncode == 0
    assert result.stdout == f"relu-cli {version('relu-cli')}\n"


@pytest.mark.parametrize("command", [[], ["relu"], ["leaky-relu"], ["plot"]])
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    short, long = invoke(*command, "-h"), invoke(*command, "--help")
    assert short[0] == 0
    assert short == long
    assert "Usage: relu-cli" in short[1]


def test_top_level_help_shows_both_formulas_gradients_and_exit_statuses() -> None:
    _, text, _ = invoke("--help")
    assert "relu(x) = max(0, x)" in text
    assert "leaky_relu(x) = x if x > 0 else slope*x  (slope 0.001 by default)" in text
    assert "leaky_relu'(x) = 1 if x > 0 else slope" in text
    assert "Exit status: 0 ok, 1 bad data, 2 usage error" in text


@pytest.mark.parametrize(
    ("command", "formula"),
    [("relu", "relu(x) = max(0, x)"), ("leaky-relu", "leaky_relu(x) = x if x > 0 else slope*x")],
)
def test_command_help_shows_formula_defaults_and_examples(command: str, formula: str) -> None:
    _, text, _ = invoke(command, "--help")
    assert f"Usage: relu-cli {command} [OPTIONS] [VALUES]..." in text
    assert formula in text
    flowing = " ".join(text.split())  # Click wraps help at 80 columns, wherever a line breaks
    for default in ("[default: forward]", "[default: auto]", "[default: fail]"):
        assert default in flowing
    if command == "leaky-relu":
        assert "[default: 0.001]" in flowing
    examples = text[text.index("Examples") :]
    for example in (
        f"relu-cli {command} -1 0 2.5",  # arguments
        f"seq -3 3 | relu-cli {command}",  # stdin
        f"relu-cli {command} -f data.csv -c x,y",  # CSV with --columns
        f"relu-cli {command} --mode gradient",  # gradient mode
        "--format json | jq",  # JSON into jq
    ):
        assert example in examples


def help_examples(command: list[str]) -> list[str]:
    _, text, _ = invoke(*command, "--help")
    lines = [line.strip() for line in text[text.index("Examples") :].splitlines()[1:]]
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("command", [[], ["relu"], ["leaky-relu"]])
def test_every_help_example_runs(command: list[str], tmp_path: Path) -> None:
    if shutil.which("jq") is None and not os.environ.get("CI"):
        pytest.skip("jq is not installed")
    (tmp_path / "data.csv").write_text("x,y,label\n-1,2,a\n3,-4,b\n")
    (tmp_path / "data.csv.gz").write_bytes(gzip.compress(b"x,y,label\n-1,2,a\n"))
    np.save(tmp_path / "acts.npy", np.array([[-1.0, 2.0], [-3.0, 4.0]], dtype=np.float32))
    examples = help_examples(command)
    assert len(examples) >= 7
    for example in examples:
        result = shell(example, cwd=tmp_path)
        assert result.returncode == 0, (example, result.stderr)
        assert result.stdout and not result.stderr, example


# ------------------------------------------------------------------------------------------------ colour


@pytest.mark.parametrize(
    ("environ", "isatty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # an empty NO_COLOR is unset, as no-color.org says
        ({"TERM": "dumb"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, False, True),
        ({"FORCE_COLOR": "0"}, True, False),  # unlike Rich, which reads 0 as on
        ({"FORCE_COLOR": "false"}, True, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False),  # NO_COLOR wins
    ],
)
def test_auto_colour_follows_the_environment(
    environ: dict[str, str], isatty: bool, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert use_color(Color.auto, isatty) is expected


@pytest.mark.parametrize("environ", [{}, {"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}, {"TERM": "dumb"}])
def test_color_always_and_never_override_the_environment(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert use_color(Color.always, False) is True
    assert use_color(Color.never, True) is False


def test_color_never_means_no_escape_codes_on_a_terminal(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("x\n-1\nfoo\n")
    for args in (
        ["relu", "-1", "2", "--color", "never"],
        ["relu", "-f", str(bad), "--on-error", "skip", "--color", "never"],  # a table and a warning
        ["relu", "-f", str(tmp_path / "missing.csv"), "--color", "never"],  # an error
        ["relu", "--color", "never", "--help"],
        ["plot", "relu", "--color", "never"],
    ):
        _, screen = on_terminal(args)
        assert "relu-cli" in screen or "relu(x)" in screen
        assert "\x1b" not in screen, args


def test_a_terminal_gets_a_coloured_table_and_coloured_diagnostics(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("x\n-1\nfoo\n")
    status, screen = on_terminal(["relu", "-f", str(bad), "--on-error", "skip"])
    assert status == 0
    assert ESCAPE in screen
    assert "\x1b[1;33mwarning:\x1b[0m skipped 1 bad record(s)" in screen
    _, screen = on_terminal(["relu", "-f", str(tmp_path / "missing.csv")])
    assert plain(screen) == f"relu-cli: error: {tmp_path / 'missing.csv'}: no such file\n"
    assert "\x1b[1;31merror:\x1b[0m" in screen


@pytest.mark.parametrize(
    "environ",
    [{"NO_COLOR": "1"}, {"FORCE_COLOR": "0"}, {"TERM": "dumb"}],
    ids=["NO_COLOR", "FORCE_0", "dumb"],
)
def test_colour_off_in_the_environment_means_no_escape_codes_anywhere(
    environ: dict[str, str], tmp_path: Path
) -> None:
    for args in (["relu", "-1", "2"], ["relu", "-f", str(tmp_path / "missing.csv")], ["relu", "--help"]):
        _, screen = on_terminal(args, env=environ)
        assert "\x1b" not in screen, (environ, args)


def test_colour_is_decided_for_stdout_and_stderr_separately(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("x\n-1\nfoo\n")
    command = f"'{RELU_CLI}' relu -f '{bad}' --on-error skip --format table"
    # stdout on the terminal, stderr into a file
    _, screen = on_terminal(["-c", f"{command} 2>'{tmp_path}/err'"], program="bash")
    assert ESCAPE in screen
    assert (tmp_path / "err").read_text() == "relu-cli: warning: skipped 1 bad record(s); first: " + (
        f"{bad}:3:1: 'foo' is not a number\n"
    )
    # stdout into a file, stderr on the terminal
    _, screen = on_terminal(["-c", f"{command} >'{tmp_path}/out'"], program="bash")
    assert "\x1b[1;33mwarning:" in screen
    assert ESCAPE not in (tmp_path / "out").read_text()
    assert "relu(x)" in (tmp_path / "out").read_text()


def test_color_always_colours_a_table_and_messages_in_pipes(tmp_path: Path) -> None:
    result = shell(f"relu-cli relu -f '{tmp_path}/missing' --color always 2>&1 | cat")
    assert result.stdout.startswith("relu-cli: \x1b[1;31merror:\x1b[0m ")
    result = shell("relu-cli relu -1 2 --format table --color always | cat")
    assert ESCAPE in result.stdout
    assert "relu(x)" in plain(result.stdout)


def test_color_always_colours_a_plot_in_a_pipe() -> None:
    assert ESCAPE not in shell("relu-cli plot relu | cat").stdout
    assert ESCAPE in shell("relu-cli plot relu --color always | cat").stdout


def test_color_always_never_colours_data_formats() -> None:
    result = shell("relu-cli relu -1 2 --format csv --color always | cat")
    assert result.stdout == "input,output\n-1,0.0\n2,2.0\n"


def test_messages_in_a_pipe_start_without_rich_or_numpy() -> None:
    """Start-up stays fast: a usage error or a completion request loads neither Rich nor numpy."""
    for args, env in (
        (["relu", "--bogus"], {}),
        ([], {"_RELU_CLI_COMPLETE": "complete_bash", "COMP_WORDS": "relu-cli relu --mo", "COMP_CWORD": "2"}),
    ):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "relu_cli", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=False,
        )
        imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
        assert not {"rich", "numpy"} & imported, args


# ------------------------------------------------------------------------------------------------- names


def test_names_lists_csv_columns_with_their_numbers(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("id,x,label\n1,-2.5,a\n")
    result = shell("relu-cli relu -n -f data.csv", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "  1: id\n  2: x\n  3: label\n"


def test_names_of_headerless_input_are_positions() -> None:
    result = shell("printf '1 -2 3\\n4 5 6\\n' | relu-cli leaky-relu --names")
    assert result.stdout == "  1: 1\n  2: 2\n  3: 3\n"


def test_names_are_what_columns_accepts(tmp_path: Path) -> None:
    (tmp_path / "data.tsv").write_text("a\tb\n-1\t-2\n")
    names = shell("relu-cli relu -n -f data.tsv", cwd=tmp_path).stdout
    assert names == "  1: a\n  2: b\n"
    result = shell("relu-cli relu -f data.tsv -c 2", cwd=tmp_path)
    assert result.stdout == "a\tb\n-1\t0.0\n"
