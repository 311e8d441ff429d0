"""The command line: options, format resolution, and errors turned into one stderr line and a status.

No arithmetic here: values are read by :mod:`relu_cli.readers`, transformed by :mod:`relu_cli.pipeline`
through :mod:`relu_cli.core`, and written by :mod:`relu_cli.writers`. numpy and Rich are imported only
when a command actually processes data, so ``--help``, ``--version`` and completion start fast.
"""

# No `from __future__ import annotations` here, unlike the other modules: Typer evaluates the annotations
# of every command function on each start, and as strings each one costs a compile and an eval.
import inspect
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from enum import Enum
from typing import IO, TYPE_CHECKING, Annotated, Any, BinaryIO, NamedTuple, TextIO

import typer
from typer import _click as click
from typer._click.core import ParameterSource
from typer._click.exceptions import BadParameter, ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer._coercion import RuntimeParam
from typer._param_types import coerce_cli_choice
from typer.core import TyperCommand, TyperGroup, TyperOption, _TyperParameter
from typer.exceptions import Abort

from .choices import Color, Mode, OnError, OutputFormat, PlotFunction, PlotMode
from .errors import ExitCode, ReluCliError, UsageError

if TYPE_CHECKING:
    from typer.models import CommandInfo

    from .readers import Batch, Layout

PROG = "relu-cli"


# --------------------------------------------------------------------------------------------- streams


class Environment(NamedTuple):  # a named tuple, not a dataclass: a millisecond less at every start
    """The process's streams and what they are connected to, in one place so tests can fake them."""

    stdin: BinaryIO
    stdout: BinaryIO
    stderr: TextIO
    stdin_isatty: bool
    stdout_isatty: bool
    stderr_isatty: bool = False
    color: Color = Color.auto

    @classmethod
    def from_sys(cls, color: Color = Color.auto) -> "Environment":
        import io

        # a process started with stdin closed has sys.stdin None: that is an empty input, not a crash
        stdin = sys.stdin.buffer if sys.stdin is not None else io.BytesIO()
        return cls(
            stdin=stdin,
            stdout=sys.stdout.buffer,
            stderr=sys.stderr,
            stdin_isatty=_isatty(sys.stdin),
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
            color=color,
        )

    @property
    def stdout_color(self) -> bool:
        return use_color(self.color, self.stdout_isatty)

    @property
    def stderr_color(self) -> bool:
        return use_color(self.color, self.stderr_isatty)

    def stdin_has_data(self) -> bool:
        """Whether something was piped or redirected in; never blocks on a pipe with nothing yet."""
        if self.stdin_isatty:
            return False
        try:
            fd = self.stdin.fileno()
        except (OSError, ValueError, AttributeError):
            fd = None
        if fd is not None:
            import select
            import stat

            try:
                mode = os.fstat(fd).st_mode
                if stat.S_ISREG(mode):
                    return os.fstat(fd).st_size > 0
                if stat.S_ISCHR(mode):
                    return False  # /dev/null and other devices
                if not select.select([fd], [], [], 0)[0]:
                    return False
            except (OSError, ValueError):
                return False
        peek = getattr(self.stdin, "peek", None)
        try:
            return bool(peek(1) if peek is not None else self.stdin.read(1))
        except (OSError, ValueError):
            return False


def _isatty(stream: IO[Any] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def use_color(choice: Color, isatty: bool) -> bool:
    """Whether one output stream gets colour; without it, relu-cli writes no escape codes at all.

    ``--color always`` and ``--color never`` decide outright. With ``auto``: ``NO_COLOR`` (any non-empty
    value) turns colour off; ``FORCE_COLOR`` turns it on, except ``FORCE_COLOR=0`` or ``false``, which turn
    it off (as Node's supports-color reads them; Rich would read 0 as on); ``TERM=dumb`` turns it off;
    otherwise a stream gets colour when it is a terminal.
    """
    if choice is not Color.auto:
        return choice is Color.always
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force:
        return force.lower() not in ("0", "false")
    return isatty and os.environ.get("TERM") != "dumb"


def report(stderr: TextIO, message: str, *, kind: str = "error", color: bool = False) -> None:
    """One diagnostic line on stderr: ``relu-cli: error: <where>: <what>``.

    With ``color``, the line goes through a Rich console (imported only then) and its label is coloured.
    """
    if not color:
        stderr.write(f"{PROG}: {kind}: {message}\n")
        stderr.flush()
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stderr, force_terminal=True, color_system="standard", no_color=False)
    label = "bold red" if kind == "error" else "bold yellow"
    console.print(Text.assemble(f"{PROG}: ", (f"{kind}:", label), f" {message}"), soft_wrap=True)


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


def _silence_stdout() -> None:
    """After the reader of our stdout went away: point stdout at devnull so the final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


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
        "0 = all).",
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
    run(Request.of("relu", 0.0, locals()))


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
    run(Request.of("leaky-relu", float(slope), locals()))


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


class Request(NamedTuple):
    """Everything a command was asked to do, as parsed from the command line."""

    function: str
    mode: Mode
    slope: float
    values: list[str]
    files: list[str]
    columns: str | None
    delimiter: str | None
    header: bool | None
    output_format: OutputFormat
    on_error: OnError
    max_rows: int | None
    max_value: float | None = None
    threshold: float = 0.0
    stats: bool = False
    quiet: bool = False
    color: Color = Color.auto
    names: bool = False  # list the input's columns instead of transforming
    jobs: int | None = None  # processes, the main one included; None: one per core

    @classmethod
    def of(cls, function: str, slope: float, params: dict[str, Any]) -> "Request":
        """The request a command's parameters (its ``locals()``) make, with the knobs parsed."""
        return cls(
            function,
            params["mode"],
            slope,
            params["values"] or [],
            params["file"] or [],
            params["columns"],
            params["delimiter"],
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


def _open_inputs(request: Request, env: Environment, stack: ExitStack) -> Iterator[tuple[str, BinaryIO]]:
    for path in request.files:
        if path == "-":
            yield "<stdin>", env.stdin
            continue
        try:
            yield path, stack.enter_context(open(path, "rb"))  # noqa: SIM115 (closed by the stack)
        except FileNotFoundError:
            raise UsageError("no such file", where=path) from None
        except IsADirectoryError:
            raise UsageError("is a directory, not a file", where=path) from None
        except OSError as error:
            raise UsageError(error.strerror or "cannot be read", where=path) from None


def _check_inputs(request: Request, env: Environment) -> None:
    if request.values and request.files:
        raise UsageError(
            f"got VALUES and --file {request.files[0]}; give numbers one way (the file was not read)"
        )
    if request.values and env.stdin_has_data():
        raise UsageError("got VALUES and piped input; give numbers one way (the piped input was not read)")
    if not request.values and not request.files and env.stdin_isatty:
        raise UsageError(
            "no input: give numbers as arguments (relu-cli relu -1 2), pipe them in "
            "(seq -3 3 | relu-cli relu) or use --file PATH"
        )


def _title(request: Request) -> tuple[str, list[str], tuple[str, str]]:
    """Table title, caption notes and value-list headings: ``relu(x)``, ``leaky_relu'(x)`` for a gradient."""
    name = "relu" if request.function == "relu" else "leaky_relu"
    prime = "'" if request.mode is Mode.gradient else ""
    notes = [f"slope {request.slope!r}"] if request.function == "leaky-relu" else []
    if request.max_value is not None:
        notes.append(f"max_value {request.max_value!r}")
    if request.threshold != 0:
        notes.append(f"threshold {request.threshold!r}")
    return f"{name}{prime}(x)", notes, ("x", f"{name}{prime}(x)")


@contextmanager
def reporting(env: Environment) -> Iterator[None]:
    """A command's work: an error becomes one stderr line, coloured as ``--color`` says, and a status."""
    try:
        yield
    except ReluCliError as error:
        report(env.stderr, str(error), color=env.stderr_color)
        raise typer.Exit(error.exit_code) from None


def run(request: Request) -> None:
    """Carry out a request of the relu and leaky-relu commands."""
    env = Environment.from_sys(request.color)
    with reporting(env):
        _run(request, env)


def _run(request: Request, env: Environment) -> None:
    """Read, transform and write; errors become :class:`ReluCliError` with their place."""
    _check_inputs(request, env)
    delimiter = _parse_delimiter(request.delimiter)

    # numpy's OpenBLAS starts a thread per core when imported: about 50 ms of start-up on two cores, for
    # linear algebra relu-cli never does
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from . import core, json_input, pipeline, readers, sniff, writers
    from .progress import ReadProgress
    from .stats import Stats
    from .workers import Workers, default_count

    _check_knobs(request.max_value, request.threshold)
    function = core.activation(
        request.function,  # type: ignore[arg-type]
        request.mode.value,
        request.slope,
        max_value=request.max_value,
        threshold=request.threshold,
    )
    fmt = request.output_format
    if fmt is OutputFormat.auto:
        fmt = OutputFormat.table if env.stdout_isatty else OutputFormat.text
    tally = pipeline.Tally()
    summary = Stats(request.function, threshold=request.threshold, max_value=request.max_value)
    # a bar only where nothing else is being drawn meanwhile: data streaming to the same terminal is
    # progress enough, and a table is drawn after the bar is gone
    show_progress = env.stderr_isatty and not request.quiet and not request.values
    show_progress &= not env.stdout_isatty or fmt is OutputFormat.table
    progress: ReadProgress | None = None
    writer: writers.Writer | None = None
    processor: pipeline.Processor | None = None
    workers: Workers | None = None
    first_layout: Layout | None = None

    def sources(stack: ExitStack) -> "Iterator[tuple[Layout, Iterator[Batch], Callable[[], bool]]]":
        """Each input's layout, its batches, and whether more of it can be read without waiting."""
        if request.values:
            layout, batch = readers.read_values(request.values)
            yield layout, iter([batch]), lambda: True
            return
        inputs = _open_inputs(request, env, stack) if request.files else iter([("<stdin>", env.stdin)])
        for source, opened in inputs:
            if progress is not None:
                opened = progress.track(source, opened)  # the bytes read, compressed or not
            stream, is_json = sniff.open_input(opened, source)
            reader: readers.TextReader | json_input.JsonReader
            if is_json and delimiter is None and request.header is None:  # else: text, as the options say
                reader = json_input.JsonReader(stream, source)
            else:
                explicit = delimiter if delimiter != "whitespace" else readers.WHITESPACE
                by_name = readers.delimiter_for_path(source)
                reader = readers.TextReader(
                    stream,
                    source,
                    delimiter=explicit if delimiter is not None else by_name,
                    detect_delimiter=delimiter is None and by_name is None,
                    header=request.header,
                    cut_long_records=request.columns is None,
                )
            batches = reader.batches()
            first = next(batches, None)
            if first is None or reader.layout is None:
                continue
            ready = reader.ready if isinstance(reader, readers.TextReader) else lambda: False
            yield reader.layout, _chain(first, batches), ready

    def make_writer(layout: "Layout") -> "writers.Writer":
        title, notes, headings = _title(request)
        style = None
        if fmt is OutputFormat.table:
            size = shutil.get_terminal_size()
            rows = request.max_rows if request.max_rows is not None else max(10, size.lines - 8)
            style = writers.TableStyle(title, notes, env.stdout_color, size.columns, rows)
        if fmt is OutputFormat.text and layout.json_shape:
            return json_input.JsonTextWriter(env.stdout, layout)
        return writers.make_writer(fmt, env.stdout, layout, table_style=style, headings=headings)

    try:
        with ExitStack() as stack:
            if show_progress:
                progress = stack.enter_context(ReadProgress(env.stderr, color=env.stderr_color))
            for layout, batches, ready in sources(stack):
                if first_layout is None:
                    if request.names:
                        _list_names(env, layout)
                        return
                    first_layout = layout
                    columns = None
                    if request.columns is not None:
                        columns = readers.parse_columns(request.columns, layout.names)
                    processor = pipeline.Processor(
                        layout,
                        function,
                        columns=columns,
                        on_error=request.on_error,
                        tally=tally,
                    )
                    # the bulk work of large inputs in worker processes; not with --stats, which needs
                    # the numbers read and computed, not just the text
                    count = default_count() if request.jobs is None else request.jobs - 1
                    count = 0 if request.stats or fmt is OutputFormat.table else count
                    writer = make_writer(layout)
                    workers = stack.enter_context(Workers(processor.work(writer.render), count))
                    writer.start()
                else:
                    readers.check_same_layout(first_layout, layout)
                assert processor is not None and writer is not None and workers is not None
                for processed in processor.run(batches, workers, ready=ready):
                    writer.write(processed)
                    if request.stats:
                        summary.add(processed)
            if writer is None:  # no records at all
                writer = make_writer(
                    readers.Layout("<empty>", readers.WHITESPACE, None, ["1"], value_list=True)
                )
                writer.start()
            if progress is not None:
                progress.close()
            writer.finish()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(ExitCode.BROKEN_PIPE) from None
    if request.stats:
        names = first_layout.names if first_layout is not None else []
        named = first_layout is not None and first_layout.header is not None
        for block in summary.blocks(names, named=named):
            report(env.stderr, block, kind="stats")
    _report_tally(env, tally)


def _check_knobs(max_value: float | None, threshold: float) -> None:
    """A cap at or below 0 or the threshold is a usage error (exit 2), before any input is read."""
    from .core import check_knobs

    try:
        check_knobs(max_value, threshold)
    except ValueError as error:
        raise UsageError(str(error), where="--max-value") from None


def _chain(first: "Batch", rest: Iterator["Batch"]) -> Iterator["Batch"]:
    yield first
    yield from rest


def _list_names(env: Environment, layout: "Layout") -> None:
    """``--names``: each column's 1-based number and name, as ``csvcut -n`` prints them."""
    env.stdout.write("".join(f"{i:3}: {name}\n" for i, name in enumerate(layout.names, 1)).encode())
    env.stdout.flush()


def _report_tally(env: Environment, tally: Any) -> None:
    if tally.skipped:
        report(
            env.stderr,
            f"skipped {tally.skipped} bad record(s); first: {tally.first_skipped}",
            kind="warning",
            color=env.stderr_color,
        )
    if tally.replaced:
        report(
            env.stderr,
            f"replaced {tally.replaced} bad value(s) with nan; first: {tally.first_replaced}",
            kind="warning",
            color=env.stderr_color,
        )


def main() -> None:
    """The ``relu-cli`` console script."""
    if sys.argv[1:] in (["--version"], ["-V"]):  # the one answer that needs no command tree built
        sys.exit(_run_main(_print_version))
    ReluGroup.build_lazily(app)(prog_name=PROG)
