"""A progress bar on stderr for long reads: bytes and percent when an input's size is known (a regular
file, or stdin redirected from one), bytes and throughput otherwise (a pipe).

It costs nothing until it is needed: reads are counted per chunk (one call per chunk read, not per
value), and the bar only appears once reading has taken ``delay`` seconds, so short runs never flash
a bar. The command line decides whether to use it at all (stderr a terminal, no ``--quiet``); an input
that is itself a terminal is never tracked.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

#: Seconds of reading before the bar appears.
DELAY = 1.0


class CountingReader:
    """A binary stream that reports the size of every chunk read through it to ``on_read``."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._stream = stream
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._on_read(len(data))
        return data

    def read1(self, size: int = -1) -> bytes:
        read1 = getattr(self._stream, "read1", self._stream.read)
        data: bytes = read1(size)
        self._on_read(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        count: int = self._stream.readinto(buffer)  # type: ignore[attr-defined]
        self._on_read(count or 0)
        return count

    def __getattr__(self, name: str) -> Any:  # fileno, close, name, ...: those of the stream
        return getattr(self._stream, name)


def _isatty(stream: BinaryIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def known_size(stream: BinaryIO) -> int | None:
    """The bytes left to read when ``stream`` is a regular file; None for pipes, terminals, sockets."""
    try:
        fd = stream.fileno()
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        return max(info.st_size - os.lseek(fd, 0, os.SEEK_CUR), 0)
    except (OSError, ValueError, AttributeError):
        return None


class ReadProgress:
    """Rich progress bars on ``stderr``, one per input, shown after ``delay`` seconds and erased at the end.

    Use as a context manager, wrap each input with :meth:`track`, and :meth:`close` it (or leave the
    ``with`` block) before anything else is drawn on the terminal.
    """

    def __init__(self, stderr: TextIO, *, delay: float = DELAY, color: bool = True) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TransferSpeedColumn,
        )

        self.progress: Progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(bar_width=24),
            TaskProgressColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=Console(file=stderr, color_system="auto" if color else None, no_color=not color),
            transient=True,
            refresh_per_second=5,
        )
        self._lock = threading.Lock()
        self._closed = False
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True
        self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self.progress.start()

    def track(self, source: str, stream: BinaryIO) -> BinaryIO:
        """``stream``, counting what is read from it into a bar labelled with ``source``.

        A terminal (stdin read with ``-f -``, typed in) is not tracked, and ends the bar for good: drawn on
        that terminal, the bar would be redrawn over the line being typed and leave copies of itself.
        """
        if _isatty(stream):
            self.close()
            return stream
        label = source if len(source) <= 24 else "…" + source[-23:]
        task: TaskID = self.progress.add_task(f"reading {label}", total=known_size(stream))
        advance = self.progress.advance
        return CountingReader(stream, lambda count: advance(task, count))  # type: ignore[return-value]

    def close(self) -> None:
        """Cancel the bar if it has not appeared yet, else erase it; safe to call twice."""
        with self._lock:
            self._closed = True
            self._timer.cancel()
            self.progress.stop()

    def __enter__(self) -> ReadProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
