"""Readers: numbers, records, delimiters, headers and column lists, with every error's location pinned."""

from __future__ import annotations

import io
import math
import os

import pytest

from relu_cli.chunks import WHITESPACE, Batch, Layout, check_same_layout, split_record, unquote
from relu_cli.errors import ExitCode, InputError, UsageError
from relu_cli.input.text import (
    TextReader,
    column_names,
    delimiter_for_path,
    is_header,
    read_values,
    sniff_delimiter,
)
from relu_cli.numbers import parse_number
from relu_cli.transform import parse_columns

# ------------------------------------------------------------------------------------------- helpers


def read_all(data: bytes, **options: object) -> tuple[Layout | None, list[list[str]], list[int], int]:
    """Layout, every record, their line numbers and the number of batches of ``data`` read as ``in.txt``."""
    reader = TextReader(io.BytesIO(data), "in.txt", **options)  # type: ignore[arg-type]
    rows: list[list[str]] = []
    lines: list[int] = []
    batches = 0
    for batch in reader.batches():
        assert batch.source == "in.txt"
        batch_rows, batch_lines = batch.records()
        assert len(batch_rows) == len(batch_lines)
        rows += batch_rows
        lines += batch_lines
        batches += 1
    return reader.layout, rows, lines, batches


def input_error(data: bytes, **options: object) -> InputError:
    with pytest.raises(InputError) as caught:
        read_all(data, **options)
    return caught.value


class TricklingStream(io.RawIOBase):
    """A pipe that has delivered only some of its chunks so far; reading past them fails the test.

    Its file descriptor is that of a real pipe with nothing in it, so that asking whether more can be
    read without waiting says no, as for a slow producer."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self._pipe = os.pipe()

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._pipe[0]

    def close(self) -> None:  # also called when it is collected
        if self._pipe[0] >= 0:
            for fd in self._pipe:
                os.close(fd)
            self._pipe = (-1, -1)
        super().close()

    def read1(self, size: int = -1) -> bytes:
        assert self.chunks, "the reader waited for more input before handing over what it had"
        return self.chunks.pop(0)


# -------------------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0.0),
        ("1", 1.0),
        ("-1", -1.0),
        ("+1", 1.0),
        ("2.5", 2.5),
        (".5", 0.5),
        ("-.5", -0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("1E-3", 0.001),
        ("-1e+5", -100000.0),
        ("1.5e-7", 1.5e-7),
        ("inf", math.inf),
        ("+inf", math.inf),
        ("-inf", -math.inf),
        ("Infinity", math.inf),
        ("-INFINITY", -math.inf),
        ("  7\t", 7.0),
        ("-0", -0.0),
    ],
)
def test_parse_number_accepts_the_documented_forms(text: str, expected: float) -> None:
    value = parse_number(text)
    assert value == expected
    assert value is not None and math.copysign(1.0, value) == math.copysign(1.0, expected)


@pytest.mark.parametrize("text", ["nan", "NaN", "-nan", "+NAN"])
def test_parse_number_accepts_nan_in_any_case(text: str) -> None:
    value = parse_number(text)
    assert value is not None and math.isnan(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "abc",
        "1_000",
        "0x10",
        "0b1",
        "\u0661",  # ARABIC-INDIC DIGIT ONE: float() takes it, relu-cli does not
        "\uff11\uff12",  # FULLWIDTH DIGIT ONE, TWO
        "-\u0663.5e\u0662",  # Arabic-Indic digits in a signed exponent form
        "1e",
        "e5",
        ".",
        "+",
        "-",
        "--1",
        "1.5.2",
        "1,5",
        "infin",
        "nanx",
        "1 2",
        "1\n",
    ],
)
def test_parse_number_rejects_what_is_not_a_plain_decimal(text: str) -> None:
    assert parse_number(text) is None


# ------------------------------------------------------------------------------ split_record, unquote


@pytest.mark.parametrize(
    ("text", "delimiter", "fields"),
    [
        ("1,2,3", ",", ["1", "2", "3"]),
        ("1,,3,", ",", ["1", "", "3", ""]),
        ('a,"b,c",d', ",", ["a", '"b,c"', "d"]),
        ('"say ""hi"", ok",2', ",", ['"say ""hi"", ok"', "2"]),
        ('"a\nb",1', ",", ['"a\nb"', "1"]),
        ('""""', ",", ['""""']),
        ("1\t-2\t3", "\t", ["1", "-2", "3"]),
        ('"x\ty"\t2', "\t", ['"x\ty"', "2"]),
        ("1;-2", ";", ["1", "-2"]),
        ("  1   -2\t3  ", WHITESPACE, ["1", "-2", "3"]),
    ],
)
def test_split_record_keeps_raw_fields_and_respects_quotes(
    text: str, delimiter: str | None, fields: list[str]
) -> None:
    assert split_record(text, delimiter) == fields


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ('"b,c"', "b,c"),
        ('"say ""hi"""', 'say "hi"'),
        ('""', ""),
        ('""""', '"'),
        ('"a\nb"', "a\nb"),
        ("plain", "plain"),
        ('"', '"'),
        ("", ""),
    ],
)
def test_unquote_undoes_rfc4180_quoting(raw: str, value: str) -> None:
    assert unquote(raw) == value


# ------------------------------------------------------------------------------ delimiters and headers


@pytest.mark.parametrize(
    ("first_record", "delimiter"),
    [
        ("a\tb,c;d e", "\t"),
        ("a,b;c d", ","),
        ("a;b c", ";"),
        ("a  b c", WHITESPACE),
        ("1", WHITESPACE),
    ],
)
def test_sniff_delimiter_prefers_tab_then_comma_then_semicolon_then_whitespace(
    first_record: str, delimiter: str | None
) -> None:
    assert sniff_delimiter(first_record) == delimiter


@pytest.mark.parametrize(
    ("path", "delimiter"),
    [
        ("data.tsv", "\t"),
        ("DATA.TSV", "\t"),
        ("data.csv", ","),
        ("dir.tsv/data.Csv", ","),
        ("data.txt", None),
        ("data", None),
        ("<stdin>", None),
    ],
)
def test_delimiter_for_path_follows_the_extension(path: str, delimiter: str | None) -> None:
    assert delimiter_for_path(path) == delimiter


@pytest.mark.parametrize(
    ("fields", "header"),
    [
        (["x", "1"], False),
        (["cat", "-1"], False),
        (["id", "2021"], False),
        (["x", "y"], True),
        (["x", ""], True),
        (["x"], True),
        (['"x"'], True),
        (["1", "2"], False),
        (["-1", "nan", "inf", "1e3", ".5"], False),
        (['"1"', '"2"'], False),
        (["", "1"], False),
        ([" ", "\t"], False),
        ([], False),
    ],
)
def test_first_record_is_a_header_when_a_field_is_text_and_none_is_a_number(
    fields: list[str], header: bool
) -> None:
    assert is_header(fields) is header


def test_column_names_without_a_header_are_positions() -> None:
    assert column_names(None, 3) == ["1", "2", "3"]


def test_column_names_are_unquoted_and_keep_their_blanks() -> None:
    assert column_names(['"x, y"', " z\t", '"say ""hi"""'], 3) == ["x, y", " z\t", 'say "hi"']


def test_names_differing_only_in_blanks_are_different_columns() -> None:
    assert column_names(["b", "b ", " b"], 3) == ["b", "b ", " b"]


def test_duplicate_column_names_are_made_unique() -> None:
    assert column_names(["a", "b", "a", "a", "a_2"], 5) == ["a", "b", "a_2", "a_3", "a_2_2"]


# ------------------------------------------------------------------------------------- parse_columns

NAMES = ["x", "y", "z", "w", "v"]


@pytest.mark.parametrize(
    ("spec", "indexes"),
    [
        ("x", [0]),
        ("2", [1]),
        ("x,y", [0, 1]),
        ("1,3-5", [0, 2, 3, 4]),
        ("2-2", [1]),
        ("1-2,2-3", [0, 1, 2]),
        (" v , 1 ", [4, 0]),
        ("w,x", [3, 0]),
    ],
)
def test_parse_columns_takes_names_indices_and_ranges(spec: str, indexes: list[int]) -> None:
    assert parse_columns(spec, NAMES) == indexes


def test_parse_columns_finds_a_column_named_like_a_number_by_its_name() -> None:
    assert parse_columns("2", ["a", "b", "2"]) == [2]


@pytest.mark.parametrize(
    ("spec", "indexes"),
    [("b", [1]), ("b  ", [1]), ("c", [2]), (" c", [2]), ("  c", [2]), ("2", [3])],
)
def test_parse_columns_finds_names_with_blanks_as_written_or_trimmed(spec: str, indexes: list[int]) -> None:
    assert parse_columns(spec, ["n", "b  ", "  c", " 2"]) == indexes


def test_parse_columns_prefers_the_name_as_written_to_a_trimmed_one() -> None:
    assert parse_columns("b", [" b", "b"]) == [1]


@pytest.mark.parametrize(
    ("spec", "bad"),
    [
        ("q", "q"),
        ("x,q", "q"),
        ("0", "0"),
        ("6", "6"),
        ("5-6", "5-6"),
        ("3-1", "3-1"),
        ("", ""),
        ("1-", "1-"),
    ],
)
def test_unknown_column_is_a_usage_error_listing_the_available_columns(spec: str, bad: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_columns(spec, NAMES)
    assert str(caught.value) == (
        f"--columns: no column {bad!r}; available: 1 'x', 2 'y', 3 'z', 4 'w', 5 'v'"
    )
    assert caught.value.exit_code == ExitCode.USAGE


# --------------------------------------------------------------------------------------- read_values


def test_read_values_makes_one_record_per_argument() -> None:
    layout, batch = read_values(["-1", "2.5", "-inf", "nan", "+3"])
    assert layout == Layout("arguments", WHITESPACE, None, ["1"], value_list=True)
    assert batch == Batch("arguments", [["-1"], ["2.5"], ["-inf"], ["nan"], ["+3"]], [1, 2, 3, 4, 5])


def test_read_values_names_the_argument_that_is_not_a_number() -> None:
    with pytest.raises(UsageError) as caught:
        read_values(["1", "-2", "foo", "bar"])
    assert str(caught.value) == "argument 3: 'foo' is not a number"
    assert caught.value.exit_code == ExitCode.USAGE


# ---------------------------------------------------------------------------------------- TextReader


def test_reader_detects_a_csv_header() -> None:
    layout, rows, lines, _ = read_all(b"x,y\n1,-2\n3,4\n")
    assert layout == Layout("in.txt", ",", ["x", "y"], ["x", "y"], value_list=False)
    assert rows == [["1", "-2"], ["3", "4"]]
    assert lines == [2, 3]


def test_reader_without_a_header_keeps_the_first_record() -> None:
    layout, rows, lines, _ = read_all(b"1,-2\n3,4\n")
    assert layout == Layout("in.txt", ",", None, ["1", "2"], value_list=False)
    assert rows == [["1", "-2"], ["3", "4"]]
    assert lines == [1, 2]


def test_one_headerless_column_is_a_value_list() -> None:
    layout, rows, _, _ = read_all(b"-3\n0\n2.5\n")
    assert layout == Layout("in.txt", WHITESPACE, None, ["1"], value_list=True)
    assert rows == [["-3"], ["0"], ["2.5"]]


def test_one_column_with_a_header_is_a_table_not_a_value_list() -> None:
    layout, rows, _, _ = read_all(b"x\n-3\n")
    assert layout == Layout("in.txt", WHITESPACE, ["x"], ["x"], value_list=False)
    assert rows == [["-3"]]


def test_whitespace_separated_rows_may_have_any_width_without_a_header() -> None:
    layout, rows, _, _ = read_all(b"1  -2   3\n4\n")
    assert layout is not None and layout.delimiter is WHITESPACE and layout.header is None
    assert rows == [["1", "-2", "3"], ["4"]]


def test_forced_header_takes_a_numeric_first_record() -> None:
    layout, rows, lines, _ = read_all(b"1,2\n3,4\n", header=True)
    assert layout == Layout("in.txt", ",", ["1", "2"], ["1", "2"], value_list=False)
    assert (rows, lines) == ([["3", "4"]], [2])


def test_no_header_keeps_a_textual_first_record_as_data() -> None:
    layout, rows, lines, _ = read_all(b"x\n1\n", header=False)
    assert layout == Layout("in.txt", WHITESPACE, None, ["1"], value_list=True)
    assert (rows, lines) == ([["x"], ["1"]], [1, 2])


def test_explicit_delimiter_overrides_detection() -> None:
    layout, rows, _, _ = read_all(b"a;b,c\n1;2,5\n", delimiter=";")
    assert layout is not None and layout.names == ["a", "b,c"]
    assert rows == [["1", "2,5"]]


def test_no_detection_and_no_delimiter_means_whitespace() -> None:
    layout, rows, _, _ = read_all(b"1,2 3\n", delimiter=None, detect_delimiter=False, header=False)
    assert layout is not None and layout.delimiter is WHITESPACE
    assert rows == [["1,2", "3"]]


def test_crlf_line_ends_and_a_missing_final_newline_are_accepted() -> None:
    layout, rows, lines, _ = read_all(b"x,y\r\n1,2\r\n3,4")
    assert layout is not None and layout.names == ["x", "y"]
    assert rows == [["1", "2"], ["3", "4"]]
    assert lines == [2, 3]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 5, 6, 7, 1 << 20])
def test_a_lone_cr_ends_a_record_outside_quoted_fields_whatever_the_chunking(chunk_size: int) -> None:
    # classic Mac OS line ends, with a lone CR and a CR-LF inside quoted fields, and a CR-LF at the end
    data = b'x,note\r-1,"a\rb"\r2,"c\r\nd"\r\r3,e\r\n'
    layout, rows, lines, _ = read_all(data, chunk_size=chunk_size)
    assert layout is not None and layout.names == ["x", "note"]
    assert rows == [["-1", '"a\rb"'], ["2", '"c\nd"'], ["3", "e"]]
    assert lines == [2, 3, 6], "a CR-ended line counts as a line; a quoted lone CR does not"


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 1 << 20])
@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_every_line_end_gives_the_same_records_and_lines(ending: bytes, chunk_size: int) -> None:
    def lines_ended_by(ending: bytes) -> bytes:
        quoted_break = b"\n" if ending == b"\r" else ending  # a lone CR inside quotes is no line end
        return ending.join([b"x,y", b"1,2", b"", b'"q' + quoted_break + b'r",4', b"5,6"])

    expected = read_all(lines_ended_by(b"\n") + b"\n")[:3]
    assert expected[1:] == ([["1", "2"], ['"q\nr"', "4"], ["5", "6"]], [2, 4, 6])
    for final in (ending, b""):
        data = lines_ended_by(ending) + final
        assert read_all(data, chunk_size=chunk_size)[:3] == expected, data


def test_a_cr_at_the_end_of_a_read_is_a_line_end_at_once() -> None:
    # a CR may be the first half of a CR-LF: the record before it is handed over all the same, and the
    # line feed that follows it is not a second line end
    stream = TricklingStream([b"x\r1\r", b"\n2\r", b""])
    batches = TextReader(stream, "<stdin>").batches()  # type: ignore[arg-type]
    first, second = next(batches), next(batches)
    assert (first.records()[0], *second.records()) == ([], [["1"]], [2])
    assert stream.chunks == [b"\n2\r", b""], "the rest was not waited for"
    assert [batch.records() for batch in batches] == [([["2"]], [3])]


def test_a_last_record_without_a_line_end_comes_with_the_records_before_it() -> None:
    # so that it is decided and written as it would be with a line end: here column b is decided
    # numeric by the last record, and the empty cell before it is a missing value of that column
    with_end = TextReader(io.BytesIO(b"a,b\n1,\n2,3\n"), "in.txt")
    without = TextReader(io.BytesIO(b"a,b\n1,\n2,3"), "in.txt")
    batches = [[b.records() for b in r.batches()] for r in (with_end, without)]
    assert batches[0] == batches[1] == [([], []), ([["1", ""], ["2", "3"]], [2, 3])]


@pytest.mark.parametrize("options", [{}, {"header": True}, {"cut_long_records": True}])
def test_a_long_run_of_nul_bytes_is_binary_data_read_in_bounded_memory(options: dict[str, bool]) -> None:
    class Zeros(io.RawIOBase):
        """/dev/zero, counting what is read of it."""

        read_so_far = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            Zeros.read_so_far += len(buffer)
            buffer[:] = bytes(len(buffer))
            return len(buffer)

    reader = TextReader(io.BufferedReader(Zeros()), "zeros", chunk_size=4096, **options)  # type: ignore[arg-type]
    with pytest.raises(InputError) as caught:
        list(reader.batches())
    # binary at its first line, by whichever check sees it first: the NULs of the first record, or a
    # record too long to hold that holds NULs
    assert str(caught.value).startswith("zeros:1: binary data")
    assert Zeros.read_so_far < 4 * 4096, "no more than a chunk or so was read"


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    _, rows, lines, _ = read_all(b"\n  \nx\n\n1\n \t\r\n\n2\n\n")
    assert rows == [["1"], ["2"]]
    assert lines == [5, 8]


def test_byte_order_mark_is_not_part_of_the_first_name() -> None:
    layout, rows, _, _ = read_all(b"\xef\xbb\xbfx,y\r\n1,2\r\n")
    assert layout is not None and layout.names == ["x", "y"] and layout.header == ["x", "y"]
    assert rows == [["1", "2"]]


def test_quoted_field_may_span_lines_and_keeps_its_first_line_number() -> None:
    layout, rows, lines, _ = read_all(b'name,x\n"two\nlines",1\n"a, ""b""",-2\n')
    assert layout is not None and layout.names == ["name", "x"]
    assert rows == [['"two\nlines"', "1"], ['"a, ""b"""', "-2"]]
    assert lines == [2, 4]


def test_quoted_header_names_are_unquoted_but_the_raw_header_is_kept() -> None:
    layout, _, _, _ = read_all(b'"x, y",z\n1,2\n')
    assert layout is not None
    assert layout.header == ['"x, y"', "z"]
    assert layout.names == ["x, y", "z"]


def test_empty_input_has_no_records_and_no_layout() -> None:
    assert read_all(b"") == (None, [], [], 0)
    assert read_all(b"\n\n\r\n") == (None, [], [], 0)


def test_invalid_utf8_is_an_input_error_with_its_line() -> None:
    error = input_error(b"x\n1\n\xff2\n3\n")
    assert str(error) == "in.txt:3: invalid UTF-8 (relu-cli reads UTF-8 text)"
    assert (error.source, error.line, error.exit_code) == ("in.txt", 3, ExitCode.BAD_DATA)


def test_truncated_utf8_at_the_end_is_an_input_error() -> None:
    error = input_error(b"x\n1\n2\xe2\x82")
    assert str(error) == "in.txt:3: invalid UTF-8 (relu-cli reads UTF-8 text)"


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 5, 6, 7, 1 << 20])
@pytest.mark.parametrize(
    ("data", "line"),
    [
        ("x\n1€\n2€".encode() + b"\xff\n3\n", 3),  # the bad byte follows a character a small chunk splits
        (b"\xef\xbb\xbfx\n1\n\xff\n", 3),  # after a byte order mark
        ("x\n€".encode()[:-1] + b"\n3\n", 2),  # a character cut short by a line end
    ],
)
def test_invalid_utf8_line_is_right_whatever_the_chunking(data: bytes, line: int, chunk_size: int) -> None:
    assert input_error(data, chunk_size=chunk_size).line == line


def test_unterminated_quote_is_an_input_error_at_the_line_it_opened() -> None:
    error = input_error(b'name,x\na,1\n"open,2\nb,3\n')
    assert str(error) == "in.txt:3: unterminated quoted field"
    assert error.line == 3


SPANNING = 'name,x\n"héllo, wörld",-1\r\n\n"€uro\n""sign""",2.5\n😀,.5\nlast,-3'.encode()


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 11])
def test_records_split_across_chunks_read_as_if_whole(chunk_size: int) -> None:
    # small chunks cut records, quoted newlines, CR-LF pairs and multibyte characters apart
    whole = read_all(SPANNING)
    chunked = read_all(SPANNING, chunk_size=chunk_size)
    assert chunked[:3] == whole[:3]
    assert whole[1] == [
        ['"héllo, wörld"', "-1"],
        ['"€uro\n""sign"""', "2.5"],
        ["😀", ".5"],
        ["last", "-3"],
    ]
    assert whole[2] == [2, 4, 6, 7]
    assert chunked[3] > whole[3]  # the small chunks really were read one by one


@pytest.mark.parametrize("chunk_size", [1, 2, 3])
def test_byte_order_mark_split_across_chunks_is_still_dropped(chunk_size: int) -> None:
    layout, rows, _, _ = read_all(b"\xef\xbb\xbfx\n1\n", chunk_size=chunk_size)
    assert layout is not None and layout.names == ["x"]
    assert rows == [["1"]]


def test_records_are_handed_over_before_the_stream_ends() -> None:
    stream = TricklingStream([b"x,y\n1,", b"2\n3,4", b"\n", b""])
    reader = TextReader(stream, "<stdin>")  # type: ignore[arg-type]
    batches = reader.batches()
    first = next(batches)
    assert first.records()[0] == []  # only the header was complete
    second = next(batches)
    assert second.records() == ([["1", "2"]], [2])
    assert stream.chunks == [b"\n", b""]  # the rest was not waited for
    assert [batch.records()[0] for batch in batches] == [[["3", "4"]]]


# ------------------------------------------------------------------------------------ several inputs


def test_inputs_with_the_same_header_form_one_stream() -> None:
    first = Layout("a.csv", ",", ["x", "y"], ["x", "y"], value_list=False)
    check_same_layout(first, Layout("b.csv", ",", ['"x"', "y"], ["x", "y"], value_list=False))


def test_inputs_with_different_headers_are_an_input_error_naming_both() -> None:
    first = Layout("a.csv", ",", ["x", "y"], ["x", "y"], value_list=False)
    with pytest.raises(InputError) as caught:
        check_same_layout(first, Layout("b.csv", ",", ["x", "z"], ["x", "z"], value_list=False))
    assert str(caught.value) == "b.csv: its columns (x, z) differ from those of a.csv (x, y)"


def test_a_headerless_input_after_one_with_a_header_is_an_input_error() -> None:
    first = Layout("a.csv", ",", ["x"], ["x"], value_list=False)
    with pytest.raises(InputError):
        check_same_layout(first, Layout("b.csv", ",", None, ["1"], value_list=True))


def test_records_with_line_breaks_in_quotes_come_in_one_block_with_the_line_each_starts_on() -> None:
    data = b'id,note,x\n1,"a",1\n2,"b\nc",2\n3,"d",3\n4,"e\n\nf",4\n5,"g",5\n'
    reader = TextReader(io.BytesIO(data), "in.csv")
    batches = list(reader.batches())
    blocks = [batch.block for batch in batches if batch.block is not None]
    assert [block.data for block in blocks] == [data[data.index(b"\n") + 1 :]]
    assert blocks[0].lines() == [2, 3, 5, 6, 9]
    assert blocks[0].fields()[3:6] == [b"2", b'"b\nc"', b"2"]
    assert blocks[0].first_cell(1) == "a"
    records = [record for batch in batches for record in zip(*batch.records())]
    assert records == [
        (["1", '"a"', "1"], 2),
        (["2", '"b\nc"', "2"], 3),
        (["3", '"d"', "3"], 5),
        (["4", '"e\n\nf"', "4"], 6),
        (["5", '"g"', "5"], 9),
    ]
