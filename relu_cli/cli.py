"""The command line: options and help, the negative-number argv split, and errors turned into one
stderr line and a status.

What a command does once parsed is :mod:`relu_cli.app`'s. numpy and Rich are imported only when a
command actually processes data, so ``--help``, ``--version`` and completion start fast.
"""

# No `from __future__ import annotations` here, unlike the other modules: Typer evaluates the annotations
# of every command function on each start, and as strings each one costs a compile and an eval.
import inspect
import os
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer import _click as click
from typer._click.core import ParameterSource
from typer._click.exceptions import BadParameter, ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer._coercion import RuntimeParam
from typer._param_types import coerce_cli_choice
from typer.core import TyperCommand, TyperGroup, TyperOption, _TyperParameter
from typer.exceptions import Abort

from .app import PROG, Environment, Request, _check_knobs, _isatty, _silence_stdout, report, use_color
from .choices import Color, Mode, OnError, OutputFormat, PlotFunction, PlotMode
from .errors import ExitCode, ReluCliError, UsageError

if TYPE_CHECKING:
    from typer.models import CommandInfo

# ------------------------------------------------------------------------------------------ argv split


#: A dash before a digit starts a VALUE even when the rest is not a number: ``-1x`` is a bad value to
#: report as such, not the short options ``-1 -x``.
_MEANT_AS_NUMBER = re.compile(r"-\.?[0-9]")


def _is_value(token: str) -> bool:
    from .readers import parse_number

    return bool(_MEANT_AS_NUMBER.match(token)) or (token.strip() == token and parse_number(token) is not None)


class PlainConversion(RuntimeParam):
    """Converts an option's text to its declared type without pydantic.

    Typer 0.29 converts every parameter through a pydantic ``TypeAdapter``, and importing pydantic and
    building the adapters takes longer than everything else relu-cli does for ``relu-cli relu -1 2``.
    relu-cli's parameters are only strings, lists of strings, booleans, enums and one bounded int, so
    they are converted here, with the same checks and Click's messages.
    """

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: click.Context) -> Any:
        kind = self.annotation
        if isinstance(value, (list, tuple)):
            return [str(item) for item in value]
        if isinstance(kind, type) and issubclass(kind, Enum):
            sensitive = self.parameter_info.case_sensitive
            try:
                return coerce_cli_choice(value, choices=list(kind), case_sensitive=sensitive, ctx=ctx)
            except ValueError as error:
                raise BadParameter(str(error), ctx=ctx, param=param) from None
        if kind is int:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise BadParameter(f"{value!r} is not a valid integer.", ctx=ctx, param=param) from None
            low = self.parameter_info.min
            if low is not None and number < low:
                raise BadParameter(f"{number} is not in the range x>={low}.", ctx=ctx, param=param)
            return number
        if kind is bool:
            return bool(value)
        return str(value)


def _convert_plainly(params: Sequence[click.Parameter]) -> None:
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = PlainConversion(descriptor.parameter_info, descriptor.annotation)


class ReluCommand(TyperCommand):
    """A relu-cli command: options converted without pydantic (see :class:`PlainConversion`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _convert_plainly(self.get_params(ctx))
        return super().parse_args(ctx, args)


class ValuesFirstCommand(ReluCommand):
    """A command whose numeric arguments may be negative: ``relu-cli relu -1 -inf 3`` needs no ``--``.

    Before Click parses, every token that is not an option or an option's value is set aside as a VALUE,
    so Click never sees ``-inf`` and cannot read it as the short options ``-i -n -f``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _convert_plainly(self.get_params(ctx))
        takes_value = {
            name
            for param in self.get_params(ctx)
            if isinstance(param, TyperOption) and not param.is_flag and not param.count
            for name in param.opts
        }
        options: list[str] = []
        values: list[str] = []
        tokens = iter(args)
        for token in tokens:
            if token == "--":
                values.extend(tokens)
            elif token.startswith("-") and token != "-" and not _is_value(token):
                options.append(token)
                following = next(tokens, None) if token in takes_value else None
                if following is not None:
                    options.append(following)  # an option's value stays attached: --slope -0.1
            else:
                values.append(token)
        rest = super().parse_args(ctx, options)
        ctx.params["values"] = values
        return rest


class ReluGroup(TyperGroup):
    """The top-level command; turns every failure into one line on stderr and an exit status.

    The console script gives it its commands unbuilt (:meth:`build_lazily`): each is built when first
    looked up, so ``relu-cli --help`` and completion of a command's name, which need only the names and
    first lines of the commands, skip most of the work of turning them into Click commands.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unbuilt: dict[str, CommandInfo] = {}
        self.order: list[str] = []  # every command's name, as declared, once some are unbuilt
        self.listing = False  # while the command list of --help is made

    @classmethod
    def build_lazily(cls, typer_app: typer.Typer) -> "ReluGroup":
        """``typer_app`` as Typer builds it, but with its commands left to be built when looked up."""
        import typer.main

        infos = typer_app.registered_commands
        typer_app.registered_commands = []
        try:
            group = typer.main.get_command(typer_app)
        finally:
            typer_app.registered_commands = infos
        assert isinstance(group, cls)
        group.unbuilt = {info.name or "": info for info in infos}
        group.order = list(group.unbuilt)
        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self.order or super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        info = self.unbuilt.get(cmd_name)
        if info is None:
            return super().get_command(ctx, cmd_name)
        if self.listing:  # what the list needs, made as Typer makes a command's help
            help_text = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
            return TyperCommand(cmd_name, help=help_text, short_help=info.short_help, hidden=info.hidden)
        import typer.main

        command = typer.main.get_command_from_info(  # pretty exceptions are off: the flag does nothing
            info, pretty_exceptions_short=False, rich_markup_mode=self.rich_markup_mode
        )
        self.add_command(command, cmd_name)
        del self.unbuilt[cmd_name]
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.listing = False

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _convert_plainly(self.get_params(ctx))  # Typer adds the completion options after __init__
        return super().parse_args(ctx, args)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        status = _run_main(
            lambda: super(ReluGroup, self).main(
                args, prog_name or PROG, complete_var, standalone_mode=False, **extra
            )
        )
        if standalone_mode:
            sys.exit(status)
        return status


def _run_main(call: Any) -> int:
    try:
        result = call()
        return result if isinstance(result, int) else ExitCode.OK
    except NoArgsIsHelpError as error:
        error.show()
        return error.exit_code
    except ClickException as error:
        message = error.format_message()
        context = getattr(error, "ctx", None)
        if isinstance(error, ClickUsageError) and context is not None:
            message += f" (see '{context.command_path} --help')"
        report(sys.stderr, message, color=use_color(Color.auto, _isatty(sys.stderr)))
        return error.exit_code
    except Abort:
        return ExitCode.INTERRUPTED
    except ReluCliError as error:
        report(sys.stderr, str(error), color=use_color(Color.auto, _isatty(sys.stderr)))
        return error.exit_code
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.BROKEN_PIPE
    except Exception as error:  # a bug: still one line, never a traceback (RELU_CLI_DEBUG=1 shows it)
        if os.environ.get("RELU_CLI_DEBUG"):
            raise
        report(sys.stderr, f"internal error, please report it: {type(error).__name__}: {error}")
        return ExitCode.BAD_DATA


# ---------------------------------------------------------------------------------------------- options

HELP = (
    "Apply ReLU and leaky ReLU (value or gradient) to numbers from arguments, stdin, CSV/TSV or JSON files."
    "\n\n\b\n"
    "relu(x) = max(0, x)\n"
    "leaky_relu(x) = x if x > 0 else slope*x  (slope 0.001 by default)\n"
    "Gradients, at x = 0 as in PyTorch:\n"
    "relu'(x) = 1 if x > 0 else 0\n"
    "leaky_relu'(x) = 1 if x > 0 else slope\n"
    "NaN in gives NaN out.\n\n"
    "Exit status: 0 ok, 1 bad data, 2 usage error, 130 interrupted, 141 stdout closed early."
)


def _examples(command: str, *, slope: bool) -> str:
    """The *Examples* section of a help page: real shell lines for ``command``.

    Help is plain Click text (``rich_markup_mode=None`` below): drawing it with Rich would import Rich and
    double the start-up time of ``--help``. The ``\\b`` line keeps Click from rewrapping the lines.
    """
    examples = [
        (f"relu-cli {command} -1 0 2.5", "numbers as arguments; negatives need no --"),
        (f"seq -3 3 | relu-cli {command}", "numbers on stdin, one result per line"),
        (f"relu-cli {command} -f data.csv -c x,y", "CSV columns x and y; the others pass through"),
        (
            f"relu-cli {command} --mode gradient -1 0 1",
            "the derivative: 0.0 0.0 1.0 (0 at the kink, as in PyTorch)",
        ),
        (f"relu-cli {command} -1 2 --format json | jq '.[].output'", "JSON out, into jq"),
        (f"echo '[-1, 2.5]' | relu-cli {command}", "JSON in, JSON of the same shape out"),
        (f"relu-cli {command} -n -f data.csv.gz", "the columns of a gzip-compressed CSV"),
        (
            f"seq -100000 100000 | parallel --pipe -k --block 1M relu-cli {command} | tail -1",
            "all cores with GNU parallel: the same output as one process",
        ),
    ]
    if slope:
        examples.insert(1, ("relu-cli leaky-relu --slope 0.01 -2 3", "PyTorch's default slope"))
    return "\b\nExamples:\n\n" + "\n\n".join(f"\b\n  # {note}\n  {line}" for line, note in examples) + "\n"


def _version(value: bool) -> None:
    if value:
        _print_version()
        raise typer.Exit()


def _print_version() -> int:
    from . import installed_version

    sys.stdout.write(f"{PROG} {installed_version()}\n")
    sys.stdout.flush()  # here, so that a closed pipe is handled as everywhere else
    return ExitCode.OK


def _parse_finite(text: str) -> float:
    """An option's number (``--slope``, ``--threshold``, ``--range``): finite, named in the error if not."""
    from .readers import parse_number

    value = parse_number(text)
    if value is None:
        raise typer.BadParameter(f"{text!r} is not a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise typer.BadParameter(f"{text!r} is not a finite number")
    return value


def _parse_optional_finite(text: str | None) -> float | None:
    """``--max-value``: a finite number, when given."""
    return None if text is None else _parse_finite(text)


def _knob(value: str | float | None) -> float | None:
    """The float a ``--max-value`` callback produced (Typer types the parameter as the text it parsed)."""
    return None if value is None else float(value)


def _parse_range(texts: tuple[str, str]) -> tuple[float, float]:
    """``--range LOW HIGH``: two finite numbers, LOW below HIGH."""
    low, high = _parse_finite(texts[0]), _parse_finite(texts[1])
    if not low < high:
        raise typer.BadParameter(f"LOW must be below HIGH; got {texts[0]} {texts[1]}")
    return low, high


def _parse_delimiter(text: str | None) -> str | None:
    if text is None:
        return None
    named = {
        "tab": "\t",
        "\\t": "\t",
        "comma": ",",
        "semicolon": ";",
        "space": " ",
        "whitespace": "whitespace",
    }
    delimiter = named.get(text.lower(), text)
    if len(delimiter) != 1 and delimiter != "whitespace":
        raise typer.BadParameter(f"{text!r} is not one character (or tab, whitespace)")
    if delimiter == '"' or delimiter in "\r\n":
        raise typer.BadParameter(f"{text!r} cannot separate fields")
    return delimiter


ValuesArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="VALUES",
        help="Numbers to transform. Negative numbers need no '--'. Without VALUES, reads --file or stdin.",
        show_default=False,
    ),
]
ModeOpt = Annotated[
    Mode, typer.Option("--mode", "-m", help="forward: the function's value; gradient: its derivative.")
]
FileOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--file",
        "-f",
        metavar="PATH",
        help="Read numbers from a text, CSV/TSV or JSON file, gzip-compressed or not ('-' = stdin). "
        "Repeatable.",
        show_default=False,
    ),
]


def _complete_columns(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """TAB after ``-c``: the columns of the first ``-f`` file named before it, from its first record (see
    :mod:`relu_cli.peek`). Nothing at all, no message, when there is no such file or it cannot be read."""
    try:
        from .peek import column_candidates, first_record_names

        path = next(path for path in ctx.params.get("file") or [] if path != "-")
        names = first_record_names(
            os.path.expanduser(path),
            delimiter=_parse_delimiter(ctx.params.get("delimiter")),
            header=ctx.params.get("header"),
        )
        return column_candidates(names, incomplete)
    except Exception:  # completion must stay silent: no message, no traceback
        return []


ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        "-c",
        metavar="LIST",
        help="Columns to transform: names, 1-based numbers, ranges (x | 2 | 1,3-5 | x,y). "
        "Default: every numeric column; others pass through untouched.",
        show_default=False,
        autocompletion=_complete_columns,
    ),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        "-d",
        metavar="CHAR",
        help="Field delimiter (',' ';' tab whitespace ...). Default: .csv comma, .tsv tab, else detected "
        "from the first line: tab, comma, semicolon, runs of whitespace.",
        show_default=False,
    ),
]
HeaderOpt = Annotated[
    bool | None,
    typer.Option(
        "--header/--no-header",
        help="Whether the first record names the columns. Default: yes when a field of it is not a number.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        help="auto: a table on a terminal, else text (the input's own layout). JSON output is strict: "
        "NaN and ±inf are written as null.",
    ),
]
OnErrorOpt = Annotated[
    OnError,
    typer.Option(
        "--on-error",
        help="A value that is not a number: fail (exit 1), skip its record, or nan. Skips and "
        "replacements are counted on stderr.",
    ),
]
MaxRowsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-rows",
        min=0,
        metavar="N",
        help="Table view: show the first and last rows of a long input (default: what fits the terminal; "
        "0 = all: past 1,000 rows the table is drawn as rows come, its columns as wide as the widest cells "
        "read by then, the header drawn again where a later cell widens a column).",
        show_default=False,
    ),
]
ColorOpt = Annotated[
    Color,
    typer.Option(
        "--color",
        is_eager=True,  # so that `--color never --help` applies to the help text too
        help="Colour in the table or plot and in messages on stderr, decided per stream. auto: on a "
        "terminal, unless NO_COLOR is set, FORCE_COLOR=0 or TERM=dumb (FORCE_COLOR=1 forces it). never: no "
        "colour escape codes.",
    ),
]
NamesOpt = Annotated[
    bool,
    typer.Option(
        "--names",
        "-n",
        help="List the input's columns with their 1-based numbers (for --columns), then exit.",
        show_default=False,
    ),
]
SlopeOpt = Annotated[
    str,
    typer.Option(
        "--slope",
        "-s",
        metavar="FLOAT",
        callback=lambda value: _parse_finite(value),
        help="Slope for x <= 0 (PyTorch's default is 0.01; relu-cli keeps the article's 0.001).",
    ),
]

MaxValueOpt = Annotated[
    str | None,
    typer.Option(
        "--max-value",
        metavar="FLOAT",
        callback=lambda value: _parse_optional_finite(value),
        help="Cap the output at this value (relu --max-value 6 is ReLU6); gradient 0 from it on. "
        "Must be above 0 and above --threshold.",
        show_default=False,
    ),
]
ThresholdOpt = Annotated[
    str,
    typer.Option(
        "--threshold",
        metavar="FLOAT",
        callback=lambda value: _parse_finite(value),
        help="Move the kink from 0 to this value: x passes through above it (unshifted, as in Keras); "
        "at or below it relu gives 0 and leaky-relu slope*(x - threshold).",
    ),
]
StatsOpt = Annotated[
    bool,
    typer.Option(
        "--stats",
        help="After the data, print a summary on stderr: count, how many were zeroed (relu) or scaled "
        "(leaky-relu) and capped, NaNs, min/max/mean of inputs and outputs.",
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Processes for a large input: the main one reads and writes while N - 1 workers parse, "
        "compute and format, output unchanged (default on Linux: a worker per core, up to 4; 1 = no workers; "
        "--stats uses none).",
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No progress bar (shown on a terminal when reading takes over 1 s)."),
]

PLOT_EXAMPLES = """\b
Examples:

\b
  # the function and its gradient, -5 to 5
  relu-cli plot relu

\b
  # the gradient of leaky ReLU alone
  relu-cli plot leaky-relu --slope 0.1 --mode gradient

\b
  # ReLU6: the kink at 0 and the cap at 6
  relu-cli plot relu --max-value 6 --range -2 8

\b
  # an SVG picture instead
  relu-cli plot relu --threshold 1 --output relu.svg
"""
PlotModeOpt = Annotated[
    PlotMode,
    typer.Option("--mode", "-m", help="Draw the function (forward), its derivative (gradient) or both."),
]
RangeOpt = Annotated[
    tuple[str, str],
    typer.Option(
        "--range",
        metavar="LOW HIGH",
        callback=lambda value: _parse_range(value),
        help="The interval of x to draw; negative numbers need no '--'.",
    ),
]
PlotOutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE.svg",
        help="Write the plot to an SVG picture (80 columns, in colour) instead of printing it.",
        show_default=False,
    ),
]

app = typer.Typer(
    name=PROG,
    cls=ReluGroup,
    help=HELP,
    epilog=_examples("relu", slope=True),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=True,
)


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """The top level: only --version and --help; the work is done by the commands."""


@app.command("relu", cls=ValuesFirstCommand, epilog=_examples("relu", slope=False))
def relu_command(
    values: ValuesArg = None,
    mode: ModeOpt = Mode.forward,
    file: FileOpt = None,
    columns: ColumnsOpt = None,
    delimiter: DelimiterOpt = None,
    header: HeaderOpt = None,
    output_format: FormatOpt = OutputFormat.auto,
    on_error: OnErrorOpt = OnError.fail,
    max_rows: MaxRowsOpt = None,
    max_value: MaxValueOpt = None,
    threshold: ThresholdOpt = "0",
    stats: StatsOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = Color.auto,
    names: NamesOpt = False,
) -> None:
    """relu(x) = max(0, x).  Gradient: 1 if x > 0 else 0 (0 at x = 0, as in PyTorch).

    With --max-value M and --threshold T (Keras's relu): min(x, M) if x > T else 0; the gradient is 1
    only for T < x < M. ReLU6 is --max-value 6. NaN in gives NaN out; relu never prints -0.0.
    """
    run(_request("relu", 0.0, locals()))


@app.command("leaky-relu", cls=ValuesFirstCommand, epilog=_examples("leaky-relu", slope=True))
def leaky_relu_command(
    values: ValuesArg = None,
    slope: SlopeOpt = "0.001",
    mode: ModeOpt = Mode.forward,
    file: FileOpt = None,
    columns: ColumnsOpt = None,
    delimiter: DelimiterOpt = None,
    header: HeaderOpt = None,
    output_format: FormatOpt = OutputFormat.auto,
    on_error: OnErrorOpt = OnError.fail,
    max_rows: MaxRowsOpt = None,
    max_value: MaxValueOpt = None,
    threshold: ThresholdOpt = "0",
    stats: StatsOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = Color.auto,
    names: NamesOpt = False,
) -> None:
    """leaky_relu(x) = x if x > 0 else slope*x  (default slope 0.001).

    Gradient: 1 if x > 0 else slope (slope at x = 0, as in PyTorch). NaN in gives NaN out.
    With --max-value M and --threshold T: min(x, M) if x > T else slope*(x - T).
    """
    run(_request("leaky-relu", float(slope), locals()))


@app.command("plot", cls=ReluCommand, epilog=PLOT_EXAMPLES)
def plot_command(
    ctx: typer.Context,
    function: Annotated[
        PlotFunction, typer.Argument(metavar="FUNCTION", help="The function to draw.", show_default=False)
    ],
    slope: SlopeOpt = "0.001",
    max_value: MaxValueOpt = None,
    threshold: ThresholdOpt = "0",
    mode: PlotModeOpt = PlotMode.both,
    x_range: RangeOpt = ("-5", "5"),
    output: PlotOutputOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Draw FUNCTION and its gradient in the terminal, with numbered axes and the kink (and cap) marked.

    The legend gives the gradient exactly at each marked point. Colour as --color says (by default only
    on a terminal, never with NO_COLOR). --slope is for leaky-relu only.
    """
    env = Environment.from_sys(color)
    with reporting(env):
        if function is PlotFunction.relu and ctx.get_parameter_source("slope") is ParameterSource.COMMANDLINE:
            raise UsageError("--slope is for leaky-relu only (relu has slope 0)")
        cap, kink = _knob(max_value), float(threshold)
        _check_knobs(cap, kink)
        from . import plot

        # as wide as the terminal (within 40 to 100 columns); 80 for a pipe, a file or a picture, so those
        # are the same on every machine
        on_terminal = env.stdout_isatty and output is None
        low, high = x_range
        lines = plot.figure(
            function.value,
            mode.value,
            slope=float(slope) if function is PlotFunction.leaky_relu else 0.0,
            max_value=cap,
            threshold=kink,
            low=float(low),
            high=float(high),
            width=shutil.get_terminal_size().columns if on_terminal else 80,
        )
        if output is None:
            env.stdout.write(plot.render(lines, color=env.stdout_color).encode("utf-8"))
            env.stdout.flush()
            return
        try:
            with open(output, "w", encoding="utf-8") as svg_file:
                svg_file.write(plot.svg(lines, title=f"relu-cli plot {function.value}"))
        except OSError as error:
            raise UsageError(error.strerror or "cannot be written", where=output) from None


# ------------------------------------------------------------------------------------------------- run


@contextmanager
def reporting(env: Environment) -> Iterator[None]:
    """A command's work: an error becomes one stderr line, coloured as ``--color`` says, and a status."""
    try:
        yield
    except ReluCliError as error:
        report(env.stderr, str(error), color=env.stderr_color)
        raise typer.Exit(error.exit_code) from None


def _request(function: str, slope: float, params: dict[str, Any]) -> Request:
    """The request a command's parameters (its ``locals()``) make, with the knobs parsed."""
    return Request(
        function,
        params["mode"],
        slope,
        params["values"] or [],
        params["file"] or [],
        params["columns"],
        _parse_delimiter(params["delimiter"]),
        params["header"],
        params["output_format"],
        params["on_error"],
        params["max_rows"],
        max_value=_knob(params["max_value"]),
        threshold=float(params["threshold"]),
        stats=params["stats"],
        quiet=params["quiet"],
        color=params["color"],
        names=params["names"],
        jobs=params["jobs"],
    )


def run(request: Request) -> None:
    """Carry out a request of the relu and leaky-relu commands (:func:`relu_cli.app.run`)."""
    from . import app

    status = app.run(request, Environment.from_sys(request.color))
    if status:
        raise typer.Exit(status)


def main() -> None:
    """The ``relu-cli`` console script."""
    if sys.argv[1:] in (["--version"], ["-V"]):  # the one answer that needs no command tree built
        sys.exit(_run_main(_print_version))
    ReluGroup.build_lazily(app)(prog_name=PROG)
