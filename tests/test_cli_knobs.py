"""``--max-value`` and ``--threshold`` on the command line, through the installed entry point."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_e2e import on_terminal, shell


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("relu-cli relu --max-value 6 -1 3 7 inf", "0.0\n3.0\n6.0\n6.0\n"),
        ("relu-cli relu -1 3 7 --max-value 6", "0.0\n3.0\n6.0\n"),
        ("relu-cli relu --max-value 6 --mode gradient 0 3 6 7", "0.0\n1.0\n0.0\n0.0\n"),
        ("relu-cli relu --threshold 1 0.5 1 1.5", "0.0\n0.0\n1.5\n"),
        ("relu-cli relu --threshold -1 -2 -0.5", "0.0\n-0.5\n"),
        ("relu-cli leaky-relu --slope 0.5 --threshold 1 -1 1 2", "-1.0\n0.0\n2.0\n"),
        ("relu-cli leaky-relu -s 0.5 --threshold 1 --max-value 6 -m gradient 1 2 6", "0.5\n1.0\n0.0\n"),
        ("printf 'x\\n-1\\n9\\n' | relu-cli relu --max-value 6", "x\n0.0\n6.0\n"),
    ],
)
def test_knobs_on_the_command_line(command: str, expected: str) -> None:
    result = shell(command)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == expected


def test_relu6_is_relu_with_max_value_6_on_the_command_line() -> None:
    assert shell("relu-cli relu --max-value 6 -- -3 2 8").stdout == "0.0\n2.0\n6.0\n"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("--max-value 1 --threshold 2", "--max-value: max_value must be above 0 and above threshold"),
        ("--max-value 0", "--max-value: max_value must be above 0"),
        ("--max-value nan", "Invalid value for '--max-value': 'nan' is not a finite number"),
        ("--threshold inf", "Invalid value for '--threshold': 'inf' is not a finite number"),
        ("--threshold x", "Invalid value for '--threshold': 'x' is not a number"),
    ],
)
def test_bad_knobs_are_usage_errors(options: str, message: str) -> None:
    result = shell(f"relu-cli relu {options} 1")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"relu-cli: error: {message}")
    assert result.stderr.count("\n") == 1


def test_table_caption_names_the_knobs() -> None:
    status, screen = on_terminal(["leaky-relu", "--max-value", "6", "--threshold", "-1", "-3", "8"])
    assert status == 0
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen)
    assert "slope 0.001 · max_value 6.0 · threshold -1.0 · 2 rows" in plain


def test_help_documents_the_knobs() -> None:
    result = shell("COLUMNS=100 relu-cli relu --help")
    for option in ("--max-value", "--threshold", "--stats", "--quiet"):
        assert option in result.stdout


def test_readme_documents_every_option_this_issue_added() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for option in (
        "--max-value",
        "--threshold",
        "--stats",
        "-q/--quiet",
        "relu-cli plot",
        "--range LOW HIGH",
    ):
        assert option in readme, option
    for option in ("--mode forward|gradient|both", "--output FILE.svg", "--slope"):
        assert option in readme, option
