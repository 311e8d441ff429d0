"""Terminal plots of ReLU, leaky ReLU and their gradients, for ``relu-cli plot``.

Curves are drawn with braille characters, each a 2-by-4 grid of dots, so an 80-column terminal gives 150
or so dots across. Axes carry numbers; the kink (at 0, or at the threshold) and the cap are marked with
dotted vertical lines, and the legend says what the gradient is exactly there. Jumps are not joined by
lines: a gradient is drawn as the step function it is.

This module computes through :mod:`relu_cli.core` and makes Rich ``Text`` lines (:func:`figure`);
:func:`run`, what the command does, sends them to stdout, with or without colour, or to an SVG file.
"""

from __future__ import annotations

import io
import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from rich.console import Console
from rich.text import Text

from .core import FloatArray, FunctionName, ModeName, activation
from .errors import UsageError

if TYPE_CHECKING:
    from .app import Environment

#: Widest plot drawn, in columns, however wide the terminal: wider is not easier to read.
MAX_WIDTH = 100
MIN_WIDTH = 40
#: Rows of dots per panel: (forward, gradient) when both are drawn, else one panel of the first size.
BOTH_HEIGHTS = (10, 5)
SINGLE_HEIGHT = {"forward": 16, "gradient": 8}
STYLES = {"forward": "cyan", "gradient": "magenta", "marker": "yellow", "axis": "dim"}
_BRAILLE = 0x2800
_DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))  # [dot column][dot row] in a cell
_MARKER = "┊"


@dataclass(frozen=True)
class Curve:
    """One function to draw: its title, its values, and how steep its pieces get."""

    title: str
    values: Callable[[FloatArray], FloatArray]
    steepest: float  # largest |slope| of a linear piece; a larger step between samples is a jump
    style: str


@dataclass(frozen=True)
class Marker:
    """A dotted vertical line at ``x``, explained by ``label`` in the legend."""

    x: float
    label: str


def _g(value: float) -> str:
    """A parameter as text: ``0.001``, ``6``, ``-1.5``."""
    return f"{value:g}"


def formula(
    function: str, mode: str, slope: float, max_value: float | None = None, threshold: float = 0.0
) -> str:
    """The function as a line of text, as the plot's title shows it.

    >>> formula("relu", "forward", 0.0)
    'relu(x) = max(0, x)'
    >>> formula("leaky-relu", "forward", 0.01, max_value=6.0, threshold=1.0)
    'leaky_relu(x) = min(x, 6) if x > 1 else 0.01·(x - 1)'
    >>> formula("relu", "gradient", 0.0, max_value=6.0)
    "relu'(x) = 1 if 0 < x < 6 else 0"
    """
    name = "relu" if function == "relu" else "leaky_relu"
    low = "0" if function == "relu" else _g(slope)
    t = _g(threshold)
    if mode == "gradient":
        if max_value is None:
            return f"{name}'(x) = 1 if x > {t} else {low}"
        m = _g(max_value)
        if function == "relu":
            return f"{name}'(x) = 1 if {t} < x < {m} else 0"
        return f"{name}'(x) = 1 if {t} < x < {m}, 0 if x >= {m}, else {low}"
    if function == "relu" and threshold == 0 and max_value is None:
        return "relu(x) = max(0, x)"
    above = "x" if max_value is None else f"min(x, {_g(max_value)})"
    shift = "x" if threshold == 0 else f"(x - {t})" if threshold > 0 else f"(x + {_g(-threshold)})"
    below = "0" if function == "relu" else f"{low}·{shift}"
    return f"{name}(x) = {above} if x > {t} else {below}"


def nice_ticks(low: float, high: float, count: int) -> list[float]:
    """About ``count`` round numbers from low to high: the step of 1, 2, 2.5 or 5 times a power of ten
    nearest to an even split.

    >>> nice_ticks(-5, 5, 5)
    [-5.0, -2.5, 0.0, 2.5, 5.0]
    >>> nice_ticks(0, 1, 3)
    [0.0, 0.5, 1.0]
    """
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10)), key=lambda s: abs(math.log(s / raw)))
    first = math.ceil(low / step - 1e-9)
    # round: no 0.30000000000000004; + 0.0: no "-0" label
    return [round(i * step, 12) + 0.0 for i in range(first, math.floor(high / step + 1e-9) + 1)]


def panel(
    curve: Curve, low: float, high: float, markers: Sequence[Marker], width: int, height: int
) -> list[Text]:
    """The lines of one plot: title, ``height`` rows of braille with a numbered y axis, and the x axis."""
    # the y range spans the curve and 0; the y labels' width decides how many columns are left for dots
    probe = curve.values(np.linspace(low, high, 2 * width))
    finite = probe[np.isfinite(probe)]
    bottom = min(0.0, float(finite.min())) if finite.size else 0.0
    top = max(0.0, float(finite.max())) if finite.size else 1.0
    if top - bottom < 1e-12:
        top = bottom + 1.0
    y_ticks = nice_ticks(bottom, top, max(3, height // 4 + 1))
    labels = [_g(t) for t in y_ticks]
    gutter = max(map(len, labels)) + 1
    cells = width - gutter - 2  # the axis line and one column for the last x label to hang out
    dots_x, dots_y = 2 * cells, 4 * height

    def dot_row(y: float) -> int:
        return round((top - y) / (top - bottom) * (dots_y - 1))

    def dot_column(x: float) -> int:
        return round((x - low) / (high - low) * (dots_x - 1))

    xs = np.linspace(low, high, dots_x)
    ys = curve.values(xs)
    grid = [[0] * cells for _ in range(height)]

    def put(column: int, row: int) -> None:
        if 0 <= row < dots_y:
            grid[row // 4][column // 2] |= _DOT_BITS[column % 2][row % 4]

    step = (high - low) / (dots_x - 1)
    joinable = curve.steepest * step * (1 + 1e-9) + 1e-12 * (top - bottom)
    previous: int | None = None
    for column, y in enumerate(ys.tolist()):
        if not math.isfinite(y):
            previous = None
            continue
        row = dot_row(y)
        if previous is not None and abs(y - ys[column - 1]) <= joinable:
            for between in range(min(row, previous) + 1, max(row, previous)):
                put(column, between)  # a steep piece: fill the gap to the previous dot
        put(column, row)
        previous = row

    marked = {dot_column(m.x) // 2 for m in markers if low <= m.x <= high}
    tick_rows = {dot_row(t) // 4: label for t, label in zip(y_ticks, labels)}
    lines = [Text(curve.title, style="bold")]
    for r, cells_of_row in enumerate(grid):
        axis = "┤" if r in tick_rows else "│"
        line = Text()
        line.append(f"{tick_rows.get(r, ''):>{gutter - 1}} {axis}", STYLES["axis"])
        for c, bits in enumerate(cells_of_row):
            if bits:
                line.append(chr(_BRAILLE + bits), curve.style)
            elif c in marked:
                line.append(_MARKER, STYLES["marker"])
            else:
                line.append(" ")
        line.rstrip()
        lines.append(line)
    lines.extend(_x_axis(low, high, lambda x: dot_column(x) // 2, cells, gutter))
    return lines


def _x_axis(low: float, high: float, cell_of: Callable[[float], int], cells: int, gutter: int) -> list[Text]:
    """The axis line with a ``┬`` at each tick (in the cell ``cell_of`` puts it, as for the curve and the
    marks) and the numbers centred below them."""
    ticks = nice_ticks(low, high, max(3, cells // 14))
    axis = ["─"] * cells
    numbers = [" "] * (gutter + cells + 2)
    end = -1  # the last column a number was written to
    for t in ticks:
        cell = cell_of(t)
        axis[cell] = "┬"
        label = _g(t)
        start = max(0, min(gutter + 1 + cell - (len(label) - 1) // 2, len(numbers) - len(label)))
        if start > end + 1:
            numbers[start : start + len(label)] = label
            end = start + len(label) - 1
    line = Text()
    line.append(" " * (gutter - 1) + " └" + "".join(axis), STYLES["axis"])
    return [line, Text("".join(numbers).rstrip())]


def figure(
    function: FunctionName,
    mode: ModeName | Literal["both"],
    *,
    slope: float,
    max_value: float | None = None,
    threshold: float = 0.0,
    low: float = -5.0,
    high: float = 5.0,
    width: int = 80,
) -> list[Text]:
    """Every line of ``relu-cli plot``: the forward and/or gradient panels, then a legend line for
    each mark.

    ``mode`` is ``"forward"``, ``"gradient"`` or ``"both"``; ``width`` is clamped to 40 to 100 columns.
    """
    width = max(MIN_WIDTH, min(width, MAX_WIDTH))
    modes: list[ModeName] = ["forward", "gradient"] if mode == "both" else [mode]
    heights = dict(zip(modes, BOTH_HEIGHTS)) if mode == "both" else SINGLE_HEIGHT
    gradient = activation(function, "gradient", slope, max_value=max_value, threshold=threshold)
    markers = [Marker(threshold, "kink" if threshold == 0 else "threshold")]
    if max_value is not None:
        markers.append(Marker(max_value, "cap"))
    lines: list[Text] = []
    for m in modes:
        steepest = max(1.0, abs(slope)) if m == "forward" else 0.0
        curve = Curve(
            formula(function, m, slope, max_value, threshold),
            activation(function, m, slope, max_value=max_value, threshold=threshold),
            steepest,
            STYLES[m],
        )
        if lines:
            lines.append(Text())
        lines.extend(panel(curve, low, high, markers, width, heights[m]))
    for marker in markers:
        if low <= marker.x <= high:
            legend = Text()
            legend.append(f"{_MARKER} ", STYLES["marker"])
            legend.append(
                f"{marker.label} at x = {_g(marker.x)}: gradient there is {_g(float(gradient(marker.x)))}"
            )
            lines.append(legend)
    return lines


def _console(file: io.StringIO, lines: Sequence[Text], color: bool, *, record: bool = False) -> Console:
    return Console(
        file=file,
        width=max(line.cell_len for line in lines),
        force_terminal=color,
        color_system="truecolor" if record else "standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        record=record,
    )


def render(lines: Sequence[Text], *, color: bool) -> str:
    """The lines as terminal text: ANSI colours when ``color``, else plain characters only."""
    buffer = io.StringIO()
    console = _console(buffer, lines, color)
    for line in lines:
        console.print(line)
    return buffer.getvalue()


def svg(lines: Sequence[Text], title: str) -> str:
    """An SVG picture of a terminal showing ``lines`` in colour (Rich's console export)."""
    console = _console(io.StringIO(), lines, True, record=True)
    for line in lines:
        console.print(line)
    return console.export_svg(title=title)


def run(
    function: FunctionName,
    mode: ModeName | Literal["both"],
    env: Environment,
    *,
    slope: float,
    max_value: float | None = None,
    threshold: float = 0.0,
    low: float = -5.0,
    high: float = 5.0,
    output: str | None = None,
) -> None:
    """``relu-cli plot``: the figure on ``env``'s stdout, coloured as its ``--color`` says there, or in
    colour as an SVG picture in the file ``output``. A file that cannot be written is a usage error."""
    # as wide as the terminal (within 40 to 100 columns); 80 for a pipe, a file or a picture, so those are
    # the same on every machine
    on_terminal = env.stdout_isatty and output is None
    lines = figure(
        function,
        mode,
        slope=slope,
        max_value=max_value,
        threshold=threshold,
        low=low,
        high=high,
        width=shutil.get_terminal_size().columns if on_terminal else 80,
    )
    if output is None:
        env.stdout.write(render(lines, color=env.stdout_color).encode("utf-8"))
        env.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as svg_file:
            svg_file.write(svg(lines, title=f"relu-cli plot {function}"))
    except OSError as error:
        raise UsageError(error.strerror or "cannot be written", where=output) from None
