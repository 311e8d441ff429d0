"""What an input holds, decided from its first bytes: gzip compression, and JSON or delimited text.

Nothing is consumed on the way: the first bytes are peeked at, so the reader chosen afterwards sees the
whole input (and counts its lines from the first).
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO, cast

from ..errors import InputError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

GZIP_MAGIC = b"\x1f\x8b"
NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"


def is_array_data(head: bytes) -> bool:
    """Whether an input's first bytes are those of a ``.npy`` file or of a zip archive (``.npz``)."""
    return head.startswith(NPY_MAGIC) or head.startswith(ZIP_MAGIC)


class GzipInput(gzip.GzipFile):
    """A gzip-compressed input, read decompressed; damaged data is an :class:`InputError` at its source."""

    def __init__(self, stream: BinaryIO, source: str) -> None:
        super().__init__(fileobj=stream, mode="rb")
        self.source = source

    @contextmanager
    def _located(self) -> Iterator[None]:
        try:
            yield
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(f"not valid gzip data ({error})", source=self.source) from None

    def read(self, size: int | None = -1) -> bytes:
        with self._located():
            return super().read(size)

    def read1(self, size: int = -1) -> bytes:
        with self._located():
            return super().read1(size)

    def peek(self, n: int) -> bytes:
        with self._located():
            return super().peek(n)


def _peekable(stream: BinaryIO) -> io.BufferedReader:
    """``stream`` itself when it can peek (files, stdin), else a buffer around it."""
    if hasattr(stream, "peek"):
        return cast(io.BufferedReader, stream)
    return io.BufferedReader(cast(io.RawIOBase, stream))


class _Replay(io.RawIOBase):
    """Bytes already read from a stream, then the rest of that stream."""

    def __init__(self, head: bytes, rest: io.BufferedReader) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        """The stream's own, so that whether more can be read without waiting is asked of it."""
        return self.rest.fileno()

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.head[: len(view)] if self.head else self.rest.read1(len(view))
        self.head = self.head[len(data) :]
        view[: len(data)] = data
        return len(data)


def _first_visible_byte(stream: io.BufferedReader) -> tuple[io.BufferedReader, bytes]:
    """The first byte of ``stream`` that is not JSON white space or a byte-order mark (``b""`` when there
    is none), and a stream that still yields every byte. Blank bytes beyond what one peek shows (a slow
    producer, or a long run of blank lines) are read and then replayed."""
    skipped = b""
    while True:
        head = stream.peek(1)
        visible = (head if skipped else head.removeprefix(codecs.BOM_UTF8)).lstrip(b" \t\r\n")
        if visible or not head:
            return (io.BufferedReader(_Replay(skipped, stream)) if skipped else stream), visible[:1]
        skipped += stream.read(len(head))


def open_input(stream: BinaryIO, source: str) -> tuple[BinaryIO, bool]:
    """The bytes to read from ``stream``, and whether they are JSON.

    They are decompressed when the name ends in ``.gz`` or the data starts with gzip's magic bytes, so
    ``data.csv.gz`` and ``gzip -c data.csv | relu-cli relu`` just work. They are JSON when their first
    visible character is ``[`` or ``{``, which no number starts with.
    """
    peekable = _peekable(stream)
    if source.lower().endswith(".gz") or peekable.peek(2).startswith(GZIP_MAGIC):
        peekable = cast(io.BufferedReader, GzipInput(cast(BinaryIO, peekable), source))
    peekable, first = _first_visible_byte(peekable)
    return cast(BinaryIO, peekable), first in (b"[", b"{")
