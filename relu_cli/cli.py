"""The command line: Typer declarations, the negative-number argv split, help, and errors turned into one
stderr line and a status.

What a command does once parsed is :mod:`relu_cli.app`'s. numpy and Rich are imported only when a
command actually processes data, so ``--help``, ``--version`` and completion start fast. Only Typer's
public API is used here (with Click's, which Typer's classes inherit); the one shortcut through Typer's
internals, converting option values without pydantic, is :mod:`relu_cli.conversion`'s.
"""

# No `from __future__ import annotations` here, unlike the other modules: Typer evaluates the annotations
# of every command function on each start, and as strings each one costs a compile and an eval.
import functools
import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, ClassVar, NamedTuple, TypeVar

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from .app import PROG, Environment, Request, _check_knobs, _isatty, _silence_stdout, report, use_color
from .choices import Color, Mode, OnError, OutputFormat, PlotFunction, PlotMode
from .errors import ExitCode, ReluCliError, UsageError

# Click's Context, Parameter and HelpFormatter appear below as ``Any``: Typer does not export them, and
# relu-cli imports nothing from inside Typer outside relu_cli.conversion.
Context = Any

# ------------------------------------------------------------------------------------------ argv split


#: A dash before a digit starts a VALUE even when the rest is not a number: ``-1x`` is a bad value to
#: report as such, not the short options ``-1 -x``.
_MEANT_AS_NUMBER = re.compile(r"-\.?[0-9]")

#: Characters that look like '-' but are not, as copying from papers and web pages gives them.
DASHES = "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"


def _is_value(token: str) -> bool:
    from .numbers import parse_number

    return bool(_MEANT_AS_NUMBER.match(token)) or (token.strip() == token and parse_number(token) is not None)


def _check_dashes(values: Sequence[str]) -> None:
    """A VALUE with a dash that is not '-' (U+2212 MINUS SIGN, an en dash...) is not a number: say which
    character it has and what to type instead, where the value would otherwise be only "not a number"."""
    for position, token in enumerate(values, start=1):
        dash = next((char for char in token if char in DASHES), None)
        if dash is not None:
            import unicodedata

            name = unicodedata.name(dash, "a dash")
            typed = "".join("-" if char in DASHES else char for char in token)
            raise UsageError(
                f"{token!r} is not a number: its {dash!r} is U+{ord(dash):04X} {name}, not the ASCII "
                f"hyphen-minus '-' (type {typed!r})",
                where=f"argument {position}",
            )


def help_record(param: Any, ctx: Context) -> tuple[str, str] | None:
    """A parameter's line in ``--help`` (and in the man page): Typer's, except that an argument taking
    any number of values is shown as in the usage line, ``[VALUES]...``, not as ``VALUES <list[str]>``."""
    record: tuple[str, str] | None = param.get_help_record(ctx)
    if record is not None and param.param_type_name == "argument" and param.nargs != 1:
        return " ".join(param.get_usage_pieces(ctx)), record[1]
    return record


class ReluCommand(TyperCommand):
    """A relu-cli command: options converted without pydantic where Typer allows it (see
    :mod:`relu_cli.conversion`), and help records from :func:`help_record`."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        from .conversion import convert_plainly  # here: --version parses nothing

        convert_plainly(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def format_options(self, ctx: Context, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):
            record = help_record(param, ctx)
            if record is not None:
                sections["Arguments" if param.param_type_name == "argument" else "Options"].append(record)
        for title, records in sections.items():
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


class ValuesFirstCommand(ReluCommand):
    """A command whose numeric arguments may be negative: ``relu-cli relu -1 -inf 3`` needs no ``--``.

    Before Click parses, every token that is not an option or an option's value is set aside as a VALUE,
    so Click never sees ``-inf`` and cannot read it as the short options ``-i -n -f``.
    """

    #: Options of other commands, with what to say when they are given to this one.
    elsewhere: ClassVar[dict[str, str]] = {}

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        takes_value = {
            name
            for param in self.get_params(ctx)
            if param.param_type_name == "option"
            and not getattr(param, "is_flag", False)
            and not getattr(param, "count", False)
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
        try:
            rest = super().parse_args(ctx, options)
        except typer.TyperException as error:  # Click's errors; No such option names the option
            hint = self.elsewhere.get(getattr(error, "option_name", ""))
            if hint is None or ctx.resilient_parsing:
                raise
            raise UsageError(hint) from None
        if not ctx.resilient_parsing:
            _check_dashes(values)
        ctx.params["values"] = values
        return rest


class Declared(NamedTuple):
    """A command as declared with :func:`command`: its Typer app of one command, and its help text."""

    app: typer.Typer
    help: str


#: relu-cli's commands by name, in the order of --help.
COMMANDS: dict[str, Declared] = {}

F = TypeVar("F", bound=Callable[..., None])


def command(name: str, **settings: Any) -> Callable[[F], F]:
    """Declare a command of relu-cli, as ``app.command(name, **settings)`` would, but in a Typer app of its
    own, which :class:`ReluGroup` turns into a Click command (``typer.main.get_command``) only when the
    command is looked up."""
    one = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

    def declare(function: F) -> F:
        COMMANDS[name] = Declared(one, inspect.getdoc(function) or "")
        return one.command(name, **settings)(function)

    return declare


class ReluGroup(TyperGroup):
    """The top-level command; turns every failure into one line on stderr and an exit status.

    Its commands are loaded lazily, as Click's documentation shows: each is built when first looked up,
    so ``relu-cli relu -1 2`` builds one command, ``--help`` none (its list needs only the names and first
    lines of the help texts) and completion of a command's name only those it matches.
    """

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            # an unknown name builds them all, for Typer to suggest the closest (did you mean 'relu'?)
            for name in [cmd_name] if cmd_name in COMMANDS else COMMANDS:
                self.add_command(typer.main.get_command(COMMANDS[name].app), name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Context, formatter: Any) -> None:
        """The Commands section of --help, as Typer lays it out, from the help texts alone."""
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [
            (name, TyperCommand(name, help=declared.help).get_short_help_str(limit))
            for name, declared in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:  # `relu-cli` alone: the help, as a usage error
            sys.stderr.write(ctx.get_help() + "\n")
            raise typer.Exit(ExitCode.USAGE)
        from .conversion import convert_plainly

        convert_plainly(self.get_params(ctx))  # Typer adds the completion options after __init__
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


def _one_line(message: str) -> str:
    """A message on one line: Typer lists choices on lines of their own (``Choose from:\\n\\trelu,``)."""
    return re.sub(r"\s*\n\s*", " ", message.strip())


def _run_main(call: Callable[[], Any]) -> int:
    try:
        result = call()
        return result if isinstance(result, int) else ExitCode.OK
    except typer.TyperException as error:  # Click's errors: usage, a bad option value, a missing argument
        message = _one_line(error.format_message())
        context = getattr(error, "ctx", None)
        if context is not None and error.exit_code == ExitCode.USAGE:
            message += f" (see '{context.command_path} --help')"
        report(sys.stderr, message, color=use_color(Color.auto, _isatty(sys.stderr)))
        return error.exit_code
    except typer.Abort:
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
    "Apply ReLU and leaky ReLU (value or gradient) to numbers from arguments, stdin, CSV/TSV or JSON files, "
    "or NumPy arrays (.npy, .npz)."
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
            f"relu-cli {command} -f acts.npy --stats 2>&1 >/dev/null",
            "dead units of an np.save array",
        ),
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


def _parse_finite(text: str | float) -> float:
    """An option's number (``--slope``, ``--threshold``, ``--max-value``, ``--range``): finite, named in
    the error if not. A default arrives as the number it is."""
    if isinstance(text, (int, float)):
        return float(text)
    from .numbers import parse_number

    value = parse_number(text)
    if value is None:
        raise typer.BadParameter(f"{text!r} is not a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise typer.BadParameter(f"{text!r} is not a finite number")
    return value


def _check_range(bounds: tuple[float, float]) -> tuple[float, float]:
    """``--range LOW HIGH``: LOW below HIGH."""
    low, high = bounds
    if not low < high:
        raise typer.BadParameter(f"LOW must be below HIGH; got {low:g} {high:g}")
    return bounds


def _parse_delimiter(text: str) -> str:
    """``--delimiter``: one character, or a name (``tab``, ``whitespace``...); ``whitespace`` stays a name."""
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


def _null_spellings(text: str) -> frozenset[str]:
    """``--null-values``: the comma-separated spellings of a missing value (blanks around each dropped);
    ``''`` gives none. A number cannot be one: it would be read as a number before it is looked up."""
    from .numbers import parse_number

    spellings = frozenset(item.strip(" \t") for item in text.split(",")) - {""}
    numbers = sorted(item for item in spellings if parse_number(item) is not None)
    if numbers:
        raise typer.BadParameter(f"{numbers[0]!r} is a number, not a spelling of a missing value")
    return spellings


def _parse_null_values(text: str) -> str:
    _null_spellings(text)
    return text


def _svg_name(text: str) -> str:
    """``plot --output``: the name of an SVG file, the one kind of picture plot writes."""
    if not text.lower().endswith(".svg"):
        raise typer.BadParameter(f"{text!r} does not end in .svg: plot writes SVG pictures only")
    return text


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
FilesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--file",
        "-f",
        metavar="PATH",
        help="Read numbers from a text, CSV/TSV or JSON file, gzip-compressed or not, or a NumPy .npy/.npz "
        "file ('-' = stdin). "
        "Repeatable.",
        show_default=False,
    ),
]


def _complete_columns(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """TAB after ``-c``: the columns of the first ``-f`` file named before it, from its first record (see
    :mod:`relu_cli.peek`). Nothing at all, no message, when there is no such file or it cannot be read."""
    try:
        from .peek import column_candidates, first_record_names

        path = next(path for path in ctx.params.get("files") or [] if path != "-")
        given = getattr(ctx.get_parameter_source("delimiter"), "name", None)
        if given == "COMMANDLINE" and ctx.params.get("delimiter") is None:
            return []  # a -d that is not a delimiter: no guessing what was meant
        names = first_record_names(
            os.path.expanduser(path), delimiter=ctx.params.get("delimiter"), header=ctx.params.get("header")
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
        parser=_parse_delimiter,
        help="Field delimiter (',' ';' tab whitespace ...). Default: .csv comma, .tsv tab (unless the "
        "first line has none but another), else detected from the first line: tab, comma, semicolon, runs "
        "of whitespace.",
        show_default=False,
    ),
]
HeaderOpt = Annotated[
    bool | None,
    typer.Option(
        "--header/--no-header",
        help="Whether the first record names the columns. Default: yes when a field of it is text and none "
        "is a number (cat -1 and id,2021 are data).",
        show_default=False,
    ),
]
NullValuesOpt = Annotated[
    str,
    typer.Option(
        "--null-values",
        metavar="LIST",
        parser=_parse_null_values,
        help="Comma-separated spellings of a missing value, besides an empty cell: passed through as "
        "written (null in JSON), counted as missing by --stats, and skipped when a column's first value "
        "decides whether it is numeric. '' for none.",
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        help="auto: a table on a terminal, else text (the input's own layout). JSON output is strict: "
        "NaN and ±inf are written as null. npy and npz: NumPy arrays of float64, to a file or pipe.",
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
    float,
    typer.Option(
        "--slope",
        "-s",
        metavar="FLOAT",
        parser=_parse_finite,
        help="Slope for x <= 0 (PyTorch's default is 0.01; relu-cli keeps the article's 0.001).",
    ),
]
MaxValueOpt = Annotated[
    float | None,
    typer.Option(
        "--max-value",
        metavar="FLOAT",
        parser=_parse_finite,
        help="Cap the output at this value (relu --max-value 6 is ReLU6); gradient 0 from it on. "
        "Must be above 0 and above --threshold.",
        show_default=False,
    ),
]
ThresholdOpt = Annotated[
    float,
    typer.Option(
        "--threshold",
        metavar="FLOAT",
        parser=_parse_finite,
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
        "compute and format, output unchanged (default on Linux: a worker per core, up to 4; 1 = no "
        "workers).",
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="No progress bar (shown on a terminal when reading takes over 1 s, and never while stdin, "
        "read with -f -, is a terminal).",
    ),
]


class TransformOptions(NamedTuple):
    """The parameters relu and leaky-relu share, declared once: :func:`transform_options` adds them to both
    commands, and each command gets them back as one of these, typed."""

    values: ValuesArg = None
    mode: ModeOpt = Mode.forward
    files: FilesOpt = None
    columns: ColumnsOpt = None
    delimiter: DelimiterOpt = None
    header: HeaderOpt = None
    null_values: NullValuesOpt = "NA,N/A,null,NULL,None,-"  # numbers.NULL_VALUES
    output_format: FormatOpt = OutputFormat.auto
    on_error: OnErrorOpt = OnError.fail
    max_rows: MaxRowsOpt = None
    max_value: MaxValueOpt = None
    threshold: ThresholdOpt = 0  # an int, so that --help shows "[default: 0]"; parsed to 0.0
    stats: StatsOpt = False
    jobs: JobsOpt = None
    quiet: QuietOpt = False
    color: ColorOpt = Color.auto
    names: NamesOpt = False

    def request(self, function: str, slope: float = 0.0) -> Request:
        """What the command was asked to do, for :func:`relu_cli.app.run`."""
        return Request(
            function,
            self.mode,
            slope,
            self.values or [],
            self.files or [],
            self.columns,
            self.delimiter,
            self.header,
            self.output_format,
            self.on_error,
            self.max_rows,
            max_value=self.max_value,
            threshold=float(self.threshold),
            stats=self.stats,
            quiet=self.quiet,
            color=self.color,
            names=self.names,
            jobs=self.jobs,
            nulls=_null_spellings(self.null_values),
        )


def transform_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the parameters of :class:`TransformOptions` (sqlite-utils' ``output_options``,
    for Typer, which reads a command's parameters from its signature).

    ``command`` takes a ``TransformOptions`` first, then parameters of its own; on the command line VALUES
    comes first, then the command's own options, then the shared ones.
    """
    own = list(inspect.signature(command).parameters.values())[1:]
    shared = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=TransformOptions._field_defaults[name],
            annotation=TransformOptions.__annotations__[name],
        )
        for name in TransformOptions._fields
    ]

    @functools.wraps(command)
    def with_options(**params: Any) -> None:
        options = TransformOptions(**{name: params.pop(name) for name in TransformOptions._fields})
        command(options, **params)

    parameters = [shared[0], *(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own), *shared[1:]]
    with_options.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    # Typer reads the parameters from the signature; annotations copied from `command` would only make it
    # evaluate theirs a second time (typing.get_type_hints), which --help and completion would wait for
    with_options.__annotations__ = {}
    return with_options


PlotModeOpt = Annotated[
    PlotMode,
    typer.Option("--mode", "-m", help="Draw the function (forward), its derivative (gradient) or both."),
]
RangeOpt = Annotated[
    tuple[float, float],
    typer.Option(
        "--range",
        metavar="LOW HIGH",
        parser=_parse_finite,
        callback=_check_range,
        help="The interval of x to draw; negative numbers need no '--'.",
    ),
]
PlotOutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE.svg",
        parser=_svg_name,
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


class ReluValuesCommand(ValuesFirstCommand):
    """relu's command: --slope, which leaky-relu and plot take, is explained rather than unknown."""

    elsewhere: ClassVar[dict[str, str]] = {
        name: "--slope is for leaky-relu only (relu has slope 0)" for name in ("--slope", "-s")
    }


@command("relu", cls=ReluValuesCommand, epilog=_examples("relu", slope=False))
@transform_options
def relu_command(options: TransformOptions) -> None:
    """relu(x) = max(0, x).  Gradient: 1 if x > 0 else 0 (0 at x = 0, as in PyTorch).

    With --max-value M and --threshold T (Keras's relu): min(x, M) if x > T else 0; the gradient is 1
    only for T < x < M. ReLU6 is --max-value 6. NaN in gives NaN out; relu never prints -0.0.
    """
    run(options.request("relu"))


@command("leaky-relu", cls=ValuesFirstCommand, epilog=_examples("leaky-relu", slope=True))
@transform_options
def leaky_relu_command(options: TransformOptions, slope: SlopeOpt = 0.001) -> None:
    """leaky_relu(x) = x if x > 0 else slope*x  (default slope 0.001).

    Gradient: 1 if x > 0 else slope (slope at x = 0, as in PyTorch). NaN in gives NaN out.
    With --max-value M and --threshold T: min(x, M) if x > T else slope*(x - T).
    """
    run(options.request("leaky-relu", slope))


@command("plot", cls=ReluCommand, epilog=PLOT_EXAMPLES)
def plot_command(
    ctx: typer.Context,
    function: Annotated[
        PlotFunction, typer.Argument(metavar="FUNCTION", help="The function to draw.", show_default=False)
    ],
    slope: SlopeOpt = 0.001,
    max_value: MaxValueOpt = None,
    threshold: ThresholdOpt = 0,
    mode: PlotModeOpt = PlotMode.both,
    x_range: RangeOpt = (-5, 5),
    output: PlotOutputOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Draw FUNCTION and its gradient in the terminal, with numbered axes and the kink (and cap) marked.

    The legend gives the gradient exactly at each marked point. Colour as --color says (by default only
    on a terminal, never with NO_COLOR). --slope is for leaky-relu only.
    """
    env = Environment.from_sys(color)
    with reporting(env):
        given = getattr(ctx.get_parameter_source("slope"), "name", None)  # a ParameterSource
        if function is PlotFunction.relu and given == "COMMANDLINE":
            raise UsageError("--slope is for leaky-relu only (relu has slope 0)")
        _check_knobs(max_value, threshold)
        from . import plot

        plot.run(
            function.value,
            mode.value,
            env,
            slope=slope if function is PlotFunction.leaky_relu else 0.0,
            max_value=max_value,
            threshold=threshold,
            low=x_range[0],
            high=x_range[1],
            output=output,
        )


# ------------------------------------------------------------------------------------------------- run


@contextmanager
def reporting(env: Environment) -> Iterator[None]:
    """A command's work: an error becomes one stderr line, coloured as ``--color`` says, and a status."""
    try:
        yield
    except ReluCliError as error:
        report(env.stderr, str(error), color=env.stderr_color)
        raise typer.Exit(error.exit_code) from None


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
    # the Click command, built by typer.main.get_command and called directly: calling `app()` instead
    # (Typer.__call__, which also installs Typer's exception hook) made every run some 2 ms slower, all
    # of it after the command had finished (measured)
    typer.main.get_command(app)(prog_name=PROG)
