"""NumPy arrays as input: a ``.npy`` file, as ``np.save`` writes it, or an ``.npz`` archive of them, as
``np.savez`` and ``np.savez_compressed`` write it. An array is read a chunk at a time, so memory stays
flat however large it is.

Every real dtype is read (floats of any width, signed and unsigned integers, booleans) and converted to
float64, the precision relu-cli computes in. Object arrays are refused and never unpickled; complex,
string and structured arrays are refused too. Values come in C order (the last index varies fastest),
whatever order the array is stored in.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO, cast

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, shortened
from .sniff import NPY_MAGIC, ZIP_MAGIC

#: Values to a chunk: as many as a chunk of text holds, so text output streams as it does for text input
CHUNK_VALUES = 1 << 16
_MAX_HEADER = 1 << 16  # bytes of an array's header, which lists its shape and dtype
_BAND_BYTES = 1 << 22  # a Fortran-order array is put in C order this much at a time


@dataclass(frozen=True)
class Units:
    """Where the values of a chunk sit along its array's last axis, the units (features) of a layer:
    value ``i`` of the chunk is the array's element ``offset + i`` in the order it was read, and belongs to
    unit ``(offset + i) // stride % count``. ``samples`` is how many values each unit has."""

    offset: int
    count: int
    stride: int
    samples: int

    def of(self, indexes: NDArray[np.intp]) -> NDArray[np.intp]:
        """The unit of each of the chunk's values at ``indexes``."""
        return (indexes + self.offset) // self.stride % self.count


@dataclass
class ArrayInput:
    """One array of an input: its name (``arr_0`` for a ``.npy`` file, as ``np.savez`` names an array given
    without one), shape and dtype, and the stream its data is read from."""

    name: str
    source: str  # where, for messages: the file, and the member of an archive
    shape: tuple[int, ...]
    dtype: np.dtype[np.generic]
    fortran: bool  # stored in Fortran order (the first index varies fastest)
    stream: BinaryIO  # at the first byte of the data

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def description(self) -> str:
        """``float32 (64, 128)``: the dtype and shape, as NumPy writes them."""
        return f"{self.dtype.name} {self.shape}"

    def chunks(
        self, *, c_order: bool = True, size: int = CHUNK_VALUES
    ) -> Iterator[tuple[NDArray[np.float64], Units | None]]:
        """The values as float64, ``size`` at a time, each chunk with its :class:`Units` when the array has
        two axes or more. In C order, unless ``c_order`` is false: then the values of a Fortran-order array
        come in the order they are stored (the units say which is which)."""
        if self.fortran and c_order and len(self.shape) > 1:
            yield from self._c_order_of_fortran(size)
            return
        stride = 1 if not self.fortran else math.prod(self.shape[:-1])
        offset = 0
        total = self.size
        while offset < total:
            count = min(size, total - offset)
            values = self._read(count)
            yield values, self._units(offset, stride)
            if values.size < count:  # the values before the end come out first, as lines of text would
                raise self._truncated(offset + values.size)
            offset += count

    def _truncated(self, held: int) -> InputError:
        return InputError(f"truncated: holds {held:,} of {self.size:,} values", source=self.source)

    def _units(self, offset: int, stride: int) -> Units | None:
        if len(self.shape) < 2:
            return None
        count = self.shape[-1]
        return Units(offset, count, stride, self.size // count if count else 0)

    def _read(self, count: int) -> NDArray[np.float64]:
        """The next ``count`` values from the stream, or as many as it still holds."""
        values = np.empty(count, dtype=self.dtype)
        view = values.data.cast("B")
        got = 0
        try:
            while got < len(view):
                read = self.stream.readinto(view[got:])  # type: ignore[attr-defined]
                if not read:
                    break
                got += read
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise InputError(f"damaged archive ({shortened(str(error))})", source=self.source) from None
        return values[: got // self.dtype.itemsize].astype(np.float64, copy=False)

    def _c_order_of_fortran(self, size: int) -> Iterator[tuple[NDArray[np.float64], Units | None]]:
        """A Fortran-order array in C order, a band of rows (first indexes) at a time: each band is read
        as the runs it is stored in, one for every index of the other axes, and transposed. A band holds
        at most :data:`_BAND_BYTES`, so memory stays flat; the input is first copied to a temporary file
        when it cannot be read at any place (a pipe, gzip, an archive's member)."""
        item = self.dtype.itemsize
        first, rest = self.shape[0], math.prod(self.shape[1:])
        with ExitStack() as stack:
            if _is_file(self.stream):
                fd, base = self.stream.fileno(), self.stream.tell()
            else:
                fd, base = _spooled(self.stream, stack).fileno(), 0
            stored = max(0, os.fstat(fd).st_size - base) // item  # values the file holds
            if stored < self.size:
                raise self._truncated(stored)
            rows = max(1, min(first, _BAND_BYTES // max(1, rest * item)))
            for start in range(0, first, rows):
                band = np.empty((rest, min(rows, first - start)), dtype=self.dtype)
                for index in range(rest):  # the run of the band's rows at this index of the other axes
                    os.preadv(fd, [band[index].data.cast("B")], base + (index * first + start) * item)
                # the other axes are stored first index fastest: reversed, they are in C order
                in_c_order = band.reshape(*self.shape[:0:-1], band.shape[1]).transpose().reshape(-1)
                values = np.ascontiguousarray(in_c_order).astype(np.float64, copy=False)
                for at in range(0, values.size, size):
                    yield values[at : at + size], self._units(start * rest + at, 1)


def open_arrays(stream: BinaryIO, source: str, stack: ExitStack) -> list[ArrayInput]:
    """The arrays of an input that starts with NumPy's or zip's magic bytes: the one of a ``.npy`` file, or
    each ``.npy`` member of an ``.npz`` archive in the archive's order, every header read. An archive read
    from a pipe is first copied to a temporary file, as a zip archive is read from its end."""
    if not stream.peek(len(NPY_MAGIC)).startswith(ZIP_MAGIC):  # type: ignore[attr-defined]
        return [_array("arr_0", source, stream)]
    if not _is_file(stream):
        stream = _spooled(stream, stack)
    try:
        archive = stack.enter_context(zipfile.ZipFile(stream))
        members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        raise InputError(f"not a valid .npz archive ({shortened(str(error))})", source=source) from None
    arrays = []
    for member in members:
        where = f"{source}:{member.filename}"
        if not member.filename.endswith(".npy"):
            raise InputError("not a .npy array; an .npz archive holds only those", source=where)
        try:
            opened = stack.enter_context(archive.open(member))
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
            raise InputError(f"cannot be read ({shortened(str(error))})", source=where) from None
        arrays.append(_array(member.filename.removesuffix(".npy"), where, cast(BinaryIO, opened)))
    return arrays


def _spooled(stream: BinaryIO, stack: ExitStack) -> BinaryIO:
    """The rest of ``stream`` in a temporary file (removed when ``stack`` closes), to be read at any place:
    at its start, and flushed for reading by file descriptor too."""
    spooled = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the stack)
    shutil.copyfileobj(stream, spooled, 1 << 20)
    spooled.flush()
    spooled.seek(0)
    return cast(BinaryIO, spooled)


def _is_file(stream: BinaryIO) -> bool:
    """Whether ``stream`` is a file on disk that can be read at any place (not a pipe, not gzip)."""
    raw = getattr(stream, "raw", None)
    try:
        return isinstance(raw, io.FileIO) and stream.seekable()
    except (OSError, ValueError):
        return False


def _array(name: str, source: str, stream: BinaryIO) -> ArrayInput:
    """The header of a ``.npy`` stream read and checked; the stream is left at the data."""
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream, max_header_size=_MAX_HEADER)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream, max_header_size=_MAX_HEADER)
    except (ValueError, SyntaxError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if " object at 0x" in reason:  # Python's parser, on a header that is no dictionary literal
            reason = "its dictionary of shape and dtype does not parse"
        reason = shortened(reason)
        raise InputError(f"not a valid .npy header ({reason})", source=source) from None
    _check_dtype(dtype, source)
    return ArrayInput(name, source, tuple(shape), dtype, bool(fortran), stream)


def _check_dtype(dtype: np.dtype[np.generic], source: str) -> None:
    """Arrays of real numbers only: an object array would need unpickling, which relu-cli never does."""
    if dtype.hasobject:
        raise InputError(
            f"holds Python objects (dtype {dtype}); relu-cli reads arrays of numbers and never unpickles",
            source=source,
        )
    if dtype.names is not None or dtype.subdtype is not None:
        raise InputError(
            f"is a structured array (dtype {dtype}); relu-cli reads arrays of numbers", source=source
        )
    if dtype.kind == "c":
        raise InputError(f"holds complex numbers ({dtype.name}); relu-cli reads real numbers", source=source)
    if dtype.kind not in "biuf":
        raise InputError(f"holds {dtype.name} values, not numbers", source=source)
