"""Record what relu-cli does today, for a broad matrix of inputs and options, in ``behaviour.json``.

The reading, transforming and writing engine is to be rewritten, and its behaviour must stay the same
byte for byte. This script pins that behaviour down first: it builds each case (the command line, stdin
and the files it reads), runs it through the installed ``relu-cli`` as a user would, and writes the exit
status, stdout and stderr exactly. ``tests/test_behaviour.py`` replays every case and compares.

How to run it, from the repository root, with relu-cli installed in the venv::

    .venv/bin/python tests/data/make_behaviour.py          # rewrite tests/data/behaviour.json
    .venv/bin/python tests/data/make_behaviour.py --check  # exit 1 if a fresh recording differs

It records whatever relu-cli does, errors included, and judges nothing: a behaviour that looks wrong is
still recorded as it is, so that a rewrite that changes it is noticed (and then changed on purpose).

Inputs are given in one of these forms (the same forms are written to the JSON file, so each case says how
its stdin and files were given):

* ``{"text": ...}``: UTF-8 text, written inline below;
* ``{"base64": ...}``: other bytes (invalid UTF-8, NUL bytes), also inline;
* ``{"generated": NAME, "length": ..., "sha256": ...}``: a large input made by ``GENERATORS[NAME]`` from a
  fixed seed (Python's ``random.Random``, whose sequences Python keeps the same from version to
  version); it is never stored, and the length and hash let the test check it made the same bytes;
* ``{"gzip": INPUT}``: INPUT compressed with gzip (what is compared is relu-cli's output, never the
  compressed bytes, so another zlib may compress differently);
* ``{"directory": true}``: an empty directory in place of a file.

stdin is either a pipe (``"from": "pipe"``) or redirected from a regular file (``"from": "file"``);
a case without stdin gets ``/dev/null`` (an empty ``BytesIO`` in-process). Files are written into an empty
directory that is the working directory of the run, and named there relatively, so messages that name them
are the same on every machine.

Output is stored whole (``text`` or ``base64``) up to ``WHOLE_LIMIT`` bytes; beyond that as its length,
sha256 and first and last ``EDGE`` bytes. The one path of this machine that relu-cli's output can hold,
that of a Python warning's source in site-packages, is written ``<site-packages>``.

Each case runs in one of two ways, as ``runner`` says: ``inprocess``, through relu-cli's command with fake
byte streams (Typer's ``CliRunner`` isolation: stdin, stdout and stderr are never terminals, so output
is ``text`` unless ``--format`` says otherwise), or ``subprocess``, the installed entry point in real
pipes. The recording is always the entry point's own; for an in-process case this script also runs it
in-process and, should the two ever differ, prints a warning and makes the case a subprocess one.
Subprocess cases are those that need real pipes: worker processes (``-j 3``) on inputs of more than
1 MiB, a line of 2 MB read in pieces, bad values and invalid UTF-8 deep in a large input, and a truncated
gzip stream (read from a ``BytesIO``, its first values come out before the error; from a pipe, none do).

The environment is fixed for every run: a terminal size of 100 by 40 (``COLUMNS``/``LINES``, read by the
table), no ``NO_COLOR``/``FORCE_COLOR``, ``TERM=xterm-256color``, and a UTF-8 locale.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import gzip
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

BEHAVIOUR_PATH = Path(__file__).parent / "behaviour.json"
RELU_CLI = str(Path(sys.executable).parent / "relu-cli")
WHOLE_LIMIT = 4096  # outputs up to this many bytes are stored whole
EDGE = 200  # bytes kept of each end of a larger output
MIB = 1 << 20
LARGE = int(1.1 * MIB)  # the size of the large inputs: over 1 MiB, so more than two chunks of 512 KiB

#: The environment of every run: set to these values, or removed where None.
ENV: dict[str, str | None] = {
    "COLUMNS": "100",
    "LINES": "40",
    "TERM": "xterm-256color",
    "LC_ALL": "C.UTF-8",
    "NO_COLOR": None,
    "FORCE_COLOR": None,
    "CLICOLOR": None,
    "CLICOLOR_FORCE": None,
    "COLORTERM": None,
    "RELU_CLI_DEBUG": None,
    "PYTHONWARNINGS": None,
}

Spec = dict[str, Any]


# ------------------------------------------------------------------------------------- large inputs


def _number(rng: random.Random) -> str:
    """A number as people and programs write it: mostly shortest round-trip floats over many magnitudes,
    some integers."""
    if rng.random() < 0.1:
        return str(rng.randint(-1000, 1000))
    return repr(rng.gauss(0, 1) * 10 ** rng.randint(-6, 8))


def _lines(seed: int, size: int, cell: Callable[[random.Random], str]) -> list[str]:
    """Lines (without their ends) of ``cell(rng)`` until they add up to ``size`` bytes."""
    rng = random.Random(seed)
    lines: list[str] = []
    total = 0
    while total < size:
        line = cell(rng)
        lines.append(line)
        total += len(line) + 1
    return lines


def _sometimes(rate: float, odd: str) -> Callable[[random.Random], str]:
    """A number, or ``odd`` once in ``1 / rate`` lines."""
    return lambda rng: odd if rng.random() < rate else _number(rng)


def _joined(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _planted(lines: list[str], bad: dict[float, str]) -> list[str]:
    """``lines`` with the line that starts past each byte offset (in MiB) replaced by its bad text."""
    lines = list(lines)
    offsets, total = [], 0
    for line in lines:
        offsets.append(total)
        total += len(line) + 1
    for at, text in bad.items():
        index = next(i for i, offset in enumerate(offsets) if offset >= at * MIB)
        lines[index] = text
    return lines


def numbers() -> bytes:
    """1.1 MiB of clean numbers, one per line: the bulk path, in three chunks."""
    return _joined(_lines(1, LARGE, _number))


def numbers_with_blank_lines() -> bytes:
    """1.1 MiB of numbers, about 0.2% of the lines empty (a one-column input's empty cell)."""
    return _joined(_lines(2, LARGE, _sometimes(0.002, "")))


def numbers_with_nan() -> bytes:
    """1.1 MiB of numbers, about 0.1% of them ``nan``."""
    return _joined(_lines(3, LARGE, _sometimes(0.001, "nan")))


def _xy_rows(rng: random.Random) -> str:
    roll = rng.random()
    x = "" if roll < 0.002 else "nan" if roll < 0.003 else _number(rng)
    return f"{x},{_number(rng)}"


def csv_xy() -> bytes:
    """A 1.1 MiB CSV ``id,x,y``: about 0.2% of the x cells empty and 0.1% ``nan``."""
    rows = _lines(4, LARGE, _xy_rows)
    rows[0] = "-1.5,2.5"  # the first x is a number, so x is a numeric column
    return _joined(["id,x,y", *(f"{i},{row}" for i, row in enumerate(rows, 1))])


def numbers_bad_deep() -> bytes:
    """1.1 MiB of numbers with a value that is not a number past 1.02 MiB and another past 1.06 MiB."""
    return _joined(_planted(_lines(5, LARGE, _number), {1.02: "oops", 1.06: "1,5"}))


def numbers_bad_utf8_deep() -> bytes:
    """1.1 MiB of numbers with invalid UTF-8 past 1.02 MiB."""
    data = _joined(_planted(_lines(6, LARGE, _number), {1.02: "@BAD@"}))
    return data.replace(b"@BAD@", b"\xff\xfe1")


def numbers_nul_deep() -> bytes:
    """1.1 MiB of numbers with a NUL byte in a line past 1.04 MiB."""
    data = _joined(_planted(_lines(7, LARGE, _number), {1.04: "@NUL@"}))
    return data.replace(b"@NUL@", b"1\x002")


def csv_xy_bad_deep() -> bytes:
    """A 1.1 MiB CSV ``id,x,y`` with an x that is not a number past 1.02 MiB and a short row past 1.06."""
    rows = _planted(_lines(8, LARGE, lambda rng: f"{_number(rng)},{_number(rng)}"), {1.02: "oops,1"})
    rows = _planted(rows, {1.06: "7"})
    return _joined(["id,x,y", *(f"{i},{row}" for i, row in enumerate(rows, 1))])


def _long_line(seed: int) -> str:
    rng = random.Random(seed)
    tokens: list[str] = []
    total = 0
    while total < 2_000_000:
        tokens.append(repr(round(rng.uniform(-1000, 1000), 3)))
        total += len(tokens[-1]) + 1
    return " ".join(tokens)


def long_line() -> bytes:
    """One line of 2 MB of space-separated numbers: read in pieces of a quarter chunk."""
    return (_long_line(9) + "\n").encode()


def long_line_after_short_ones() -> bytes:
    """Two short lines, the 2 MB line, and one more short line."""
    return ("-1\n2.5\n" + _long_line(10) + "\n3\n").encode()


def long_line_with_a_bad_value() -> bytes:
    """The 2 MB line with a value that is not a number about 1.2 MB in, and no final line end."""
    line = _long_line(11)
    at = line.index(" ", 1_200_000)
    return (line[:at] + " oops" + line[at:]).encode()


def many_values() -> bytes:
    """A few hundred numbers, one per line: more rows than a table shows."""
    return _joined(_lines(12, 5_000, _number))


GENERATORS: dict[str, Callable[[], bytes]] = {
    function.__name__: function
    for function in (
        numbers,
        numbers_with_blank_lines,
        numbers_with_nan,
        csv_xy,
        numbers_bad_deep,
        numbers_bad_utf8_deep,
        numbers_nul_deep,
        csv_xy_bad_deep,
        long_line,
        long_line_after_short_ones,
        long_line_with_a_bad_value,
        many_values,
    )
}


@cache
def generated(name: str) -> bytes:
    return GENERATORS[name]()


# ---------------------------------------------------------------------------------------- input forms


def text(value: str) -> Spec:
    return {"text": value}


def raw(value: bytes) -> Spec:
    try:
        return {"text": value.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(value).decode("ascii")}


def gen(name: str) -> Spec:
    assert name in GENERATORS, name
    return {"generated": name}


def gz(spec: Spec) -> Spec:
    return {"gzip": spec}


DIRECTORY: Spec = {"directory": True}


def materialize(spec: Spec) -> bytes:
    """The bytes an input form stands for."""
    if "text" in spec:
        return str(spec["text"]).encode("utf-8")
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    if "generated" in spec:
        return generated(spec["generated"])
    if "gzip" in spec:
        return gzip.compress(materialize(spec["gzip"]), mtime=0)
    raise ValueError(f"not an input: {spec!r}")


def described(spec: Spec) -> Spec:
    """The form written to the JSON file: a generated input with its length and hash."""
    if "generated" in spec:
        data = generated(spec["generated"])
        return {**spec, "length": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if "gzip" in spec:
        return {"gzip": described(spec["gzip"])}
    return spec


# ---------------------------------------------------------------------------------------------- cases


@dataclass
class Case:
    id: str
    argv: list[str]
    stdin: Spec | None = None
    stdin_from: str = "pipe"  # or "file": redirected from a regular file
    files: dict[str, Spec] = field(default_factory=dict)
    runner: str = "inprocess"
    same_output: str | None = None  # cases of one group (say -j 1 and -j 3) must give the same output

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "argv": self.argv,
            "stdin": None
            if self.stdin is None
            else {"from": self.stdin_from, "input": described(self.stdin)},
            "files": {name: described(spec) for name, spec in self.files.items()},
            "runner": self.runner,
            "same_output": self.same_output,
        }


# the functions: (name, the command and its knobs)
FUNCTIONS: dict[str, list[str]] = {
    "relu": ["relu"],
    "leaky": ["leaky-relu"],
    "leaky-slope0.1": ["leaky-relu", "--slope", "0.1"],
    "relu-gradient": ["relu", "--mode", "gradient"],
    "leaky-slope0.1-gradient": ["leaky-relu", "--slope", "0.1", "--mode", "gradient"],
    "relu6": ["relu", "--max-value", "6"],
    "relu6-gradient": ["relu", "--max-value", "6", "--mode", "gradient"],
    "relu-threshold1": ["relu", "--threshold", "1"],
    "leaky-slope0.1-threshold1-max6-gradient": [
        *["leaky-relu", "--slope", "0.1", "--threshold", "1", "--max-value", "6", "--mode", "gradient"],
    ],
}
FEW_FUNCTIONS = ["relu", "leaky-slope0.1", "relu-gradient", "relu6", "relu-threshold1"]
#: the functions given in every output format; the others in text and json (or csv) only
ALL_FORMAT_FUNCTIONS = ["relu", "leaky-slope0.1", "leaky-slope0.1-threshold1-max6-gradient"]

# the output formats: (name, options); "default" is auto, text in a pipe
FORMATS: dict[str, list[str]] = {
    "default": [],
    "csv": ["--format", "csv"],
    "tsv": ["--format", "tsv"],
    "json": ["--format", "json"],
    "ndjson": ["--format", "ndjson"],
    "table": ["--format", "table"],
}
DATA_FORMATS = ["default", "csv", "json", "ndjson"]

EDGE_VALUES = [
    *["-inf", "-1e400", "-2.5", "-1", "-0", "-0.0", "0", "5e-324", "1e-05", "0.5", "1", "3", "6", "7.5"],
    *["1.7976931348623157e308", "1e400", "inf", "nan"],
]

ODD_LINES = "\n".join(
    [
        "-2",
        "",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "+1",
        ".5",
        "5.",
        "-0",
        " 3 ",
        "\t-4\t",
        "1e-7",
        "1E5",
        "-0.0",
        "-Infinity",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "-0.00000000000000000000000000000000000000000000000000000000000000000000000000000123",
        "1.000000000000000000000000000000000000000000000000000000000000000000000000000000001",
        "5e-324",
        "-1e400",
        "",
        "7",
    ]
)
ODD_STDIN = text(ODD_LINES + "\n")

SAMPLE_ROWS = [
    "id,x,label,y",
    '1,-2.5,"a, b",3',
    '2,4,"say ""hi""",-1',
    '3,,"two\nlines",0',
    "4,nan,plain,-0",
    '5,-0.0,"x;y",1e-7',
    "6,1e400,,-inf",
]
SAMPLE = "\n".join(SAMPLE_ROWS) + "\n"
ODD_CSV = "x,label\n-2,first\n" + "".join(
    f"{cell},{name}\n"
    for cell, name in [
        ("", "empty"),
        ("nan", "nan"),
        ("NaN", "NaN"),
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("+1", "plus"),
        (".5", "dot5"),
        ("5.", "5dot"),
        ("-0", "minus0"),
        (" 3 ", "spaced"),
        ("1e-7", "tiny"),
        ("1E5", "big"),
        ("-0.0", "minus00"),
        ("12345678901234567890123456789012345678901234567890", "long"),
        ('"-1.5"', "quoted"),
    ]
)
WHITESPACE_ROWS = "1 2 3\n-4   5\n\t-6\n  7 8 9 10  \n\n-11\t12\n"
TSV = 'id\tx\tlabel\n1\t-2.5\ta, b\n2\t4\tc\n3\t\tempty\n4\t-inf\t"q"\n'
SEMICOLON = "x;y;name\n-1;2;a,b\n3;-4;c\n-0.5;;d\n"
DUPLICATES = "x,x,y,x\n1,-2,3,-4\n-5,6,-7,8\n"
NUMERIC_HEADER = "1,2\n-3,4\n5,-6\n"
BAD_CSV = "x,y\n1,-1\nfoo,2\n-2,bar\n3,-3\n"
RAGGED = "a,b,c\n1,-2,3\n4,5\n-6,7,8\n9,-10,11,12\n"
TABLE_VALUES = [str(v) for v in range(-25, 25)] + ["nan", "-inf"]

JSON_INPUTS: dict[str, str] = {
    "array-of-numbers": "[-1, 2.5, 0, -0.0, 1e-7, 3, -1e5]\n",
    "array-of-objects": '[{"id": 1, "x": -2, "label": "a"}, {"id": 2, "x": 3.5, "label": "b"}]\n',
    "ndjson": (
        '{"id": 1, "x": -2, "y": 0.5}\n{"id": 2, "x": 3, "y": -0.25}\n{"id": 3, "x": null, "y": 1e-9}\n'
    ),
    "pretty-objects": '{\n  "id": 1,\n  "x": -2.5\n}\n{\n  "id": 2,\n  "x": 4\n}\n',
    "mixed-values": (
        '[{"x": -1, "s": "str", "t": true, "f": false, "n": null, "nested": {"a": [1, -2]},'
        ' "list": [-3, 4], "numstr": "-3", "big": 1e308, "int": 12345678901234567890},\n'
        ' {"x": 2, "s": "\\u00e9", "t": false, "f": true, "n": null, "nested": {}, "list": [],'
        ' "numstr": "4.5", "big": -1e308, "int": -1}]\n'
    ),
    "keys-reordered": '{"x": 1, "y": -2}\n{"y": 3, "x": -4}\n',
    "null-first": '[{"x": null, "y": -1}, {"x": -2, "y": 2}]\n',
    "string-numbers": '["-2", "3", "nan", "abc", null, -1]\n',
}
JSON_BROKEN: dict[str, str] = {
    "unterminated-array": "[1, 2\n",
    "bad-token": '{"x": }\n',
    "missing-key": '{"x": 1, "y": 2}\n{"x": 3}\n',
    "extra-key": '{"x": 1}\n{"x": 3, "y": 4}\n',
    "nan-token": "[NaN, 1]\n",
    "empty-array": "[]\n",
    "array-of-arrays": "[[1, -2], [3, -4]]\n",
    "scalar-after-objects": '{"x": -1}\n5\n',
    "huge-exponent": "[1e400, -1e400]\n",
    "trailing-garbage": '[{"x": -1}] junk\n',
}


def cases() -> Iterator[Case]:
    yield from _values_cases()
    yield from _stdin_cases()
    yield from _csv_cases()
    yield from _column_cases()
    yield from _delimiter_and_header_cases()
    yield from _json_cases()
    yield from _gzip_cases()
    yield from _many_files_cases()
    yield from _error_cases()
    yield from _option_cases()
    yield from _table_and_color_cases()
    yield from _stats_and_names_cases()
    yield from _large_cases()


def _values_cases() -> Iterator[Case]:
    for fname, function in FUNCTIONS.items():
        for fmt, options in FORMATS.items():
            if fname in ALL_FORMAT_FUNCTIONS or fmt in ("default", "json"):
                yield Case(f"values/{fname}/{fmt}", [*function, *EDGE_VALUES, *options])
    yield Case("values/negatives-first", ["relu", "-1", "-inf", "-nan", "-1e3", "-.5", "2"])
    yield Case("values/double-dash", ["relu", "--", "-1", "2"])
    yield Case("values/options-between", ["leaky-relu", "-2", "-s", "0.5", "-4", "--mode", "gradient", "3"])
    yield Case("values/bad-value", ["relu", "1", "foo", "3"])
    for i, token in enumerate(["-1x", "1_000", "0x10", "\u0661", "", " 1", "1,5"]):
        yield Case(f"values/bad-looking-numeric-{i}", ["relu", "2", token])


def _stdin_cases() -> Iterator[Case]:
    for fname, function in FUNCTIONS.items():
        for fmt, options in FORMATS.items():
            if fname in ALL_FORMAT_FUNCTIONS or fmt in ("default", "csv"):
                yield Case(f"stdin-odd/{fname}/{fmt}", [*function, *options], stdin=ODD_STDIN)
    seq = text("".join(f"{v}\n" for v in range(-3, 4)))
    for fname in FEW_FUNCTIONS:
        yield Case(f"stdin-seq/{fname}", FUNCTIONS[fname], stdin=seq)
    yield Case("stdin-seq/crlf", ["relu"], stdin=text("-1\r\n2\r\n\r\n3\r\n"))
    yield Case("stdin-seq/bom", ["relu"], stdin=raw(b"\xef\xbb\xbf-1\n2\n"))
    yield Case("stdin-seq/no-final-newline", ["relu"], stdin=text("-1\n2"))
    yield Case("stdin-seq/only-blank-lines", ["relu"], stdin=text("\n\n  \n\t\n"))
    yield Case("stdin-seq/from-a-file", ["relu"], stdin=seq, stdin_from="file")
    yield Case("stdin-seq/dash-file", ["relu", "-f", "-"], stdin=seq)
    yield Case("stdin-seq/tabs", ["relu", "--format", "csv"], stdin=text("-1\t2\n3\t-4\n"))
    yield Case("stdin-seq/cr-only", ["relu"], stdin=text("-1\r2\r"))
    for fmt in ["default", "csv", "json", "table"]:
        yield Case(f"stdin-whitespace-ragged/{fmt}", ["relu", *FORMATS[fmt]], stdin=text(WHITESPACE_ROWS))
    for fmt, options in FORMATS.items():
        yield Case(f"stdin-odd-csv/relu/{fmt}", ["relu", *options], stdin=text(ODD_CSV))
    for fname in ["leaky-slope0.1", "relu-gradient", "relu6-gradient"]:
        yield Case(f"stdin-odd-csv/{fname}/default", FUNCTIONS[fname], stdin=text(ODD_CSV))
    for first in ["", "nan", "abc", "+1"]:
        yield Case(
            f"stdin-csv-first-x-is/{first or 'empty'}", ["relu"], stdin=text(f"x,y\n{first},-1\n-2,-3\n")
        )


def _csv_cases() -> Iterator[Case]:
    variants = {
        "sample": ("data.csv", text(SAMPLE)),
        "crlf": ("data.csv", text(SAMPLE.replace("\n", "\r\n"))),
        "bom": ("data.csv", raw(b"\xef\xbb\xbf" + SAMPLE.encode())),
        "no-final-newline": ("data.csv", text(SAMPLE.rstrip("\n"))),
        "tsv": ("data.tsv", text(TSV)),
        "semicolon": ("data.txt", text(SEMICOLON)),
        "duplicates": ("dups.csv", text(DUPLICATES)),
        "whitespace": ("data.txt", text(WHITESPACE_ROWS)),
        "numeric-header": ("nums.csv", text(NUMERIC_HEADER)),
    }
    for vname, (name, spec) in variants.items():
        for fmt, options in FORMATS.items():
            yield Case(f"file-{vname}/relu/{fmt}", ["relu", "-f", name, *options], files={name: spec})
        yield Case(
            f"file-{vname}/leaky-slope0.1-gradient/default",
            [*FUNCTIONS["leaky-slope0.1-gradient"], "-f", name],
            files={name: spec},
        )
    for fname in ["leaky", "relu6", "relu-threshold1"]:
        yield Case(
            f"file-sample/{fname}/json",
            [*FUNCTIONS[fname], "-f", "data.csv", "--format", "json"],
            files={"data.csv": text(SAMPLE)},
        )
    yield Case("stdin-sample/relu/default", ["relu"], stdin=text(SAMPLE))
    yield Case("stdin-sample/relu/json", ["relu", "--format", "json"], stdin=text(SAMPLE))
    yield Case("stdin-tsv/relu/default", ["relu"], stdin=text(TSV))
    yield Case("stdin-semicolon/relu/default", ["relu"], stdin=text(SEMICOLON))
    yield Case(
        "file-sample-named-txt/relu/default", ["relu", "-f", "data.txt"], files={"data.txt": text(SAMPLE)}
    )
    yield Case("file-tsv-named-csv/relu/default", ["relu", "-f", "data.csv"], files={"data.csv": text(TSV)})
    quoted = 'x,note\n-1,"a ""quoted"" word"\n2,"comma, inside"\n-3,"line\r\nbreak"\n"-4","quoted number"\n'
    for fmt in ["default", "csv", "json", "table"]:
        yield Case(f"stdin-quoted/relu/{fmt}", ["relu", *FORMATS[fmt]], stdin=text(quoted))
    yield Case("stdin-quoted/relu/crlf", ["relu"], stdin=text(quoted.replace("\n", "\r\n")))


def _column_cases() -> Iterator[Case]:
    files = {"data.csv": text(SAMPLE)}
    specs = [
        "x",
        "y",
        "2",
        "4",
        "2,4",
        "x,y",
        "1-2",
        "2-4",
        "label",
        "nope",
        "0",
        "9",
        "3-1",
        "",
        "x,x",
        "y,x",
    ]
    for spec in specs:
        yield Case(f"columns/{spec or 'empty'}/default", ["relu", "-f", "data.csv", "-c", spec], files=files)
    for spec in ["x", "2,4", "2-4", "1-2", "y,x"]:
        argv = ["relu", "-f", "data.csv", "-c", spec, "--format", "json"]
        yield Case(f"columns/{spec}/json", argv, files=files)
    dups = {"dups.csv": text(DUPLICATES)}
    for spec in ["x", "x_2", "2", "x_3"]:
        yield Case(
            f"columns-duplicates/{spec}",
            ["relu", "-f", "dups.csv", "-c", spec, "--format", "json"],
            files=dups,
        )
    ws = {"data.txt": text(WHITESPACE_ROWS)}
    yield Case("columns-whitespace/1", ["relu", "-f", "data.txt", "-c", "1"], files=ws)
    yield Case("columns-odd-csv/x/skip", ["relu", "-c", "x", "--on-error", "skip"], stdin=text(ODD_CSV))
    yield Case("columns-stdin-values/1", ["relu", "-c", "1"], stdin=text("-1\n2\n"))


def _delimiter_and_header_cases() -> Iterator[Case]:
    semi = {"data.txt": text(SEMICOLON)}
    yield Case("delimiter/semicolon", ["relu", "-f", "data.txt", "-d", ";"], files=semi)
    yield Case(
        "delimiter/semicolon-by-name",
        ["relu", "-f", "data.txt", "-d", "semicolon", "--format", "csv"],
        files=semi,
    )
    yield Case("delimiter/comma-on-semicolon", ["relu", "-f", "data.txt", "-d", ","], files=semi)
    yield Case(
        "delimiter/tab",
        ["relu", "-f", "data.tsv", "-d", "tab", "--format", "json"],
        files={"data.tsv": text(TSV)},
    )
    yield Case("delimiter/backslash-t", ["relu", "-d", "\\t"], stdin=text(TSV))
    yield Case(
        "delimiter/whitespace",
        ["relu", "-f", "data.txt", "-d", "whitespace", "--format", "csv"],
        files={"data.txt": text(WHITESPACE_ROWS)},
    )
    yield Case("delimiter/space", ["relu", "-d", "space", "--format", "json"], stdin=text("-1 2\n3  -4\n"))
    yield Case("delimiter/pipe", ["relu", "-d", "|"], stdin=text("x|y\n-1|2\n"))
    yield Case(
        "delimiter/comma-on-csv-gz",
        ["relu", "-f", "data.csv.gz", "-d", ","],
        files={"data.csv.gz": gz(text(SAMPLE))},
    )
    for bad in ["ab", '"', "", "\\n"]:
        yield Case(f"delimiter/bad-{bad!r}", ["relu", "-d", bad], stdin=text("1\n"))
    nums = {"nums.csv": text(NUMERIC_HEADER)}
    for flag in ["--header", "--no-header"]:
        for fmt in ["default", "json"]:
            yield Case(
                f"header/numeric{flag}/{fmt}", ["relu", "-f", "nums.csv", flag, *FORMATS[fmt]], files=nums
            )
    yield Case("header/numeric--header-c2", ["relu", "-f", "nums.csv", "--header", "-c", "2"], files=nums)
    yield Case("header/numeric-c2", ["relu", "-f", "nums.csv", "-c", "2"], files=nums)
    sample = {"data.csv": text(SAMPLE)}
    for flag in ["--header", "--no-header"]:
        for fmt in ["default", "json"]:
            yield Case(
                f"header/sample{flag}/{fmt}", ["relu", "-f", "data.csv", flag, *FORMATS[fmt]], files=sample
            )
    yield Case(
        "header/sample--no-header-c2", ["relu", "-f", "data.csv", "--no-header", "-c", "2"], files=sample
    )
    yield Case(
        "header/stdin-values--header", ["relu", "--header", "--format", "json"], stdin=text("-1\n2\n-3\n")
    )


def _json_cases() -> Iterator[Case]:
    for name, body in JSON_INPUTS.items():
        for fmt, options in FORMATS.items():
            yield Case(f"json-{name}/relu/{fmt}", ["relu", *options], stdin=text(body))
        if name in ("array-of-numbers", "ndjson", "mixed-values", "string-numbers"):
            argv = FUNCTIONS["leaky-slope0.1-gradient"]
            yield Case(f"json-{name}/leaky-slope0.1-gradient/default", argv, stdin=text(body))
        yield Case(f"json-{name}/names", ["relu", "-n"], stdin=text(body))
    for name, body in JSON_BROKEN.items():
        yield Case(f"json-broken-{name}/relu/default", ["relu"], stdin=text(body))
    for name in ["missing-key", "extra-key", "scalar-after-objects", "array-of-arrays"]:
        argv = ["relu", "--on-error", "skip", "--format", "csv"]
        yield Case(f"json-broken-{name}/relu/skip", argv, stdin=text(JSON_BROKEN[name]))
    objects = text(JSON_INPUTS["mixed-values"])
    for spec in ["x", "2", "numstr", "s", "t", "n", "nested", "x,numstr", "nope"]:
        yield Case(f"json-columns/{spec}", ["relu", "-c", spec], stdin=objects)
    for spec in ["x", "nested", "x,numstr"]:
        yield Case(f"json-columns/{spec}/csv", ["relu", "-c", spec, "--format", "csv"], stdin=objects)
    for on_error in ["fail", "skip", "nan"]:
        yield Case(f"json-columns/s/{on_error}", ["relu", "-c", "s", "--on-error", on_error], stdin=objects)
        yield Case(
            f"json-string-numbers/{on_error}",
            ["relu", "--on-error", on_error],
            stdin=text(JSON_INPUTS["string-numbers"]),
        )
    ndjson = text(JSON_INPUTS["ndjson"])
    yield Case("json-as-text/delimiter", ["relu", "-d", ","], stdin=ndjson)
    yield Case("json-as-text/no-header", ["relu", "--no-header"], stdin=text(JSON_INPUTS["array-of-numbers"]))
    yield Case(
        "json-file/objects",
        ["relu", "-f", "data.json", "-c", "x"],
        files={"data.json": text(JSON_INPUTS["array-of-objects"])},
    )
    yield Case("json-file/leading-blank", ["relu"], stdin=text("\n  \n[-1, 2]\n"))
    yield Case("json-file/bom", ["relu"], stdin=raw(b"\xef\xbb\xbf[-1, 2]\n"))


def _gzip_cases() -> Iterator[Case]:
    seq = text("".join(f"{v}\n" for v in range(-3, 4)))
    for fmt in ["default", "json"]:
        yield Case(f"gzip/stdin-numbers/{fmt}", ["relu", *FORMATS[fmt]], stdin=gz(seq))
        yield Case(f"gzip/stdin-csv/{fmt}", ["relu", "-c", "x", *FORMATS[fmt]], stdin=gz(text(SAMPLE)))
        yield Case(
            f"gzip/file-csv/{fmt}",
            ["relu", "-f", "data.csv.gz", "-c", "x", *FORMATS[fmt]],
            files={"data.csv.gz": gz(text(SAMPLE))},
        )
        yield Case(
            f"gzip/file-json/{fmt}",
            ["relu", "-f", "data.json.gz", *FORMATS[fmt]],
            files={"data.json.gz": gz(text(JSON_INPUTS["ndjson"]))},
        )
    yield Case("gzip/file-tsv", ["relu", "-f", "data.tsv.gz"], files={"data.tsv.gz": gz(text(TSV))})
    yield Case("gzip/names", ["relu", "-n", "-f", "data.csv.gz"], files={"data.csv.gz": gz(text(SAMPLE))})
    yield Case("gzip/gz-name-not-gzip", ["relu", "-f", "plain.gz"], files={"plain.gz": seq})
    gzipped = gzip.compress(materialize(seq), mtime=0)
    # in-process, from a BytesIO, the first values come out before the error; from a pipe they do not
    truncated = raw(gzipped[: len(gzipped) // 2])
    yield Case("gzip/truncated-stdin", ["relu"], stdin=truncated, runner="subprocess")
    yield Case(
        "gzip/damaged-file", ["relu", "-f", "bad.gz"], files={"bad.gz": raw(gzipped[:12] + b"\x00" * 20)}
    )
    yield Case("gzip/empty-gzip", ["relu"], stdin=gz(text("")))
    yield Case("gzip/bad-value", ["relu", "--on-error", "skip"], stdin=gz(text("1\nfoo\n-2\n")))


def _many_files_cases() -> Iterator[Case]:
    a = text("id,x,label\n1,-2.5,a\n2,4,b\n")
    b = text("id,x,label\n3,-8,c\n")
    c = text("id,y\n1,2\n")
    reordered = text("x,id,label\n-1,5,e\n")
    for fmt in ["default", "json", "table"]:
        yield Case(
            f"files/same-header/{fmt}",
            ["relu", "-f", "a.csv", "-f", "b.csv", *FORMATS[fmt]],
            files={"a.csv": a, "b.csv": b},
        )
    yield Case(
        "files/same-header/c-x",
        ["relu", "-f", "a.csv", "-f", "b.csv", "-c", "x"],
        files={"a.csv": a, "b.csv": b},
    )
    yield Case(
        "files/different-header", ["relu", "-f", "a.csv", "-f", "c.csv"], files={"a.csv": a, "c.csv": c}
    )
    yield Case(
        "files/reordered-header",
        ["relu", "-f", "a.csv", "-f", "r.csv"],
        files={"a.csv": a, "r.csv": reordered},
    )
    yield Case("files/file-and-stdin", ["relu", "-f", "a.csv", "-f", "-"], files={"a.csv": a}, stdin=b)
    yield Case(
        "files/same-file-twice", ["relu", "-f", "a.csv", "-f", "a.csv", "--format", "csv"], files={"a.csv": a}
    )
    nums = {"1.txt": text("-1\n2\n"), "2.txt": text("3\n-4\n")}
    yield Case("files/numbers", ["relu", "-f", "1.txt", "-f", "2.txt"], files=nums)
    yield Case("files/numbers-json", ["relu", "-f", "1.txt", "-f", "2.txt", "--format", "json"], files=nums)
    yield Case(
        "files/empty-then-numbers",
        ["relu", "-f", "e.txt", "-f", "1.txt"],
        files={"e.txt": text(""), "1.txt": text("-1\n2\n")},
    )
    yield Case(
        "files/csv-then-json",
        ["relu", "-f", "a.csv", "-f", "a.json"],
        files={"a.csv": a, "a.json": text('[{"id": 9, "x": -1, "label": "j"}]\n')},
    )
    yield Case(
        "files/json-then-json",
        ["relu", "-f", "1.json", "-f", "2.json"],
        files={"1.json": text("[-1, 2]\n"), "2.json": text("[3, -4]\n")},
    )
    yield Case(
        "files/csv-and-gz", ["relu", "-f", "a.csv", "-f", "b.csv.gz"], files={"a.csv": a, "b.csv.gz": gz(b)}
    )
    yield Case("files/second-missing", ["relu", "-f", "a.csv", "-f", "missing.csv"], files={"a.csv": a})
    yield Case(
        "files/bad-in-second",
        ["relu", "-f", "a.csv", "-f", "bad.csv"],
        files={"a.csv": a, "bad.csv": text("id,x,label\n5,zz,q\n")},
    )


def _error_cases() -> Iterator[Case]:
    bad = {"bad.csv": text(BAD_CSV)}
    for on_error in ["fail", "skip", "nan"]:
        for fmt in ["default", "csv", "json", "table"]:
            yield Case(
                f"bad-value/{on_error}/{fmt}",
                ["relu", "-f", "bad.csv", "--on-error", on_error, *FORMATS[fmt]],
                files=bad,
            )
        yield Case(
            f"bad-value/{on_error}/c-x",
            ["relu", "-f", "bad.csv", "--on-error", on_error, "-c", "x"],
            files=bad,
        )
        yield Case(
            f"bad-value/{on_error}/stats",
            ["relu", "-f", "bad.csv", "--on-error", on_error, "--stats"],
            files=bad,
        )
        stdin = text("1\n-2\nabc\n1_000\n0x10\n3\n")
        yield Case(f"bad-value-stdin/{on_error}/default", ["relu", "--on-error", on_error], stdin=stdin)
        yield Case(
            f"bad-value-stdin/{on_error}/json",
            ["relu", "--on-error", on_error, "--format", "json"],
            stdin=stdin,
        )
        ragged = {"ragged.csv": text(RAGGED)}
        for fmt in ["default", "json"]:
            yield Case(
                f"wrong-field-count/{on_error}/{fmt}",
                ["relu", "-f", "ragged.csv", "--on-error", on_error, *FORMATS[fmt]],
                files=ragged,
            )
        yield Case(
            f"wrong-field-count-no-header-columns/{on_error}",
            ["relu", "-c", "1", "--on-error", on_error],
            stdin=text("1,2\n-3\n4,5\n"),
        )
        yield Case(
            f"invalid-utf8-early/{on_error}", ["relu", "--on-error", on_error], stdin=raw(b"1\n-2\n\xff\n3\n")
        )
        yield Case(f"nul-bytes/{on_error}", ["relu", "--on-error", on_error], stdin=raw(b"1\n\x00\n-2\n"))
    yield Case("wrong-field-count-no-header", ["relu"], stdin=text("1,2\n-3\n4,5,6\n"))
    yield Case("unterminated-quote/stdin", ["relu"], stdin=text('x,y\n1,"abc\n2,3\n'))
    yield Case(
        "unterminated-quote/skip", ["relu", "--on-error", "skip"], stdin=text('x,y\n1,2\n-3,"abc\n2,3\n')
    )
    yield Case(
        "unterminated-quote/file", ["relu", "-f", "q.csv"], files={"q.csv": text('x,label\n-1,ok\n2,"open\n')}
    )
    yield Case("invalid-utf8-early/file", ["relu", "-f", "u.txt"], files={"u.txt": raw(b"-1\n2\xe9\n3\n")})
    yield Case("invalid-utf8-early/first-line", ["relu"], stdin=raw(b"\xff\xfe-1\n"))
    yield Case(
        "invalid-utf8-early/passthrough-column",
        ["relu", "-c", "x"],
        stdin=raw(b"x,label\n-1,caf\xe9\n2,ok\n"),
    )
    yield Case("invalid-utf8-early/json", ["relu"], stdin=raw(b'[{"x": -1, "s": "\xff"}]\n'))
    yield Case("invalid-utf8-early/latin1-header", ["relu"], stdin=raw(b"x,caf\xe9\n-1,2\n"))
    yield Case("nul-bytes/in-a-line", ["relu"], stdin=raw(b"1\x002\n-3\n"))
    yield Case("nul-bytes/in-passthrough", ["relu", "-c", "x"], stdin=raw(b"x,label\n-1,a\x00b\n"))
    yield Case("nul-bytes/binary", ["relu"], stdin=raw(bytes(range(256))))
    for fmt, options in FORMATS.items():
        yield Case(f"empty-input/stdin/{fmt}", ["relu", *options], stdin=text(""))
        yield Case(f"header-only/{fmt}", ["relu", *options], stdin=text("x,y\n"))
    yield Case("empty-input/no-stdin", ["relu"])
    yield Case("empty-input/file", ["relu", "-f", "empty.csv"], files={"empty.csv": text("")})
    yield Case(
        "empty-input/file-json",
        ["relu", "-f", "empty.csv", "--format", "json"],
        files={"empty.csv": text("")},
    )
    yield Case("empty-input/stats", ["relu", "--stats"], stdin=text(""))
    yield Case("empty-input/names", ["relu", "-n"], stdin=text(""))
    yield Case("header-only/c-x", ["relu", "-c", "x"], stdin=text("x,y\n"))
    yield Case("header-only/stats", ["relu", "--stats"], stdin=text("x,y\n"))
    yield Case(
        "header-only/file-no-newline",
        ["relu", "-f", "h.csv", "--format", "json"],
        files={"h.csv": text("x,y")},
    )
    yield Case("values-and-file", ["relu", "1", "-f", "a.txt"], files={"a.txt": text("1\n")})
    yield Case("values-and-stdin", ["relu", "1", "2"], stdin=text("3\n"), stdin_from="file")
    yield Case("missing-file", ["relu", "-f", "missing.csv"])
    yield Case("directory", ["relu", "-f", "adir"], files={"adir": DIRECTORY})
    yield Case("directory-dot", ["relu", "-f", "."])


def _option_cases() -> Iterator[Case]:
    bad_options = {
        "slope-nan": ["leaky-relu", "--slope", "nan", "1"],
        "slope-inf": ["leaky-relu", "--slope", "inf", "1"],
        "slope-abc": ["leaky-relu", "--slope", "abc", "1"],
        "slope-1e400": ["leaky-relu", "--slope", "1e400", "1"],
        "slope-negative": ["leaky-relu", "--slope", "-0.5", "-2", "2"],
        "slope-zero": ["leaky-relu", "--slope", "0", "-inf", "-2", "0", "2", "--mode", "gradient"],
        "slope-zero-forward": ["leaky-relu", "--slope", "0", "-inf", "-2", "0", "2"],
        "slope-on-relu": ["relu", "--slope", "0.1", "1"],
        "max-value-negative": ["relu", "--max-value", "-1", "1"],
        "max-value-zero": ["relu", "--max-value", "0", "1"],
        "max-value-nan": ["relu", "--max-value", "nan", "1"],
        "max-value-below-threshold": ["relu", "--max-value", "0.5", "--threshold", "1", "1"],
        "max-value-equals-threshold": ["relu", "--max-value", "1", "--threshold", "1", "1"],
        "threshold-inf": ["relu", "--threshold", "inf", "1"],
        "threshold-negative": ["relu", "--threshold", "-1", "-2", "-1", "-0.5", "0", "1"],
        "threshold-negative-leaky": [
            "leaky-relu",
            "--threshold",
            "-1",
            "--max-value",
            "2",
            "-2",
            "-0.5",
            "3",
        ],
        "max-rows-negative": ["relu", "--max-rows", "-1", "1"],
        "max-rows-text": ["relu", "--max-rows", "x", "1"],
        "jobs-zero": ["relu", "-j", "0", "1"],
        "jobs-text": ["relu", "-j", "many", "1"],
        "format-unknown": ["relu", "--format", "xml", "1"],
        "mode-unknown": ["relu", "--mode", "backward", "1"],
        "on-error-unknown": ["relu", "--on-error", "ignore", "1"],
        "color-unknown": ["relu", "--color", "sometimes", "1"],
        "unknown-option": ["relu", "--fromat", "json", "1"],
        "unknown-command": ["gelu", "1"],
        "no-command": [],
        "format-upper": ["relu", "--format", "JSON", "1"],
        "quiet": ["relu", "-q", "-1", "2"],
        "jobs-one-values": ["relu", "-j", "1", "-1", "2"],
        "version": ["--version"],
    }
    for name, argv in bad_options.items():
        yield Case(f"options/{name}", argv)


def _table_and_color_cases() -> Iterator[Case]:
    for rows in [None, "0", "6", "1"]:
        extra = [] if rows is None else ["--max-rows", rows]
        label = "default" if rows is None else rows
        for fname in ["relu", "leaky-slope0.1-threshold1-max6-gradient"]:
            yield Case(
                f"table/values/{fname}/max-rows-{label}",
                [*FUNCTIONS[fname], *TABLE_VALUES, "--format", "table", *extra],
            )
        yield Case(
            f"table/csv/max-rows-{label}",
            ["relu", "-f", "data.csv", "--format", "table", *extra],
            files={"data.csv": text(SAMPLE)},
        )
        yield Case(
            f"table/many/max-rows-{label}",
            ["leaky-relu", "--format", "table", *extra],
            stdin=gen("many_values"),
        )
    yield Case("table/max-rows-without-table", ["relu", "--max-rows", "2", "-1", "2", "3"])
    yield Case(
        "table/wide-numbers",
        ["relu", "--format", "table", "1.7976931348623157e308", "5e-324", "-1e-300", "123456789012345678"],
    )
    yield Case("table/json-objects", ["relu", "--format", "table"], stdin=text(JSON_INPUTS["mixed-values"]))
    yield Case("table/whitespace-ragged", ["relu", "--format", "table"], stdin=text(WHITESPACE_ROWS))
    for color in ["never", "always"]:
        yield Case(
            f"color-{color}/table-values",
            ["relu", "--color", color, "--format", "table", "-2", "0", "nan", "3"],
        )
        yield Case(
            f"color-{color}/table-csv",
            ["relu", "--color", color, "--format", "table", "-f", "data.csv"],
            files={"data.csv": text(SAMPLE)},
        )
        yield Case(f"color-{color}/csv", ["relu", "--color", color, "--format", "csv", "-2", "3"])
        yield Case(
            f"color-{color}/error",
            ["relu", "--color", color, "-f", "bad.csv"],
            files={"bad.csv": text(BAD_CSV)},
        )
        yield Case(
            f"color-{color}/warning",
            ["relu", "--color", color, "-f", "bad.csv", "--on-error", "skip"],
            files={"bad.csv": text(BAD_CSV)},
        )
        yield Case(f"color-{color}/stats", ["relu", "--color", color, "--stats", "-2", "3"])
        yield Case(f"color-{color}/usage-error", ["relu", "--color", color, "--slope", "1", "2"])


def _stats_and_names_cases() -> Iterator[Case]:
    for fname in [
        "relu",
        "leaky",
        "relu-gradient",
        "relu6",
        "relu-threshold1",
        "leaky-slope0.1-threshold1-max6-gradient",
    ]:
        yield Case(f"stats/values/{fname}", [*FUNCTIONS[fname], *EDGE_VALUES, "--stats"])
    for fmt in ["json", "table"]:
        yield Case(f"stats/values/relu/{fmt}", ["relu", *EDGE_VALUES, "--stats", *FORMATS[fmt]])
    for fname in ["relu", "leaky-slope0.1", "relu6-gradient"]:
        yield Case(f"stats/stdin-odd/{fname}", [*FUNCTIONS[fname], "--stats"], stdin=ODD_STDIN)
        yield Case(
            f"stats/csv/{fname}",
            [*FUNCTIONS[fname], "--stats", "-f", "data.csv"],
            files={"data.csv": text(SAMPLE)},
        )
    yield Case(
        "stats/csv/c-x", ["relu", "--stats", "-f", "data.csv", "-c", "x"], files={"data.csv": text(SAMPLE)}
    )
    yield Case("stats/json-objects", ["relu", "--stats"], stdin=text(JSON_INPUTS["mixed-values"]))
    yield Case("stats/whitespace", ["relu", "--stats"], stdin=text(WHITESPACE_ROWS))
    yield Case("stats/all-nan", ["relu", "--stats", "nan", "nan"])
    yield Case("stats/quiet", ["relu", "--stats", "-q", "-1", "1"])
    names = {
        "sample": ("data.csv", text(SAMPLE)),
        "bom": ("data.csv", raw(b"\xef\xbb\xbf" + SAMPLE.encode())),
        "tsv": ("data.tsv", text(TSV)),
        "semicolon": ("data.txt", text(SEMICOLON)),
        "duplicates": ("dups.csv", text(DUPLICATES)),
        "numeric-header": ("nums.csv", text(NUMERIC_HEADER)),
        "whitespace": ("data.txt", text(WHITESPACE_ROWS)),
        "empty-header-cell": ("e.csv", text("x,,y\n1,2,3\n")),
    }
    for vname, (name, spec) in names.items():
        yield Case(f"names/{vname}", ["relu", "-n", "-f", name], files={name: spec})
    yield Case(
        "names/numeric-header--header",
        ["relu", "-n", "--header", "-f", "nums.csv"],
        files={"nums.csv": text(NUMERIC_HEADER)},
    )
    yield Case("names/stdin-values", ["relu", "--names"], stdin=text("-1\n2\n"))
    yield Case("names/with-values", ["relu", "-n", "1", "2"])
    yield Case(
        "names/with-format-json",
        ["relu", "-n", "--format", "json", "-f", "data.csv"],
        files={"data.csv": text(SAMPLE)},
    )


def _large_cases() -> Iterator[Case]:
    """Inputs of more than 1 MiB: worker processes, chunks of 512 KiB, long lines read in pieces.

    Each group of ``same_output`` must give one output: with and without workers, from a pipe or a file,
    compressed or not. Text goes through real pipes, the other formats in-process (where ``-j 3`` forks
    workers all the same)."""
    for name in ["numbers", "numbers_with_blank_lines", "numbers_with_nan", "csv_xy"]:
        for fmt in DATA_FORMATS:
            for jobs in ["1", "3"]:
                yield Case(
                    f"large-{name}/relu/{fmt}/j{jobs}",
                    ["relu", *FORMATS[fmt], "-j", jobs],
                    stdin=gen(name),
                    runner="subprocess" if fmt == "default" else "inprocess",
                    same_output=f"large-{name}/relu/{fmt}",
                )
    same = "large-numbers/relu/default"
    yield Case(
        "large-numbers-file/relu/j3",
        ["relu", "-f", "big.txt", "-j", "3"],
        files={"big.txt": gen("numbers")},
        same_output=same,
    )
    yield Case("large-numbers-gzip/relu/j3", ["relu", "-j", "3"], stdin=gz(gen("numbers")), same_output=same)
    for jobs in ["1", "3"]:
        yield Case(
            f"large-numbers/leaky-slope0.25/j{jobs}",
            ["leaky-relu", "--slope", "0.25", "-j", jobs],
            stdin=gen("numbers"),
            same_output="large-numbers/leaky-slope0.25",
        )
        yield Case(
            f"large-csv_xy/relu/c-x,y/j{jobs}",
            ["relu", "-c", "x,y", "-j", jobs],
            stdin=gen("csv_xy"),
            same_output="large-csv_xy/relu/c-x,y",
        )
    yield Case(
        "large-numbers/relu6-gradient/tsv/j3",
        [*FUNCTIONS["relu6-gradient"], "--format", "tsv", "-j", "3"],
        stdin=gen("numbers_with_nan"),
    )
    yield Case("large-numbers/relu/stats", ["relu", "--stats"], stdin=gen("numbers"))

    # bad data deep in the input: -j 3 through real pipes, -j 1 in-process
    for on_error in ["fail", "skip", "nan"]:
        for jobs in ["1", "3"]:
            yield Case(
                f"deep-bad-value/{on_error}/j{jobs}",
                ["relu", "--on-error", on_error, "-j", jobs],
                stdin=gen("numbers_bad_deep"),
                runner="subprocess" if jobs == "3" else "inprocess",
                same_output=f"deep-bad-value/{on_error}",
            )
    for on_error in ["fail", "nan"]:
        for jobs in ["1", "3"]:
            yield Case(
                f"deep-bad-csv/{on_error}/j{jobs}",
                ["relu", "-c", "x,y", "--on-error", on_error, "-j", jobs],
                stdin=gen("csv_xy_bad_deep"),
                runner="subprocess" if jobs == "3" and on_error == "nan" else "inprocess",
                same_output=f"deep-bad-csv/{on_error}",
            )
    yield Case(
        "deep-bad-csv/skip/j3",
        ["relu", "-c", "x,y", "--on-error", "skip", "-j", "3"],
        stdin=gen("csv_xy_bad_deep"),
    )
    for jobs in ["1", "3"]:
        yield Case(
            f"deep-invalid-utf8/fail/j{jobs}",
            ["relu", "-j", jobs],
            stdin=gen("numbers_bad_utf8_deep"),
            runner="subprocess" if jobs == "3" else "inprocess",
            same_output="deep-invalid-utf8/fail",
        )
    yield Case(
        "deep-invalid-utf8/skip/j3",
        ["relu", "--on-error", "skip", "-j", "3"],
        stdin=gen("numbers_bad_utf8_deep"),
    )
    yield Case(
        "deep-invalid-utf8/file/j3",
        ["relu", "-f", "u.txt", "-j", "3"],
        files={"u.txt": gen("numbers_bad_utf8_deep")},
    )
    yield Case("deep-nul/j3", ["relu", "-j", "3"], stdin=gen("numbers_nul_deep"))

    # one line of 2 MB, read in pieces
    for fmt in ["default", "csv"]:
        for jobs in ["1", "3"]:
            yield Case(
                f"long-line/relu/{fmt}/j{jobs}",
                ["relu", *FORMATS[fmt], "-j", jobs],
                stdin=gen("long_line"),
                runner="subprocess" if jobs == "3" else "inprocess",
                same_output=f"long-line/relu/{fmt}",
            )
    for fmt in ["default", "csv", "json"]:
        yield Case(
            f"long-line-after-short-ones/relu/{fmt}",
            ["relu", *FORMATS[fmt]],
            stdin=gen("long_line_after_short_ones"),
        )
    yield Case(
        "long-line/leaky-gradient/file",
        [*FUNCTIONS["leaky-slope0.1-gradient"], "-f", "line.txt"],
        files={"line.txt": gen("long_line")},
    )
    yield Case("long-line/relu/c-1", ["relu", "-c", "1"], stdin=gen("long_line"))
    yield Case(
        "long-line/relu/table", ["relu", "--format", "table", "--max-rows", "4"], stdin=gen("long_line")
    )
    for on_error in ["fail", "skip", "nan"]:
        yield Case(
            f"long-line-bad-value/{on_error}",
            ["relu", "--on-error", on_error],
            stdin=gen("long_line_with_a_bad_value"),
        )


# -------------------------------------------------------------------------------------------- running


@dataclass
class Outcome:
    status: int
    stdout: bytes
    stderr: bytes


def prepare(case: dict[str, Any], directory: Path) -> bytes | None:
    """Write a case's files into ``directory``; the bytes of its stdin, if it has one."""
    for name, spec in case["files"].items():
        path = directory / name
        if spec.get("directory"):
            path.mkdir()
        else:
            path.write_bytes(materialize(spec))
    return None if case["stdin"] is None else materialize(case["stdin"]["input"])


def run_subprocess(case: dict[str, Any], directory: Path, stdin: bytes | None) -> Outcome:
    """The case through the installed entry point, in ``directory``, with its stdin a real pipe (or a
    redirected file, or /dev/null)."""
    env = {**os.environ}
    for key, value in ENV.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    command = [RELU_CLI, *case["argv"]]
    options: dict[str, Any] = {"cwd": directory, "env": env, "capture_output": True, "timeout": 300}
    if stdin is None:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, check=False, **options)
    elif case["stdin"]["from"] == "file":
        redirected = directory.parent / f"{directory.name}.stdin"
        redirected.write_bytes(stdin)
        with redirected.open("rb") as handle:
            result = subprocess.run(command, stdin=handle, check=False, **options)
    else:
        result = subprocess.run(command, input=stdin, check=False, **options)
    return Outcome(result.returncode, result.stdout, result.stderr)


@contextmanager
def _working_directory(directory: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def _show_warning(
    message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextmanager
def _warnings_as_in_a_fresh_process() -> Iterator[None]:
    """Python's default warning filters, each warning shown once per place on stderr, as in a process of
    its own (a test runner would record them instead, and an earlier run would have used up the once)."""
    with warnings.catch_warnings():  # also forgets which warnings were already shown
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        warnings.showwarning = _show_warning
        yield


def run_inprocess(case: dict[str, Any], directory: Path, stdin: bytes | None) -> Outcome:
    """The case through relu-cli's command in this process, with fake byte streams (stdin a BytesIO;
    stdout and stderr BytesIO, never terminals) and ``directory`` as the working directory.

    The command is built afresh for every run, as the console script builds it in every process: once
    built, a command would be found where a fresh process has only its name (see ``ReluGroup``)."""
    import typer.main
    from typer.testing import CliRunner

    from relu_cli.cli import app

    command = typer.main.get_command(app)
    status: Any = 0
    isolation = CliRunner().isolation(input=stdin, env=ENV)
    with _working_directory(directory), _warnings_as_in_a_fresh_process(), isolation as (out, err, _):
        # help as wide as in a process: Click's width for the terminal COLUMNS describes, where the
        # isolation would force 80 columns
        width = max(min(shutil.get_terminal_size().columns, 80) - 2, 50)
        try:
            command.main(args=list(case["argv"]), prog_name="relu-cli", terminal_width=width)
        except SystemExit as exit_:
            status = exit_.code
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return Outcome(int(status or 0), stdout, stderr)


@cache
def _scratch() -> Path:
    """A directory for this process's runs, removed at exit."""
    parent = Path(tempfile.mkdtemp(prefix="relu-cli-behaviour-"))
    atexit.register(shutil.rmtree, parent, ignore_errors=True)
    (parent / "work").mkdir()
    return parent / "work"


def _empty(directory: Path) -> None:
    for path in [*directory.iterdir(), directory.parent / f"{directory.name}.stdin"]:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def run(case: dict[str, Any], runner: str | None = None) -> Outcome:
    """Run a case as its ``runner`` says (or as ``runner`` says), in an empty directory.

    The directory is emptied after each run rather than made anew: removing a directory can take
    milliseconds, which over hundreds of cases add up."""
    directory = _scratch()
    try:
        stdin = prepare(case, directory)
        if (runner or case["runner"]) == "subprocess":
            return run_subprocess(case, directory, stdin)
        return run_inprocess(case, directory, stdin)
    finally:
        _empty(directory)


# -------------------------------------------------------------------------------------------- storing


def normalised(data: bytes) -> bytes:
    """``data`` with this machine's site-packages directory (which a Python warning would name) written
    ``<site-packages>``, so that the recording holds on another checkout."""
    for key in ("purelib", "platlib"):
        data = data.replace(sysconfig.get_paths()[key].encode(), b"<site-packages>")
    return data


def stored(data: bytes) -> dict[str, Any]:
    """How an output is kept: whole when short, else its length, hash and both ends."""
    if len(data) <= WHOLE_LIMIT:
        return raw(data)
    return {
        "length": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "head": data[:EDGE].decode("utf-8", "backslashreplace"),
        "tail": data[-EDGE:].decode("utf-8", "backslashreplace"),
    }


def record(case: Case) -> tuple[dict[str, Any], list[str]]:
    """The case's entry for the JSON file, and warnings about it."""
    entry = case.record()
    truth = run(entry, "subprocess")
    warnings = []
    if entry["runner"] == "inprocess":
        here = run(entry, "inprocess")
        if (here.status, here.stdout, here.stderr) != (truth.status, truth.stdout, truth.stderr):
            warnings.append(
                f"{case.id}: differs in-process ({here.status}) from the entry point ({truth.status})"
            )
            entry["runner"] = "subprocess"
    entry.update(
        exit=truth.status, stdout=stored(normalised(truth.stdout)), stderr=stored(normalised(truth.stderr))
    )
    return entry, warnings


def recording() -> tuple[dict[str, Any], list[str]]:
    entries, warnings, seen = [], [], set()
    for case in cases():
        assert case.id not in seen, f"two cases named {case.id}"
        seen.add(case.id)
        entry, notes = record(case)
        entries.append(entry)
        warnings.extend(notes)
    document = {
        "about": "What relu-cli does today for each case; made by tests/data/make_behaviour.py, replayed by "
        "tests/test_behaviour.py. Never edited by hand.",
        "environment": ENV,
        "cases": entries,
    }
    return document, warnings


def dumped(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a fresh recording differs from the file"
    )
    arguments = parser.parse_args()
    document, warnings = recording()
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    text_ = dumped(document)
    entries = document["cases"]
    subprocesses = sum(entry["runner"] == "subprocess" for entry in entries)
    summary = f"{len(entries)} cases, {subprocesses} as subprocesses, {len(text_.encode()) / 1e6:.2f} MB"
    if arguments.check:
        same = BEHAVIOUR_PATH.exists() and BEHAVIOUR_PATH.read_text(encoding="utf-8") == text_
        print(f"{summary}: {'the same as' if same else 'DIFFERENT from'} {BEHAVIOUR_PATH.name}")
        return 0 if same else 1
    BEHAVIOUR_PATH.write_text(text_, encoding="utf-8")
    print(f"{summary}: written to {BEHAVIOUR_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
