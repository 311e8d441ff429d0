"""gzip-compressed input is read transparently: by a ``.gz`` name or by gzip's magic bytes on stdin."""

from __future__ import annotations

import gzip
from pathlib import Path

from test_e2e import shell

DATA = 'id,x,label\n1,-2.5,"a, b"\n2,4,c\n'
TRANSFORMED = 'id,x,label\n1.0,0.0,"a, b"\n2.0,4.0,c\n'


def test_a_csv_gz_file_reads_like_the_csv(tmp_path: Path) -> None:
    (tmp_path / "data.csv.gz").write_bytes(gzip.compress(DATA.encode()))
    result = shell("relu-cli relu -f data.csv.gz", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == TRANSFORMED


def test_the_name_under_gz_still_sets_the_delimiter(tmp_path: Path) -> None:
    (tmp_path / "data.tsv.gz").write_bytes(gzip.compress(b"a,b\tc\n-1\t-2\n"))
    result = shell("relu-cli relu -f data.tsv.gz", cwd=tmp_path)
    assert result.stdout == "a,b\tc\n0.0\t0.0\n"


def test_gzip_on_stdin_is_recognised_by_its_magic_bytes(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text(DATA)
    result = shell("gzip -c data.csv | relu-cli relu -c x", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'id,x,label\n1,0.0,"a, b"\n2,4.0,c\n'


def test_a_compressed_file_without_gz_name_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "numbers").write_bytes(gzip.compress(b"-1\n2\n"))
    result = shell("relu-cli relu -f numbers --format csv", cwd=tmp_path)
    assert result.stdout == "input,output\n-1,0.0\n2,2.0\n"


def test_names_of_a_compressed_csv(tmp_path: Path) -> None:
    (tmp_path / "data.csv.gz").write_bytes(gzip.compress(DATA.encode()))
    assert shell("relu-cli relu -n -f data.csv.gz", cwd=tmp_path).stdout == "  1: id\n  2: x\n  3: label\n"


def test_a_truncated_gzip_file_is_bad_data_at_its_name(tmp_path: Path) -> None:
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress(DATA.encode() * 100)[:30])
    result = shell("relu-cli relu -f cut.csv.gz", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("relu-cli: error: cut.csv.gz: not valid gzip data (")
    assert result.stderr.count("\n") == 1


def test_a_gz_name_on_plain_text_is_bad_data(tmp_path: Path) -> None:
    (tmp_path / "plain.csv.gz").write_text(DATA)
    result = shell("relu-cli relu -f plain.csv.gz", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("relu-cli: error: plain.csv.gz: not valid gzip data (")
