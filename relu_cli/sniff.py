"""What an input holds, decided from its first bytes: gzip compression, and JSON or delimited text.

Nothing is consumed on the way: the first bytes are peeked at, so the reader chosen afterwards sees the
whole input (and counts its lines from the first).
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast

from .errors import InputError

GZIP_MAGIC = b"\x1f\x8b"


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


def open_input(stream: BinaryIO, source: str) -> BinaryIO:
    """The bytes to read from ``stream``: decompressed when its name ends in ``.gz`` or its data starts
    with gzip's magic bytes, so ``data.csv.gz`` and ``gzip -c data.csv | relu-cli relu`` just work."""
    peekable = _peekable(stream)
    if source.lower().endswith(".gz") or peekable.peek(2).startswith(GZIP_MAGIC):
        return cast(BinaryIO, GzipInput(cast(BinaryIO, peekable), source))
    return cast(BinaryIO, peekable)
