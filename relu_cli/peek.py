"""An input file's columns, judged from its first record alone: what completing ``-c/--columns`` offers.

Completion runs on every TAB, so only the head of the file is read (at most :data:`HEAD` bytes, and as
many decompressed for gzip), and numpy is never imported: delimited text goes through
:class:`~relu_cli.input.text.TextReader`, so the names are the ones ``--names`` lists, a JSON input's first
value through the standard library's decoder, and an ``.npz`` archive's directory through :mod:`zipfile`.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import stat
import zlib

from .chunks import WHITESPACE
from .input.sniff import GZIP_MAGIC, NPY_MAGIC, ZIP_MAGIC
from .input.text import TextReader, delimiter_for_path

#: How much of a file is read: a first record longer than this gets no completion.
HEAD = 1 << 16


def first_record_names(
    path: str, *, delimiter: str | None = None, header: bool | None = None, head: int = HEAD
) -> list[str]:
    """The names of the columns of the file at ``path``, as ``relu-cli relu -n -f PATH`` lists them.

    ``delimiter`` and ``header`` are what ``-d`` and ``--header/--no-header`` say (``"whitespace"`` for
    runs of blanks; None to detect), with the same effect as on a command. Only a regular file is read
    (a named pipe would wait for a writer): anything else has no names. Raises :class:`OSError` for a file
    that cannot be read, :class:`ValueError` (or :class:`zlib.error`, or relu-cli's ``InputError``) when
    the first record is not valid or does not fit in ``head`` bytes.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        return []
    with open(path, "rb") as file:
        data = file.read(head)
        whole = len(data) < head or not file.read(1)  # the head is the whole file
    if data.startswith(NPY_MAGIC):  # one array, named as np.savez names an array given without a name
        return ["arr_0"]
    if data.startswith(ZIP_MAGIC):  # an .npz: its arrays, from the archive's directory
        import zipfile  # here, not at the top: 15 ms of every completion of -c, for .npz files only

        with zipfile.ZipFile(path) as archive:
            return [name.removesuffix(".npy") for name in archive.namelist()]
    if path.lower().endswith(".gz") or data.startswith(GZIP_MAGIC):
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)  # gzip's header and trailer
        data = inflate.decompress(data, head)
        whole = inflate.eof
    text = data.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    if text[:1] in (b"[", b"{") and delimiter is None and header is None:  # JSON, as sniff decides
        return _json_names(codecs.getincrementaldecoder("utf-8")().decode(text, final=whole))
    if not whole:
        # whole lines only (ended by LF, CR-LF or a lone CR): the last one may have been cut
        data = data[: max(data.rfind(b"\n"), data.rfind(b"\r")) + 1]
    explicit = WHITESPACE if delimiter == "whitespace" else delimiter
    by_name = delimiter_for_path(path)
    reader = TextReader(  # as a command reads it
        io.BytesIO(data),
        path,
        delimiter=explicit,
        detect_delimiter=delimiter is None,
        named_delimiter=by_name,
        header=header,
    )
    next(reader.batches(), None)  # the first batch decides the layout
    return reader.layout.names if reader.layout is not None else []


def _json_names(text: str) -> list[str]:
    """The keys of the first object of a JSON input, or ``1`` for an array of values (as the JSON reader
    names them)."""
    start = 0
    if text.startswith("["):
        start = len(text) - len(text[1:].lstrip(" \t\r\n"))
        if text[start:].startswith("]"):
            return ["1"]
    first, _ = json.JSONDecoder().raw_decode(text, start)
    return [str(key) for key in first] if isinstance(first, dict) else ["1"]


def column_candidates(names: list[str], incomplete: str) -> list[tuple[str, str]]:
    """What ``-c/--columns`` may continue with, each with a description: every column's name, then its
    1-based number (when that differs from the name). After a comma (``x,``), the items already listed
    stay in front, and the columns they name (by name or number) are not offered again.

    >>> column_candidates(["id", "x"], "")
    [('id', 'column 1'), ('x', 'column 2'), ('1', 'id'), ('2', 'x')]
    >>> column_candidates(["id", "x", "y"], "2,")
    [('2,id', 'column 1'), ('2,y', 'column 3'), ('2,1', 'id'), ('2,3', 'y')]
    """
    listed, comma, _ = incomplete.rpartition(",")
    taken = {item.strip() for item in listed.split(",")} if comma else set()
    columns = [(str(i), name) for i, name in enumerate(names, 1) if not {str(i), name} & taken]
    offered = [(name, f"column {number}") for number, name in columns]
    offered += [(number, name) for number, name in columns if number != name]
    unique: dict[str, str] = {}
    for value, description in offered:  # a header of numbers: a name may be another column's number
        unique.setdefault(value, description)
    return [(listed + comma + value, description) for value, description in unique.items()]
