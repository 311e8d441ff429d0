"""The command line: options, format resolution, and errors turned into one stderr line and a status.

No arithmetic here: values are read by :mod:`relu_cli.readers`, transformed by :mod:`relu_cli.pipeline`
through :mod:`relu_cli.core`, and written by :mod:`relu_cli.writers`. numpy and Rich are imported only
when a command actually processes data, so ``--help``, ``--version`` and completion start fast.
"""

# No `from __future__ import annotations` here, unlike the other modules: Typer evaluates the annotations
# of every command function on each start, and as strings each one costs a compile and an eval.
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from enum import Enum
from typing import IO, TYPE_CHECKING, Annotated, Any, BinaryIO, TextIO

import typer
from typer import _click as click
from typer._click.exceptions import BadParameter, ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer._coercion import RuntimeParam
from typer._param_types import coerce_cli_choice
from typer.core import TyperCommand, TyperGroup, TyperOption, _TyperParameter
from typer.exceptions import Abort

from .errors import ExitCode, ReluCliError, UsageError

if TYPE_CHECKING:
    from .readers import Batch, Layout

PROG = "relu-cli"


class Mode(str, Enum):
    forward = "forward"
    gradient = "gradient"


class OutputFormat(str, Enum):
    auto = "auto"
    table = "table"
    text = "text"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    ndjson = "ndjson"


class OnError(str, Enum):
    fail = "fail"
    skip = "skip"
    nan = "nan"


# --------------------------------------------------------------------------------------------- streams


@dataclass
class Environment:
    """The process's streams and what they are connected to, in one place so tests can fake them."""

    stdin: BinaryIO
    stdout: BinaryIO
    stderr: TextIO
    stdin_isatty: bool
    stdout_isatty: bool

    @classmethod
    def from_sys(cls) -> "Environment":
        return cls(
            stdin=sys.stdin.buffer,
            stdout=sys.stdout.buffer,
            stderr=sys.stderr,
            stdin_isatty=_isatty(sys.stdin),
            stdout_isatty=_isatty(sys.stdout),
        )

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


def report(stderr: TextIO, message: str, *, kind: str = "error") -> None:
    """One diagnostic line on stderr: ``relu-cli: error: <where>: <what>``."""
    stderr.write(f"{PROG}: {kind}: {message}\n")
    stderr.flush()


# ------------------------------------------------------------------------------------------ argv split


def _is_number(token: str) -> bool:
    from .readers import parse_number

    return token.strip() == token and parse_number(token) is not None


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


class ValuesFirstCommand(TyperCommand):
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
            elif token.startswith("-") and token != "-" and not _is_number(token):
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
    """The top-level command; turns every failure into one line on stderr and an exit status."""

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
        report(sys.stderr, message)
        return error.exit_code
    except Abort:
        return ExitCode.INTERRUPTED
    except ReluCliError as error:
        report(sys.stderr, str(error))
        return error.exit_code
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.BROKEN_PIPE


def _silence_stdout() -> None:
    """After the reader of our stdout went away: point stdout at devnull so the final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# ---------------------------------------------------------------------------------------------- options


def examples(command: str) -> str:
    """The Examples epilog of ``--help``, led by an example of ``command``.

    Help is plain Click text (``rich_markup_mode=None`` below): drawing it with Rich would import Rich
    and double the start-up time of ``--help``. The ``\\b`` line keeps Click from rewrapping the lines.
    """
    return f"""\b
Examples:
  {f"relu-cli {command} -1 0 2.5":38}# negative numbers need no --
  seq -5 5 | relu-cli relu | sort -n    # a filter in a pipeline
  relu-cli leaky-relu -f data.csv -c x  # one CSV column, the others untouched
  relu-cli relu --mode gradient -1 0 1  # the derivative: 0 0 1 (0 at the kink)
  relu-cli relu -1 2 --format json | jq '.[].output'
  parallel --pipe -k --block 50M relu-cli relu < big.txt > out.txt
                                        # all cores, with GNU parallel
"""


def _version(value: bool) -> None:
    if value:
        from . import installed_version

        sys.stdout.write(f"{PROG} {installed_version()}\n")
        raise typer.Exit()


def _parse_slope(text: str) -> float:
    from .readers import parse_number

    value = parse_number(text)
    if value is None:
        raise typer.BadParameter(f"{text!r} is not a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise typer.BadParameter(f"{text!r} is not a finite number")
    return value


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
        metavar="[VALUES]...",
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
        help="Read numbers from a text/CSV/TSV file ('-' = stdin). Repeatable.",
        show_default=False,
    ),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        "-c",
        metavar="LIST",
        help="Columns to transform: names, 1-based numbers, ranges (x | 2 | 1,3-5 | x,y). "
        "Default: every numeric column; others pass through untouched.",
        show_default=False,
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
SlopeOpt = Annotated[
    str,
    typer.Option(
        "--slope",
        "-s",
        metavar="FLOAT",
        callback=lambda value: _parse_slope(value),
        help="Slope for x <= 0 (PyTorch's default is 0.01; relu-cli keeps the article's 0.001).",
    ),
]

app = typer.Typer(
    name=PROG,
    cls=ReluGroup,
    help="Apply ReLU and leaky ReLU (value or gradient) to numbers from arguments, stdin or CSV/TSV files.",
    epilog=examples("relu"),
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
    """Apply ReLU and leaky ReLU (value or gradient) to numbers from arguments, stdin or CSV/TSV files.

    relu(x) = max(0, x); leaky_relu(x) = x if x > 0 else slope*x. Gradients follow PyTorch: relu'(0) = 0,
    leaky_relu'(0) = slope. NaN in gives NaN out. Exit status: 0 ok, 1 bad data, 2 usage error,
    130 interrupted.
    """


@app.command("relu", cls=ValuesFirstCommand, epilog=examples("relu"))
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
) -> None:
    """relu(x) = max(0, x).  Gradient: 1 if x > 0 else 0 (0 at x = 0, as in PyTorch).

    NaN in gives NaN out; relu never prints -0.0.
    """
    run(
        Request(
            "relu",
            mode,
            0.0,
            values or [],
            file or [],
            columns,
            delimiter,
            header,
            output_format,
            on_error,
            max_rows,
        )
    )


@app.command(
    "leaky-relu",
    cls=ValuesFirstCommand,
    epilog=examples("leaky-relu"),
)
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
) -> None:
    """leaky_relu(x) = x if x > 0 else slope*x  (default slope 0.001).

    Gradient: 1 if x > 0 else slope (slope at x = 0, as in PyTorch). NaN in gives NaN out.
    """
    run(
        Request(
            "leaky-relu",
            mode,
            float(slope),
            values or [],
            file or [],
            columns,
            delimiter,
            header,
            output_format,
            on_error,
            max_rows,
        )
    )


# ------------------------------------------------------------------------------------------------- run


@dataclass
class Request:
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
    return f"{name}{prime}(x)", notes, ("x", f"{name}{prime}(x)")


def run(request: Request) -> None:
    """Read, transform and write; errors become :class:`ReluCliError` with their place."""
    env = Environment.from_sys()
    _check_inputs(request, env)
    delimiter = _parse_delimiter(request.delimiter)

    # numpy's OpenBLAS starts a thread per core when imported: about 50 ms of start-up on two cores, for
    # linear algebra relu-cli never does
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from . import core, pipeline, readers, writers

    function = core.activation(request.function, request.mode.value, request.slope)  # type: ignore[arg-type]
    fmt = writers.OutputFormat(request.output_format.value)
    if fmt is writers.OutputFormat.auto:
        fmt = writers.OutputFormat.table if env.stdout_isatty else writers.OutputFormat.text
    tally = pipeline.Tally()
    writer: writers.Writer | None = None
    processor: pipeline.Processor | None = None
    first_layout: Layout | None = None

    def sources(stack: ExitStack) -> "Iterator[tuple[Layout, Iterator[Batch]]]":
        if request.values:
            layout, batch = readers.read_values(request.values)
            yield layout, iter([batch])
            return
        inputs = _open_inputs(request, env, stack) if request.files else iter([("<stdin>", env.stdin)])
        for source, stream in inputs:
            explicit = delimiter if delimiter != "whitespace" else readers.WHITESPACE
            reader = readers.TextReader(
                stream,
                source,
                delimiter=explicit if delimiter is not None else readers.delimiter_for_path(source),
                detect_delimiter=delimiter is None and readers.delimiter_for_path(source) is None,
                header=request.header,
            )
            batches = reader.batches()
            first = next(batches, None)
            if first is None or reader.layout is None:
                continue
            yield reader.layout, _chain(first, batches)

    def make_writer(layout: "Layout") -> "writers.Writer":
        title, notes, headings = _title(request)
        style = None
        if fmt is writers.OutputFormat.table:
            size = shutil.get_terminal_size()
            rows = request.max_rows if request.max_rows is not None else max(10, size.lines - 8)
            style = writers.TableStyle(title, notes, _use_color(env), size.columns, rows)
        return writers.make_writer(fmt, env.stdout, layout, table_style=style, headings=headings)

    try:
        with ExitStack() as stack:
            for layout, batches in sources(stack):
                if first_layout is None:
                    first_layout = layout
                    columns = None
                    if request.columns is not None:
                        columns = readers.parse_columns(request.columns, layout.names)
                    processor = pipeline.Processor(
                        layout,
                        function,
                        columns=columns,
                        on_error=pipeline.OnError(request.on_error.value),
                        tally=tally,
                    )
                    writer = make_writer(layout)
                    writer.start()
                else:
                    readers.check_same_layout(first_layout, layout)
                assert processor is not None and writer is not None
                for batch in batches:
                    writer.write(processor.process(batch))
            if writer is None:  # no records at all
                writer = make_writer(
                    readers.Layout("<empty>", readers.WHITESPACE, None, ["1"], value_list=True)
                )
                writer.start()
            writer.finish()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(ExitCode.BROKEN_PIPE) from None
    _report_tally(env, tally)


def _chain(first: "Batch", rest: Iterator["Batch"]) -> Iterator["Batch"]:
    yield first
    yield from rest


def _use_color(env: Environment) -> bool:
    return env.stdout_isatty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _report_tally(env: Environment, tally: Any) -> None:
    if tally.skipped:
        report(
            env.stderr, f"skipped {tally.skipped} bad record(s); first: {tally.first_problem}", kind="warning"
        )
    if tally.replaced:
        report(
            env.stderr,
            f"replaced {tally.replaced} bad value(s) with nan; first: {tally.first_problem}",
            kind="warning",
        )


def main() -> None:
    """The ``relu-cli`` console script."""
    app(prog_name=PROG)
