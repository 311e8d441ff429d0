"""NumPy output: ``--format npy`` writes one float64 array as ``np.save`` does, ``--format npz`` an archive
of them as ``np.savez`` does. Both are binary, so the command refuses them on a terminal.

An array's results are written as they come when its shape is known, that is when the input is an array
too. From text the shape is known only at the end (a value list is 1-D, rows by transformed columns
otherwise), so the numbers wait in a temporary file meanwhile: memory stays flat either way.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from typing import IO, TYPE_CHECKING, BinaryIO

import numpy as np
from numpy.typing import NDArray

from ..chunks import Layout
from ..errors import InputError
from ..transform import stacked
from . import Writer

if TYPE_CHECKING:
    from ..input.npy import ArrayInput
    from ..transform import Processed

_FLOAT64 = np.dtype(np.float64)
_COPY = 1 << 20  # bytes at a time, copying a spooled array


def npy_header(
    shape: tuple[int, ...], dtype: np.dtype[np.generic] = _FLOAT64, *, fortran: bool = False
) -> bytes:
    """The header of a ``.npy`` file holding an array of this shape and dtype, as ``np.save`` writes it."""
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": fortran, "shape": shape}
    buffer = io.BytesIO()
    try:
        np.lib.format.write_array_header_1_0(buffer, header)
    except ValueError:  # a header too long for version 1.0's two-byte length
        buffer = io.BytesIO()
        np.lib.format.write_array_header_2_0(buffer, header)
    return buffer.getvalue()


def results(batch: Processed) -> NDArray[np.float64]:
    """The results of a processed chunk, record after record, each record's transformed columns in order
    (a value list's every value of a transformed column); NaN for a missing cell."""
    assert batch.columns is not None
    order, _, computed = stacked(batch.columns.results)
    if len(order) != 1:
        return computed.T.reshape(-1)
    passed = batch.columns.results[order[0]].passed  # a value list's values of a column of text
    return np.delete(computed[0], passed) if passed.size else computed[0]


class NpyWriter(Writer):
    """One ``.npy`` array of float64 results.

    With ``shape`` (an array's, read from an array input), the header is written first and each chunk's
    results as they come; with ``fortran``, in the order they were read, which is the array's own. Without
    it (text input), the results are spooled and the shape is the records read by the transformed
    columns, or just the records of a value list."""

    def __init__(
        self, out: BinaryIO, layout: Layout, shape: tuple[int, ...] | None = None, *, fortran: bool = False
    ) -> None:
        super().__init__(out, layout)
        self.shape = shape
        self.fortran = fortran
        self.spool: IO[bytes] | None = None
        self.count = 0  # values spooled
        self.chosen: list[int] | None = None  # the transformed columns of text input

    def start(self) -> None:
        if self.shape is not None:
            self.write_bytes(npy_header(self.shape, fortran=self.fortran))

    def render(self, batch: Processed) -> bytes:
        return results(batch).astype("<f8", copy=False).tobytes()

    def write(self, batch: Processed) -> None:
        if self.shape is not None:  # as they come, without a copy
            self.write_bytes(batch.rendered or results(batch).astype("<f8", copy=False).data.cast("B"))
            return
        data = batch.rendered if batch.rendered is not None else self.render(batch)
        if not data:
            return
        chosen = sorted(batch.transformed)
        if self.chosen is None:
            self.chosen = chosen
        elif chosen != self.chosen and not self.layout.value_list:  # a value list is 1-D whatever its lines
            raise InputError(
                f"{len(chosen)} columns transformed here but {len(self.chosen)} before; --format npy needs "
                "the same columns in every record (choose them with -c)",
                source=batch.source,
            )
        if self.spool is None:
            self.spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish)
        self.spool.write(data)
        self.count += len(data) // _FLOAT64.itemsize

    def spooled_shape(self) -> tuple[int, ...]:
        """The shape of the results of text input, once all are read."""
        if self.layout.value_list or not self.chosen:
            return (self.count,)
        return (self.count // len(self.chosen), len(self.chosen))

    def finish(self) -> None:
        if self.shape is not None:
            return
        self.write_bytes(npy_header(self.spooled_shape()))
        if self.spool is not None:
            self.spool.seek(0)
            while data := self.spool.read(_COPY):
                self.write_bytes(data)
            self.spool.close()


class NpzWriter(Writer):
    """An ``.npz`` archive of float64 results, one member an array, written as ``np.savez`` writes one
    (stored, not compressed), to a pipe as well as to a file.

    Array input is written array after array (:meth:`begin`, :meth:`write`, :meth:`end`); an array left
    untransformed is copied as it was (:meth:`copy`). Text input gives one array per transformed column,
    named by the column (a value list's is ``arr_0``)."""

    def __init__(self, out: BinaryIO, layout: Layout, *, arrays: bool = False) -> None:
        super().__init__(out, layout)
        self.arrays = arrays  # whether the input is arrays, each given by begin() and end()
        self.archive = zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True)
        self.member: IO[bytes] | None = None
        self.spooled = NpyWriter(out, layout)  # text input: the results, before they are split by column

    def begin(
        self,
        name: str,
        shape: tuple[int, ...],
        dtype: np.dtype[np.generic] = _FLOAT64,
        *,
        fortran: bool = False,
    ) -> None:
        """Start the member of an array; its data is what :meth:`write` is given until :meth:`end`."""
        self.member = self.archive.open(f"{name}.npy", "w", force_zip64=True)
        self.member.write(npy_header(shape, dtype, fortran=fortran))

    def end(self) -> None:
        assert self.member is not None
        self.member.close()
        self.member = None

    def copy(self, array: ArrayInput) -> None:
        """An array that is not transformed, written as it was read."""
        self.begin(array.name, array.shape, array.dtype, fortran=array.fortran)
        assert self.member is not None
        left = array.size * array.dtype.itemsize
        while left and (data := array.stream.read(min(_COPY, left))):
            self.member.write(data)
            left -= len(data)
        self.end()

    def render(self, batch: Processed) -> bytes:
        return self.spooled.render(batch)

    def write(self, batch: Processed) -> None:
        if self.member is not None:
            self.member.write(batch.rendered if batch.rendered is not None else self.render(batch))
        else:
            self.spooled.write(batch)

    def finish(self) -> None:
        if not self.arrays:
            self._split(self.spooled)
        self.archive.close()
        self.out.flush()

    def _split(self, spooled: NpyWriter) -> None:
        """The spooled results of text input, a member for each transformed column."""
        chosen = spooled.chosen or ([0] if self.layout.value_list else [])
        names = ["arr_0"] if self.layout.value_list else [self.layout.names[column] for column in chosen]
        rows = spooled.count // max(1, len(chosen))
        table = None
        if spooled.spool is not None and rows:
            spooled.spool.flush()
            table = np.memmap(spooled.spool, dtype=np.float64, mode="r", shape=(rows, len(chosen)))
        step = max(1, _COPY // (8 * len(chosen))) if chosen else 1
        for column, name in enumerate(names):
            self.begin(name, (rows,))
            assert self.member is not None
            for start in range(0, rows if table is not None else 0, step):
                self.member.write(np.ascontiguousarray(table[start : start + step, column]).tobytes())  # type: ignore[index]
            self.end()
        del table
        if spooled.spool is not None:
            spooled.spool.close()
