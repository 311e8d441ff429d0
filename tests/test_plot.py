"""``relu-cli plot``: the drawing itself, and the installed command in pipes and on a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_e2e import on_terminal, shell

from relu_cli.plot import figure, render

RELU_GRADIENT = """\
relu'(x) = 1 if x > 0 else 0
  1 ┤                                     ⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉
    │                                     ┊
    │                                     ┊
    │                                     ┊
0.5 ┤                                     ┊
    │                                     ┊
    │                                     ┊
  0 ┤⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀┊
    └┬─────────────────┬──────────────────┬─────────────────┬─────────────────┬
     -2                -1                 0                 1                 2
┊ kink at x = 0: gradient there is 0
"""
COMBINATIONS = [
    ("relu", 0.0, None, 0.0),
    ("leaky-relu", 0.001, None, 0.0),
    ("leaky-relu", 0.2, 6.0, 1.0),
    ("relu", 0.0, 2.5, -1.0),
]


def _braille_rows(text: str) -> list[int]:
    """Indexes of the lines that hold at least one braille dot."""
    return [i for i, line in enumerate(text.splitlines()) if re.search("[\u2801-\u28ff]", line)]


@pytest.mark.parametrize(("function", "slope", "max_value", "threshold"), COMBINATIONS)
@pytest.mark.parametrize("mode", ["forward", "gradient", "both"])
def test_every_plot_fits_80_columns(
    function: str, slope: float, max_value: float | None, threshold: float, mode: str
) -> None:
    text = render(
        figure(function, mode, slope=slope, max_value=max_value, threshold=threshold, width=80), color=False
    )
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "\x1b" not in text


def test_a_gradient_jump_is_not_drawn_as_a_line() -> None:
    text = render(figure("relu", "gradient", slope=0.0), color=False)
    assert _braille_rows(text) == [1, 8]  # the 1 row and the 0 row only: nothing in between


def test_a_steep_piece_is_drawn_without_gaps() -> None:
    """ReLU6 over a wide range rises steeply; every row between 0 and 6 still has dots."""
    text = render(figure("relu", "forward", slope=0.0, max_value=6.0, low=-50, high=50), color=False)
    rows = _braille_rows(text)
    assert rows == list(range(rows[0], rows[-1] + 1))


def test_the_legend_marks_the_threshold_and_the_cap_with_their_gradients() -> None:
    lines = figure("leaky-relu", "both", slope=0.2, max_value=6.0, threshold=1.0, low=-2, high=8)
    assert [line.plain for line in lines[-2:]] == [
        "┊ threshold at x = 1: gradient there is 0.2",
        "┊ cap at x = 6: gradient there is 0",
    ]


def test_marks_outside_the_range_are_left_out() -> None:
    lines = figure("relu", "forward", slope=0.0, low=1, high=3)
    assert "┊" not in render(lines, color=False)


def test_titles_give_the_formula() -> None:
    text = render(figure("leaky-relu", "both", slope=0.5, threshold=-1.0), color=False)
    assert "leaky_relu(x) = x if x > -1 else 0.5·(x + 1)\n" in text
    assert "leaky_relu'(x) = 1 if x > -1 else 0.5\n" in text


def test_piped_plot_prints_exactly_without_colour() -> None:
    result = shell("COLUMNS=120 relu-cli plot relu --mode gradient --range -2 2 | cat")  # a pipe: 80 wide
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == RELU_GRADIENT


def test_plot_on_a_wide_terminal_grows_to_100_columns() -> None:
    status, screen = on_terminal(["plot", "relu"], env={"COLUMNS": "150", "NO_COLOR": "1"})
    assert status == 0
    assert max(len(line) for line in screen.splitlines()) == 99


def test_plot_on_a_terminal_is_coloured_and_not_under_no_color() -> None:
    status, screen = on_terminal(["plot", "relu"])
    assert status == 0 and "\x1b[36m" in screen  # the curve in cyan
    status, screen = on_terminal(["plot", "relu"], env={"NO_COLOR": "1"})
    assert status == 0 and "\x1b" not in screen
    assert "relu(x) = max(0, x)" in screen and "relu'(x) = 1 if x > 0 else 0" in screen


@pytest.mark.parametrize(
    "arguments",
    ["relu --range -10 -2", "--range -3 -1e-3 relu", "leaky-relu --slope -0.5 --threshold -1 --range -4 4"],
)
def test_negative_numbers_are_option_values_in_plot(arguments: str) -> None:
    result = shell(f"relu-cli plot {arguments}")
    assert (result.returncode, result.stderr) == (0, "")
    assert "┤" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("relu --range 5 -5", "Invalid value for '--range': LOW must be below HIGH; got 5 -5"),
        ("relu --range -inf 5", "Invalid value for '--range': '-inf' is not a finite number"),
        ("relu --slope 0.1", "--slope is for leaky-relu only"),
        ("relu --max-value -1", "--max-value: max_value must be above 0"),
        (
            "softmax",
            "Invalid value for 'FUNCTION': 'softmax' is not one of 'relu', 'leaky-relu'",
        ),
    ],
)
def test_bad_plot_arguments_are_usage_errors(arguments: str, message: str) -> None:
    result = shell(f"relu-cli plot {arguments}")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"relu-cli: error: {message}")


def test_output_writes_an_svg_and_nothing_to_stdout(tmp_path: Path) -> None:
    picture = tmp_path / "relu6.svg"
    result = shell(f"relu-cli plot relu --max-value 6 --range -2 8 --output {picture}")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    svg = picture.read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "relu(x)&#160;=&#160;min(x,&#160;6)" in svg


def test_output_to_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = shell(f"relu-cli plot relu -o {tmp_path}/missing/relu.svg")
    assert result.returncode == 2
    assert result.stderr == f"relu-cli: error: {tmp_path}/missing/relu.svg: No such file or directory\n"
