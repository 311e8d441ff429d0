"""The columns completion offers for -c, read from an input's first record: the same names as --names, from
a bounded head of the file, whatever its format."""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from relu_cli import peek
from relu_cli.cli import app
from relu_cli.errors import InputError
from relu_cli.peek import HEAD, column_candidates, first_record_names


@pytest.mark.parametrize(
    ("name", "content", "names"),
    [
        ("data.csv", 'id,x,label\n1,-2.5,"a, b"\n', ["id", "x", "label"]),
        ("data.tsv", "a b\tc\n1\t2\n", ["a b", "c"]),
        ("data.txt", "\ufeff\n\n  a  b\n1 2\n", ["a", "b"]),  # BOM, blank lines, runs of blanks
        ("data.txt", '"x y";z\r\n1;2\r\n', ["x y", "z"]),
        ("mac.csv", "id, x \r1,2\r", ["id", " x "]),  # lone CR line ends; names as written
        ("data.csv", "x,x,y\n1,2,3\n", ["x", "x_2", "y"]),  # duplicates numbered, as --names shows
        ("data.csv", "-1,2,3\n4,5,6\n", ["1", "2", "3"]),  # no header
        ("data.json", ' [\n {"t": "a", "x": -1}, {"t": "b", "x": 2}]', ["t", "x"]),
        ("data.ndjson", '{"id": 1, "x": -2}\n{"id": 2, "x": 3}\n', ["id", "x"]),
        ("data.json", "[-1, 2.5]", ["1"]),
        ("data.json", "[]", ["1"]),
        ("empty.csv", "", []),
    ],
)
def test_names_are_those_of_the_first_record(
    tmp_path: Path, name: str, content: str, names: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert first_record_names(str(path)) == names
    listed = CliRunner().invoke(app, ["relu", "--names", "-f", str(path)])
    assert [line.split(": ", 1)[1] for line in listed.stdout.splitlines()] == names  # as --names lists them


def test_gzip_input_is_read_decompressed_by_name_or_by_magic(tmp_path: Path) -> None:
    (tmp_path / "data.csv.gz").write_bytes(gzip.compress(b"id,x\n1,2\n"))
    (tmp_path / "data").write_bytes(gzip.compress(b'[{"k": 1}]'))
    assert first_record_names(str(tmp_path / "data.csv.gz")) == ["id", "x"]
    assert first_record_names(str(tmp_path / "data")) == ["k"]


def test_delimiter_and_header_options_apply_as_on_a_command(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("a;b c\n1;2 3\n")
    assert first_record_names(str(path)) == ["a", "b c"]
    assert first_record_names(str(path), delimiter="whitespace") == ["a;b", "c"]
    assert first_record_names(str(path), header=False) == ["1", "2"]
    json_path = tmp_path / "data.json"
    json_path.write_text('{"k": 1}\n')
    assert first_record_names(str(json_path), delimiter="whitespace") == ['{"k":', "1}"]  # text, as -d says


class CountingFile(io.FileIO):
    """A file that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        CountingFile.read_bytes += len(data)
        return data


def test_only_the_head_of_a_large_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"id,x\n" + b"1,2\n" * (1 << 20))  # 4 MiB of records after the header
    monkeypatch.setattr(peek, "open", lambda name, mode: CountingFile(name, "r"), raising=False)
    assert first_record_names(str(path)) == ["id", "x"]
    assert 0 < CountingFile.read_bytes <= HEAD + 1


def test_a_large_file_with_lone_cr_line_ends_gives_the_names_of_its_first_record(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"id,x\r" + b"1,2\r" * (1 << 20))  # no line feed in the head read
    assert first_record_names(str(path)) == ["id", "x"]


def test_a_first_record_longer_than_the_head_gives_no_names(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"column{i}" for i in range(20_000)) + "\n1\n")
    assert os.path.getsize(path) > HEAD
    assert first_record_names(str(path)) == []
    assert first_record_names(str(path), head=1 << 20)[-1] == "column19999"


def test_a_named_pipe_is_not_opened(tmp_path: Path) -> None:
    """Opening a FIFO would wait for a writer: completion would hang."""
    path = tmp_path / "fifo"
    os.mkfifo(path)
    assert first_record_names(str(path)) == []


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("plain.csv.gz", b"id,x\n", Exception),  # zlib.error
        ("bad.csv", b"\xff\xfeid,x\n", InputError),
        ("open.csv", b'"id,x\n1,2\n', InputError),  # unterminated quote
        ("bad.json", b'[{"k": 1,', ValueError),
    ],
)
def test_unreadable_inputs_raise_for_the_caller_to_silence(
    tmp_path: Path, name: str, content: bytes, error: type[Exception]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error):
        first_record_names(str(path))


@pytest.mark.parametrize(
    ("names", "incomplete", "expected"),
    [
        (["id", "x"], "", [("id", "column 1"), ("x", "column 2"), ("1", "id"), ("2", "x")]),
        (["1", "2"], "", [("1", "column 1"), ("2", "column 2")]),  # no header: the numbers once
        (["2", "1"], "", [("2", "column 1"), ("1", "column 2")]),  # a header of numbers: names first
        (["id", "x", "y"], "x, 1,", [("x, 1,y", "column 3"), ("x, 1,3", "y")]),
        ([], "", []),
    ],
)
def test_candidates_are_names_then_numbers_after_the_items_listed(
    names: list[str], incomplete: str, expected: list[tuple[str, Any]]
) -> None:
    assert column_candidates(names, incomplete) == expected
