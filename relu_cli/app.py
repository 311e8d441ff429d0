"""What a relu and leaky-relu command does, once the command line is parsed: open → read → transform →
write → report, with the streams of one :class:`Environment`. No command-line framework here: errors are
:class:`~relu_cli.errors.ReluCliError` with their place, and :func:`run` returns the exit status.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import IO, TYPE_CHECKING, Any, BinaryIO, NamedTuple, TextIO

from .choices import Color, Mode, OnError, OutputFormat
from .errors import ExitCode, ReluCliError, UsageError
from .numbers import NULL_VALUES

if TYPE_CHECKING:
    from .chunks import Batch, Layout
    from .input.npy import ArrayInput
    from .stats import Stats
    from .transform import Processed

PROG = "relu-cli"


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
    def from_sys(cls, color: Color = Color.auto) -> Environment:
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


def _silence_stdout() -> None:
    """After the reader of our stdout went away: point stdout at devnull so the final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


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
    nulls: frozenset[str] = frozenset(NULL_VALUES)  # spellings of a missing value besides an empty cell


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


def run(request: Request, env: Environment) -> int:
    """Carry out a request of the relu and leaky-relu commands; an error becomes one line on stderr,
    coloured as ``--color`` says. The exit status."""
    try:
        return _run(request, env)
    except ReluCliError as error:
        report(env.stderr, str(error), color=env.stderr_color)
        return error.exit_code


def _run(request: Request, env: Environment) -> int:
    """Read, transform and write; errors become :class:`ReluCliError` with their place."""
    _check_inputs(request, env)
    delimiter = request.delimiter

    # numpy's OpenBLAS starts a thread per core when imported: about 50 ms of start-up on two cores, for
    # linear algebra relu-cli never does
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from . import chunks, core, output, transform
    from .input import json as json_input
    from .input import sniff
    from .input import text as text_input
    from .parallel import Workers, default_count
    from .progress import ReadProgress
    from .stats import Stats

    try:
        function = core.activation(
            request.function,  # type: ignore[arg-type]
            request.mode.value,
            request.slope,
            max_value=request.max_value,
            threshold=request.threshold,
        )
    except ValueError as error:  # a cap at or below 0 or the threshold: before any input is read
        raise UsageError(str(error), where="--max-value") from None
    fmt = request.output_format
    if fmt is OutputFormat.auto:
        fmt = OutputFormat.table if env.stdout_isatty else OutputFormat.text
    if fmt.binary and env.stdout_isatty:
        raise UsageError(f"--format {fmt.value} writes binary; redirect it to a file")
    tally = transform.Tally()
    summary = Stats(request.function, threshold=request.threshold, max_value=request.max_value)
    # a bar only where nothing else is being drawn meanwhile: data streaming to the same terminal is
    # progress enough, and a table is drawn after the bar is gone
    show_progress = env.stderr_isatty and not request.quiet and not request.values
    show_progress &= not env.stdout_isatty or fmt is OutputFormat.table
    progress: ReadProgress | None = None
    writer: output.Writer | None = None
    processor: transform.Processor | None = None
    workers: Workers | None = None
    first_layout: Layout | None = None
    records = False  # whether any record was read (and so could have been transformed)
    arrays: list[ArrayInput] = []  # the arrays transformed, when the input is NumPy's

    def sources(
        stack: ExitStack,
    ) -> Iterator[tuple[Layout, Iterator[Batch], Callable[[], bool], list[ArrayInput] | None]]:
        """Each input's layout, its batches, whether more of it can be read without waiting, and the
        arrays it holds when it is NumPy's (then it has no batches)."""
        if request.values:
            layout, batch = text_input.read_values(request.values)
            yield layout, iter([batch]), lambda: True, None
            return
        inputs = _open_inputs(request, env, stack) if request.files else iter([("<stdin>", env.stdin)])
        for source, opened in inputs:
            if progress is not None:
                opened = progress.track(source, opened)  # the bytes read, compressed or not
            stream, is_json = sniff.open_input(opened, source)
            if sniff.is_array_data(stream.peek(len(sniff.NPY_MAGIC))):  # type: ignore[attr-defined]
                from .input.npy import open_arrays  # here: text input, the usual case, starts faster

                layout = chunks.Layout(source, chunks.WHITESPACE, None, ["1"], value_list=True)  # of values
                yield layout, iter([]), lambda: True, open_arrays(stream, source, stack)
                continue
            reader: text_input.TextReader | json_input.JsonReader
            if is_json and delimiter is None and request.header is None:  # else: text, as the options say
                reader = json_input.JsonReader(stream, source)
            else:
                explicit = delimiter if delimiter != "whitespace" else chunks.WHITESPACE
                by_name = text_input.delimiter_for_path(source)
                reader = text_input.TextReader(
                    stream,
                    source,
                    delimiter=explicit,
                    detect_delimiter=delimiter is None,
                    named_delimiter=by_name,
                    header=request.header,
                    nulls=request.nulls,
                    cut_long_records=request.columns is None,
                )
            batches = reader.batches()
            first = next(batches, None)
            if first is None or reader.layout is None:
                continue
            ready = reader.ready if isinstance(reader, text_input.TextReader) else lambda: False
            yield reader.layout, _chain(first, batches), ready, None

    def make_writer(layout: Layout, chosen: list[ArrayInput] | None = None) -> output.Writer:
        title, notes, headings = _title(request)
        if chosen:
            title += " · " + ", ".join(
                array.description if len(chosen) == 1 else f"{array.name} {array.description}"
                for array in chosen
            )
        style = None
        if fmt is OutputFormat.table:
            size = shutil.get_terminal_size()
            rows = request.max_rows if request.max_rows is not None else max(10, size.lines - 8)
            from .output.table import TableStyle

            style = TableStyle(title, notes, env.stdout_color, size.columns, rows)
        return output.make_writer(
            fmt, env.stdout, layout, table_style=style, headings=headings, arrays=chosen
        )

    def write_arrays(layout: Layout, found: list[ArrayInput]) -> None:
        """The arrays of one input, those chosen with ``--columns`` transformed, in bulk a chunk at a time;
        an archive's others are copied to ``--format npz`` output as they were."""
        from .input.npy import CHUNK_VALUES
        from .output.npy import NpzWriter

        nonlocal writer, records
        chosen = set(range(len(found)))
        if request.columns is not None:
            chosen = set(transform.parse_columns(request.columns, [array.name for array in found]))
        transformed = [array for index, array in enumerate(found) if index in chosen]
        if fmt is OutputFormat.npy and len(arrays) + len(transformed) > 1:
            where = transformed[-1].source if transformed else None
            raise UsageError(
                "--format npy writes one array; choose one with -c, or use --format npz", where=where
            )
        if writer is None:
            writer = make_writer(layout, transformed)
            writer.start()
        archive = writer if isinstance(writer, NpzWriter) else None
        for index, array in enumerate(found):
            if index not in chosen:
                if archive is not None:
                    archive.copy(array)
                continue
            key = len(arrays)
            arrays.append(array)
            if archive is not None:
                archive.begin(array.name, array.shape, fortran=array.fortran)
            texts = not fmt.binary
            place = 1
            for values, units in array.chunks(c_order=texts, size=CHUNK_VALUES * (1 if texts else 16)):
                processed = transform.process_values(
                    array.source,
                    values,
                    function,
                    key=key,
                    first=place,
                    units=units,
                    outputs=texts,
                    inputs=fmt in (OutputFormat.csv, OutputFormat.tsv, OutputFormat.table),
                )
                place += values.size
                records = True
                writer.write(processed)
                if request.stats:
                    summary.add(processed)
            if archive is not None:
                archive.end()

    try:
        with ExitStack() as stack:
            if show_progress:
                progress = stack.enter_context(ReadProgress(env.stderr, color=env.stderr_color))
            for layout, batches, ready, found in sources(stack):
                if first_layout is not None and (found is not None) != bool(arrays):
                    raise UsageError("got NumPy arrays and text; give one kind of input", where=layout.source)
                if found is not None:
                    if request.names:
                        _list_names(env, layout, found)
                        return ExitCode.OK
                    first_layout = first_layout or layout
                    write_arrays(layout, found)
                    continue
                if first_layout is None:
                    if request.names:
                        _list_names(env, layout)
                        return ExitCode.OK
                    first_layout = layout
                    columns = None
                    if request.columns is not None:
                        columns = transform.parse_columns(request.columns, layout.names)
                    processor = transform.Processor(
                        layout,
                        function,
                        columns=columns,
                        on_error=request.on_error,
                        tally=tally,
                        nulls=request.nulls,
                    )
                    # the bulk work of large inputs in worker processes
                    count = default_count() if request.jobs is None else request.jobs - 1
                    writer = make_writer(layout)
                    summarize = _summarize(summary) if request.stats else None
                    workers = stack.enter_context(Workers(processor.work(writer.render, summarize), count))
                    writer.start()
                else:
                    chunks.check_same_layout(first_layout, layout)
                assert processor is not None and writer is not None and workers is not None
                for processed in processor.run(workers.map(batches, processor.job, ready=ready)):
                    records = records or bool(processed.lines) or bool(processed.rendered)
                    writer.write(processed)
                    if request.stats:
                        summary.add(processed)
            if writer is None:  # no records at all
                writer = make_writer(
                    chunks.Layout("<empty>", chunks.WHITESPACE, None, ["1"], value_list=True)
                )
                writer.start()
            if progress is not None:
                progress.close()
            writer.finish()
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.BROKEN_PIPE
    if request.stats:
        names = first_layout.names if first_layout is not None else []
        named = first_layout is not None and first_layout.header is not None
        if arrays:
            names = [array.name for array in arrays]
            named = len(arrays) > 1
        for block in summary.blocks(names, named=named, kind="array" if arrays else "column"):
            report(env.stderr, block, kind="stats")
    if records and processor is not None and not any(processor.numeric.values()):
        # every column passed through untouched: say so, rather than exit 0 as if all were well
        report(
            env.stderr, "no numeric column found; choose one with -c", kind="warning", color=env.stderr_color
        )
    _report_tally(env, tally)
    return ExitCode.OK


def _summarize(summary: Stats) -> Callable[[Processed], bytes]:
    """What a worker process sends back for ``--stats``: the summary of one block's numbers alone."""

    def block_summary(processed: Processed) -> bytes:
        part = type(summary)(summary.function, threshold=summary.threshold, max_value=summary.max_value)
        part.add(processed)
        return part.dumps()

    return block_summary


def _check_knobs(max_value: float | None, threshold: float) -> None:
    """A cap at or below 0 or the threshold is a usage error (exit 2), before any input is read."""
    from .core import check_knobs

    try:
        check_knobs(max_value, threshold)
    except ValueError as error:
        raise UsageError(str(error), where="--max-value") from None


def _chain(first: Batch, rest: Iterator[Batch]) -> Iterator[Batch]:
    yield first
    yield from rest


def _list_names(env: Environment, layout: Layout, arrays: list[ArrayInput] | None = None) -> None:
    """``--names``: each column's 1-based number and name, as ``csvcut -n`` prints them; an array's name
    with its dtype and shape."""
    from .output import write_all

    if arrays is not None:
        listing = "".join(f"{i:3}: {array.name}  {array.description}\n" for i, array in enumerate(arrays, 1))
    else:
        listing = "".join(f"{i:3}: {name}\n" for i, name in enumerate(layout.names, 1))
    write_all(env.stdout, listing.encode("utf-8", "backslashreplace"))  # a key's lone surrogate as its escape
    env.stdout.flush()


def _report_tally(env: Environment, tally: Any) -> None:
    """What ``--on-error skip`` and ``nan`` did, one warning each, with the first record or value."""
    for count, what, first in (
        (tally.skipped, "skipped {} bad record(s)", tally.first_skipped),
        (tally.replaced, "replaced {} bad value(s) with nan", tally.first_replaced),
    ):
        if count:
            report(
                env.stderr, f"{what.format(count)}; first: {first}", kind="warning", color=env.stderr_color
            )
