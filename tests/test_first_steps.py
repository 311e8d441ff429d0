"""What a new user meets in their first minutes, through the installed ``relu-cli``: the help, mistyped
commands and options, a minus sign copied from a paper, a plot saved under the wrong name, and errors that
are always one line. (``--stats`` with wide numbers: tests/test_stats.py; the progress bar while typing
on stdin: tests/test_progress.py; the man page: tests/test_manpage.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RELU_CLI = str(Path(sys.executable).parent / "relu-cli")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [RELU_CLI, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


# --------------------------------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", ["relu", "leaky-relu"])
def test_help_shows_values_as_the_usage_line_does_not_as_a_python_type(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "<list[str]>" not in result.stdout
    arguments = result.stdout[result.stdout.index("Arguments:") :].splitlines()[1]
    assert arguments.startswith("  [VALUES]...  Numbers to transform.")


def test_help_still_shows_the_choices_of_plots_function() -> None:
    assert "  FUNCTION <relu|leaky-relu>  The function to draw.  [required]" in run("plot", "--help").stdout


# ------------------------------------------------------------------------------------- one-line errors


@pytest.mark.parametrize(
    "args",
    [
        ["plot"],
        ["plot", "sigmoid"],
        ["plot", "relu", "--range", "1"],
        ["plot", "relu", "--range", "2", "1"],
        ["relu", "--mode"],
        ["relu", "--mode", "sideways", "1"],
        ["relu", "--format", "xml", "1"],
        ["leaky-relu", "--slope", "steep", "1"],
        ["relu", "--max-rows", "-1", "1"],
        ["relu", "-d", "ab", "1"],
        ["relu", "--slope", "0.1", "1"],
        ["rleu", "1"],
        ["relu", "\u22121"],
        ["relu", "--no-such-option"],
        ["--no-such-option"],
    ],
    ids=" ".join,
)
def test_every_error_is_one_line(args: list[str]) -> None:
    result = run(*args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("relu-cli: error: ")
    assert result.stderr.count("\n") == 1 and "\t" not in result.stderr, result.stderr


def test_plot_without_a_function_lists_the_functions_on_its_one_line() -> None:
    assert run("plot").stderr == (
        "relu-cli: error: Missing argument 'FUNCTION'. Choose from: relu, leaky-relu "
        "(see 'relu-cli plot --help')\n"
    )


# ---------------------------------------------------------------------------------- mistyped names


@pytest.mark.parametrize("spelling", [["--slope", "0.1"], ["-s", "0.1"], ["--slope=0.1"]])
def test_slope_given_to_relu_says_it_is_for_leaky_relu(spelling: list[str]) -> None:
    result = run("relu", *spelling, "-1")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "relu-cli: error: --slope is for leaky-relu only (relu has slope 0)\n"


def test_slope_given_to_plot_relu_says_the_same() -> None:
    result = run("plot", "relu", "--slope", "0.1")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "relu-cli: error: --slope is for leaky-relu only (relu has slope 0)\n"


def test_a_mistyped_command_gets_a_did_you_mean() -> None:
    result = run("rleu", "-1", "2")
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr
        == "relu-cli: error: No such command 'rleu'. Did you mean 'relu'? (see 'relu-cli --help')\n"
    )


def test_a_mistyped_option_gets_the_options_it_may_have_meant() -> None:
    result = run("relu", "--fromat", "json", "1")
    assert result.stderr == (
        "relu-cli: error: No such option: --fromat (Possible options: --format) "
        "(see 'relu-cli relu --help')\n"
    )


# -------------------------------------------------------------------------------- a minus sign pasted


@pytest.mark.parametrize(
    ("token", "named", "typed"),
    [
        ("\u22121", "U+2212 MINUS SIGN", "-1"),
        ("\u20132.5", "U+2013 EN DASH", "-2.5"),
        ("1e\u22125", "U+2212 MINUS SIGN", "1e-5"),
        ("\uff0d3", "U+FF0D FULLWIDTH HYPHEN-MINUS", "-3"),
    ],
)
def test_a_pasted_minus_sign_is_named_with_what_to_type(token: str, named: str, typed: str) -> None:
    result = run("relu", "2", token)
    assert (result.returncode, result.stdout) == (2, "")
    dash = next(char for char in token if not char.isascii())
    assert result.stderr == (
        f"relu-cli: error: argument 2: {token!r} is not a number: its {dash!r} is {named}, "
        f"not the ASCII hyphen-minus '-' (type {typed!r})\n"
    )


def test_the_ascii_minus_works_where_the_pasted_one_did_not() -> None:
    assert run("relu", "2", "-1").stdout == "2.0\n0.0\n"


# ------------------------------------------------------------------------------------ plot --output


@pytest.mark.parametrize("name", ["out.png", "out.pdf", "out", "out.svg.png"])
def test_plot_refuses_to_write_svg_into_a_file_named_otherwise(name: str, tmp_path: Path) -> None:
    result = run("plot", "relu", "--output", name, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"relu-cli: error: Invalid value for '--output' / '-o': {name!r} does not end in .svg: "
        "plot writes SVG pictures only (see 'relu-cli plot --help')\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["out.svg", "OUT.SVG"])
def test_plot_writes_an_svg_file(name: str, tmp_path: Path) -> None:
    result = run("plot", "relu", "-o", name, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / name).read_text().startswith("<svg")
