"""The command line through Typer's CliRunner: every option of the issue, with exit status, stdout and
stderr checked separately. CliRunner's stdin is a pipe (never a terminal) and its stdout is not a terminal
either; the terminal cases patch the one place that asks."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner, Result

from relu_cli import app as relu_app
from relu_cli import cli
from relu_cli.cli import app

DATA = Path(__file__).parent / "data" / "cli"
RUNNER = CliRunner()
#: a terminal of a fixed size, no colour unless a test asks for it
TERMINAL = {"COLUMNS": "80", "LINES": "24", "NO_COLOR": None, "TERM": "xterm-256color"}


def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str | None] | None = None) -> Result:
    """Run ``relu-cli ARGS``; whatever happens, no Python exception may escape and no traceback be shown."""
    result = RUNNER.invoke(app, list(args), input=input, env={**TERMINAL, **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    return result


NO_NUMERIC_COLUMN = "relu-cli: warning: no numeric column found; choose one with -c\n"


def ok(*args: str, input: str | bytes | None = None) -> str:
    """stdout of a run that must succeed silently."""
    result = invoke(*args, input=input)
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


def fails(status: int, *args: str, input: str | bytes | None = None) -> Result:
    result = invoke(*args, input=input)
    assert result.exit_code == status
    assert result.stderr.count("\n") == 1, "one line on stderr"
    return result


@pytest.fixture
def in_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the fixture directory so file names in messages are short and exact."""
    monkeypatch.chdir(DATA)
    return DATA


@pytest.fixture
def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin and stdout are terminals, as when a user types the command with nothing piped."""
    for module in (cli, relu_app):  # the command line's error lines, and the command's streams
        monkeypatch.setattr(module, "_isatty", lambda stream: stream is not sys.stderr)


# ----------------------------------------------------------------------------- commands and the article


def test_relu_of_one_is_one_as_in_the_article() -> None:
    assert ok("relu", "1.0") == "1.0\n"


def test_relu_of_minus_one_is_zero_as_in_the_article() -> None:
    assert ok("relu", "-1.0") == "0.0\n"


def test_leaky_relu_of_minus_one_is_minus_a_thousandth_as_in_the_article() -> None:
    assert ok("leaky-relu", "-1.0") == "-0.001\n"


def test_values_print_one_per_line_in_round_trip_form() -> None:
    assert ok("relu", "0", "-0.0", "2.5", "1e-5", "+3", ".5", "5.", "1e400") == (
        "0.0\n0.0\n2.5\n1e-05\n3.0\n0.5\n5.0\ninf\n"
    )


# ------------------------------------------------------------------------------ negative numbers as values


def test_negative_numbers_are_values_without_a_double_dash() -> None:
    assert ok("relu", "-1", "-2.5", "-1e3", "-.5", "-inf", "-nan", "3") == (
        "0.0\n0.0\n0.0\n0.0\n0.0\nnan\n3.0\n"
    )


def test_negative_exponent_form_stays_one_value() -> None:
    # read as -1 and the option -e 5 it would give two lines or an error
    assert ok("leaky-relu", "-1e5") == "-100.0\n"
    assert ok("leaky-relu", "-1E+2", "-INF", "-Infinity") == "-0.1\n-inf\n-inf\n"


def test_double_dash_still_ends_the_options() -> None:
    assert ok("relu", "--", "-1", "2") == "0.0\n2.0\n"


def test_options_may_follow_the_values() -> None:
    assert ok("leaky-relu", "-2", "4", "--slope", "0.5") == "-1.0\n4.0\n"


def test_options_may_sit_between_the_values() -> None:
    assert ok("leaky-relu", "-2", "-s", "0.5", "-4", "--mode", "gradient", "3") == "0.5\n0.5\n1.0\n"


def test_a_bad_value_is_a_usage_error_naming_the_token() -> None:
    result = fails(2, "relu", "1", "foo", "3")
    assert result.stdout == ""
    assert result.stderr == "relu-cli: error: argument 2: 'foo' is not a number\n"


@pytest.mark.parametrize("token", ["-1x", "-.5.5", "-1,5", "1_000", "0x10", "\u0661", ""])
def test_a_bad_value_that_looks_numeric_is_named_whole(token: str) -> None:
    result = fails(2, "relu", "2", token)
    assert result.stderr == f"relu-cli: error: argument 2: {token!r} is not a number\n"


def test_an_unknown_option_is_still_an_unknown_option_with_a_suggestion() -> None:
    result = fails(2, "relu", "--fromat", "json", "1")
    assert result.stdout == ""
    assert result.stderr == (
        "relu-cli: error: No such option: --fromat (Possible options: --format) "
        "(see 'relu-cli relu --help')\n"
    )


# ------------------------------------------------------------------------------------------------ --slope


@pytest.mark.parametrize("spelling", [["--slope", "0.5"], ["-s", "0.5"], ["--slope=0.5"], ["-s0.5"]])
def test_slope_is_accepted_in_every_option_spelling(spelling: list[str]) -> None:
    assert ok("leaky-relu", *spelling, "-4", "2") == "-2.0\n2.0\n"


def test_slope_takes_a_negative_value() -> None:
    assert ok("leaky-relu", "--slope", "-0.1", "-2", "4") == "0.2\n4.0\n"
    assert ok("leaky-relu", "-s", "-1e-1", "-2") == "0.2\n"


def test_slope_zero_makes_leaky_relu_relu() -> None:
    assert ok("leaky-relu", "-s", "0", "-1", "-inf", "2") == "0.0\n0.0\n2.0\n"


def test_default_slope_is_the_articles_thousandth() -> None:
    assert ok("leaky-relu", "-2000") == "-2.0\n"


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("nan", "is not a finite number"),
        ("inf", "is not a finite number"),
        ("-inf", "is not a finite number"),
        ("abc", "is not a number"),
        ("1_000", "is not a number"),
        ("", "is not a number"),
    ],
)
def test_a_non_finite_or_non_numeric_slope_is_a_usage_error_naming_it(token: str, problem: str) -> None:
    result = fails(2, "leaky-relu", "--slope", token, "1")
    assert result.stdout == ""
    assert result.stderr == (
        f"relu-cli: error: Invalid value for '--slope' / '-s': {token!r} {problem} "
        "(see 'relu-cli leaky-relu --help')\n"
    )


def test_slope_without_a_value_is_a_usage_error() -> None:
    result = fails(2, "leaky-relu", "1", "-s")
    assert result.stderr == "relu-cli: error: Option '-s' requires an argument.\n"


@pytest.mark.parametrize("spelling", [["--slope", "0.1"], ["--slope=0.1"], ["-s", "0.1"], ["-s0.1"]])
def test_relu_has_no_slope_and_says_it_is_leaky_relus(spelling: list[str]) -> None:
    result = fails(2, "relu", *spelling, "-1")
    assert result.stdout == ""
    assert result.stderr == "relu-cli: error: --slope is for leaky-relu only (relu has slope 0)\n"


def test_another_unknown_option_of_relu_is_still_unknown() -> None:
    result = fails(2, "relu", "--slop", "0.1", "-1")
    assert result.stderr.startswith("relu-cli: error: No such option: --slop")


# ------------------------------------------------------------------------------------------------- --mode


def test_relu_gradient_is_zero_at_the_kink() -> None:
    assert ok("relu", "--mode", "gradient", "-1", "0", "-0.0", "1", "inf", "-inf", "nan") == (
        "0.0\n0.0\n0.0\n1.0\n1.0\n0.0\nnan\n"
    )


def test_leaky_relu_gradient_is_the_slope_at_the_kink() -> None:
    assert ok("leaky-relu", "-m", "gradient", "-s", "0.5", "-1", "0", "1", "nan") == "0.5\n0.5\n1.0\nnan\n"


def test_forward_mode_is_the_default() -> None:
    assert ok("relu", "-m", "forward", "-1", "2") == ok("relu", "-1", "2") == "0.0\n2.0\n"


def test_an_unknown_mode_is_a_usage_error() -> None:
    result = fails(2, "relu", "--mode", "backward", "1")
    assert result.stderr.startswith("relu-cli: error: Invalid value for '--mode' / '-m': ")
    assert "'backward'" in result.stderr


# ------------------------------------------------------------------------------------------ stdin, --file


def test_piped_input_is_read_when_no_values_are_given() -> None:
    assert ok("relu", input="-3\n-2\n0\n2\n") == "0.0\n0.0\n0.0\n2.0\n"


def test_piped_output_is_text() -> None:
    assert ok("relu", "-f", str(DATA / "sample.csv"), "-c", "x") == (
        'id,x,label\n1,0.0,"a, b"\n2,4.0,c\n3,,"say ""hi"""\n'
    )


def test_every_numeric_column_is_transformed_by_default(in_data: Path) -> None:
    assert ok("relu", "-f", "sample.csv") == 'id,x,label\n1.0,0.0,"a, b"\n2.0,4.0,c\n3.0,,"say ""hi"""\n'


def test_an_empty_cell_stays_empty(in_data: Path) -> None:
    assert ok("relu", "-f", "sample.csv", "-c", "x", "--format", "csv").splitlines()[3] == '3,,"say ""hi"""'


def test_file_option_can_be_repeated_and_keeps_one_header(in_data: Path) -> None:
    assert ok("leaky-relu", "-f", "sample.csv", "--file", "more.csv", "-c", "x") == (
        'id,x,label\n1,-0.0025,"a, b"\n2,4.0,c\n3,,"say ""hi"""\n4,-0.008,d\n'
    )


def test_dash_as_a_file_means_stdin(in_data: Path) -> None:
    assert ok("relu", "-f", "-", "-f", "more.csv", "-c", "x", input="id,x,label\n9,-9,z\n") == (
        "id,x,label\n9,0.0,z\n4,0.0,d\n"
    )


def test_a_missing_file_is_a_usage_error(in_data: Path) -> None:
    result = fails(2, "relu", "-f", "sample.csv", "-f", "missing.csv")
    assert result.stderr == "relu-cli: error: missing.csv: no such file\n"


def test_a_directory_is_not_a_file(in_data: Path) -> None:
    result = fails(2, "relu", "-f", ".")
    assert result.stderr == "relu-cli: error: .: is a directory, not a file\n"


def test_files_with_different_columns_are_bad_data(in_data: Path) -> None:
    result = fails(1, "relu", "-f", "sample.csv", "-f", "bad.csv", "--format", "csv")
    assert (
        result.stderr
        == "relu-cli: error: bad.csv: its columns (x, y) differ from those of sample.csv (id, x, label)\n"
    )


def test_values_with_a_file_are_a_usage_error_saying_what_was_ignored(in_data: Path) -> None:
    result = fails(2, "relu", "1", "-f", "sample.csv")
    assert result.stdout == ""
    assert result.stderr == (
        "relu-cli: error: got VALUES and --file sample.csv; give numbers one way (the file was not read)\n"
    )


def test_values_with_piped_input_are_a_usage_error_saying_what_was_ignored() -> None:
    result = fails(2, "relu", "1", input="2\n")
    assert result.stdout == ""
    assert result.stderr == (
        "relu-cli: error: got VALUES and piped input; give numbers one way (the piped input was not read)\n"
    )


def test_no_input_on_a_terminal_is_a_usage_error_saying_how_to_give_input(on_a_terminal: None) -> None:
    result = fails(2, "relu")
    assert result.stdout == ""
    assert result.stderr == (
        "relu-cli: error: no input: give numbers as arguments (relu-cli relu -1 2), pipe them in "
        "(seq -3 3 | relu-cli relu) or use --file PATH\n"
    )


def test_empty_piped_input_gives_empty_output() -> None:
    assert ok("relu", input="") == ""
    assert ok("relu", "--format", "json", input="\n\n") == "[]\n"


def test_crlf_and_a_missing_final_newline_work() -> None:
    assert ok("relu", input="x,y\r\n-1,2\r\n3,-4") == "x,y\n0.0,2.0\n3.0,0.0\n"


def test_whitespace_separated_lines_may_have_any_number_of_fields(in_data: Path) -> None:
    assert ok("relu", "-f", "numbers.txt") == "0.0 2.0\n3.0\n0.0 0.0 6.0\n"


# ------------------------------------------------------------------------------------------------ --columns


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ("x", "a,x,y,b\n-1,0.0,-3,-4\n"),
        ("2", "a,x,y,b\n-1,0.0,-3,-4\n"),
        ("1,3-4", "a,x,y,b\n0.0,-2,0.0,0.0\n"),
        ("x,y", "a,x,y,b\n-1,0.0,0.0,-4\n"),
        ("2-3", "a,x,y,b\n-1,0.0,0.0,-4\n"),
        ("b,a", "a,x,y,b\n0.0,-2,-3,0.0\n"),
    ],
)
def test_columns_are_chosen_by_name_index_or_range(columns: str, expected: str) -> None:
    assert ok("relu", "--columns", columns, input="a,x,y,b\n-1,-2,-3,-4\n") == expected


def test_short_columns_option_works() -> None:
    assert ok("relu", "-c", "y", input="x,y\n-1,-2\n") == "x,y\n-1,0.0\n"


@pytest.mark.parametrize("columns", ["z", "5", "0", "2-9", "x,z"])
def test_an_unknown_column_is_a_usage_error_listing_the_columns(columns: str) -> None:
    result = fails(2, "relu", "-c", columns, input="a,x,y,b\n-1,-2,-3,-4\n")
    assert result.stdout == ""
    bad = columns.split(",")[-1]
    assert result.stderr == (
        f"relu-cli: error: --columns: no column {bad!r}; available: 1 'a', 2 'x', 3 'y', 4 'b'\n"
    )


def test_columns_of_a_headerless_input_are_its_positions() -> None:
    assert ok("relu", "-c", "2", input="-1,-2\n-3,-4\n") == "-1,0.0\n-3,0.0\n"


# ---------------------------------------------------------------------------------------------- --delimiter


def test_semicolons_are_detected(in_data: Path) -> None:
    assert ok("relu", "-f", "semicolon.txt") == "x;y\n0.0;2.0\n3.0;0.0\n"


def test_tsv_file_extension_means_tab(in_data: Path) -> None:
    assert ok("relu", "-f", "sample.tsv", "-c", "x") == "id\tx\tlabel\n1\t0.0\ta, b\n2\t4.0\tc\n"


@pytest.mark.parametrize(
    "spelling", [["-d", ";"], ["--delimiter", ";"], ["--delimiter=;"], ["-d", "semicolon"]]
)
def test_delimiter_option_overrides_detection(spelling: list[str]) -> None:
    # detection would pick the comma, which is the decimal mark here
    assert (
        ok("relu", *spelling, "--format", "json", input="x;y,z\n-1;2,5\n")
        == '[\n{"x": 0.0, "y,z": "2,5"}\n]\n'
    )


@pytest.mark.parametrize("name", ["tab", "\\t", "\t"])
def test_tab_delimiter_may_be_given_by_name(name: str) -> None:
    assert ok("relu", "-d", name, input="a b\tc\n-1\t2\n") == "a b\tc\n0.0\t2.0\n"


def test_whitespace_delimiter_splits_runs_of_blanks() -> None:
    assert ok("relu", "-d", "whitespace", input="x,1  -2\n") == "x,1 0.0\n"
    assert ok("relu", "-d", "whitespace", "--no-header", input="1,x  -2\n") == "1,x 0.0\n"


def test_delimiter_option_overrides_the_file_extension(in_data: Path) -> None:
    result = invoke("relu", "-f", "sample.csv", "-d", "\t", "--format", "json")
    assert result.stderr == NO_NUMERIC_COLUMN
    assert result.stdout == (
        '[\n{"id,x,label": "1,-2.5,\\"a, b\\""},\n{"id,x,label": "2,4,c"},\n'
        '{"id,x,label": "3,,\\"say \\"\\"hi\\"\\"\\""}\n]\n'
    )


@pytest.mark.parametrize("delimiter", ["ab", '"', ""])
def test_a_delimiter_that_is_not_one_character_is_a_usage_error(delimiter: str) -> None:
    result = fails(2, "relu", "-d", delimiter, input="1\n")
    assert result.stderr.startswith("relu-cli: error: ")
    assert repr(delimiter) in result.stderr


# --------------------------------------------------------------------------------------- --header/--no-header


def test_header_option_takes_a_numeric_first_line_as_names() -> None:
    assert ok("relu", "--header", "--format", "csv", input="1,2\n-3,4\n") == "1,2\n0.0,4.0\n"
    assert (
        ok("relu", "--header", "--format", "json", input="10,20\n-3,4\n") == '[\n{"10": 0.0, "20": 4.0}\n]\n'
    )


def test_no_header_option_reads_the_first_line_as_data() -> None:
    assert ok("relu", "--no-header", "-c", "2", "--format", "ndjson", input="x,-1\n-3,4\n") == (
        '{"1": "x", "2": 0.0}\n{"1": -3, "2": 4.0}\n'
    )


def test_header_is_detected_when_a_field_is_not_a_number() -> None:
    assert ok("relu", input="x,y\n-3,4\n") == "x,y\n0.0,4.0\n"
    assert ok("relu", input="1,2\n-3,4\n") == "1.0,2.0\n0.0,4.0\n"


# ------------------------------------------------------------------------------------------------- --format

FORMATS = {
    "text": 'id,x,label\n1,0.0,"a, b"\n',
    "csv": 'id,x,label\n1,0.0,"a, b"\n',
    "tsv": "id\tx\tlabel\n1\t0.0\ta, b\n",
    "json": '[\n{"id": 1, "x": 0.0, "label": "a, b"}\n]\n',
    "ndjson": '{"id": 1, "x": 0.0, "label": "a, b"}\n',
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_format_renders_a_csv_record(fmt: str) -> None:
    assert ok("relu", "-c", "x", "--format", fmt, input='id,x,label\n1,-2.5,"a, b"\n') == FORMATS[fmt]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", "0.0\nnan\ninf\n"),
        ("csv", "input,output\n-1,0.0\nnan,nan\ninf,inf\n"),
        ("tsv", "input\toutput\n-1\t0.0\nnan\tnan\ninf\tinf\n"),
        (
            "json",
            '[\n{"input": -1.0, "output": 0.0},\n{"input": null, "output": null},\n'
            '{"input": null, "output": null}\n]\n',
        ),
        (
            "ndjson",
            '{"input": -1.0, "output": 0.0}\n'
            '{"input": null, "output": null}\n{"input": null, "output": null}\n',
        ),
    ],
)
def test_each_format_renders_values(fmt: str, expected: str) -> None:
    assert ok("relu", "-1", "nan", "inf", "--format", fmt) == expected


def test_table_format_shows_input_beside_output() -> None:
    assert ok("relu", "--format", "table", "-1", "2.5") == (
        "relu(x)\n  x   relu(x)\n─────────────\n -1       0.0\n2.5       2.5\n2 rows\n"
    )


def test_table_title_and_caption_name_function_mode_and_slope() -> None:
    output = ok("leaky-relu", "--format", "table", "-m", "gradient", "-s", "0.5", "-1", "1")
    assert output == (
        "leaky_relu'(x)\n"
        " x   leaky_relu'(x)\n"
        "───────────────────\n"
        "-1              0.5\n"
        " 1              1.0\n"
        "slope 0.5 · 2 rows\n"
    )


def test_auto_format_in_a_pipe_is_text() -> None:
    assert ok("relu", "--format", "auto", "-1", "2") == ok("relu", "-1", "2") == "0.0\n2.0\n"


def test_auto_format_on_a_terminal_is_a_coloured_table(on_a_terminal: None) -> None:
    output = ok("relu", "-1", "2")
    assert "\x1b[" in output
    assert "relu(x)" in output and "2 rows" in output


def test_table_on_a_terminal_has_no_colour_when_no_color_is_set(on_a_terminal: None) -> None:
    result = invoke("relu", "-1", "2", env={"NO_COLOR": "1"})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "relu(x)\n x   relu(x)\n────────────\n-1       0.0\n 2       2.0\n2 rows\n"


def test_table_on_a_dumb_terminal_has_no_colour(on_a_terminal: None) -> None:
    result = invoke("relu", "-1", "2", env={"TERM": "dumb"})
    assert "\x1b" not in result.stdout


def test_table_of_a_csv_keeps_every_column(in_data: Path) -> None:
    assert ok("relu", "-f", "sample.csv", "-c", "x", "--format", "table") == (
        "relu(x)\n"
        "id     x   label   \n"
        "───────────────────\n"
        "1    0.0   a, b    \n"
        "2    4.0   c       \n"
        '3          say "hi"\n'
        "3 rows\n"
    )


def test_an_unknown_format_is_a_usage_error() -> None:
    result = fails(2, "relu", "--format", "xml", "1")
    assert result.stdout == ""
    assert result.stderr.startswith("relu-cli: error: Invalid value for '--format': ")
    assert "'xml'" in result.stderr


# ------------------------------------------------------------------------------------------------- --max-rows


def test_max_rows_elides_the_middle_of_a_long_table() -> None:
    values = [str(i) for i in range(-3, 7)]
    assert ok("relu", "--format", "table", "--max-rows", "4", *values) == (
        "relu(x)\n"
        " x   relu(x)\n"
        "────────────\n"
        "-3       0.0\n"
        "-2       0.0\n"
        " …         …\n"
        " 5       5.0\n"
        " 6       6.0\n"
        "4 of 10 rows shown (--max-rows 0 shows all)\n"
    )


def test_max_rows_zero_shows_every_row() -> None:
    values = [str(i) for i in range(40)]
    output = ok("relu", "--format", "table", "--max-rows", "0", *values)
    assert "…" not in output
    assert output.count("\n") == 3 + 40 + 1
    assert output.endswith("39      39.0\n40 rows\n")


def test_default_max_rows_fits_the_terminal() -> None:
    values = [str(i) for i in range(100)]
    output = ok("relu", "--format", "table", *values)  # LINES=24: 16 rows
    assert output.endswith("16 of 100 rows shown (--max-rows 0 shows all)\n")


def test_help_says_what_max_rows_zero_costs_on_a_long_input() -> None:
    from relu_cli.output.table import STREAM_AFTER

    text = " ".join(ok("relu", "--help").split())
    assert f"0 = all: past {STREAM_AFTER:,} rows the table is drawn as rows come" in text
    assert "the header drawn again where a later cell widens a column" in text


def test_max_rows_does_not_limit_other_formats() -> None:
    values = [str(i) for i in range(10)]
    assert ok("relu", "--max-rows", "2", *values).count("\n") == 10


def test_a_negative_max_rows_is_a_usage_error() -> None:
    result = fails(2, "relu", "--format", "table", "--max-rows", "-1", "1")
    assert result.stderr.startswith("relu-cli: error: Invalid value for '--max-rows': ")


# ------------------------------------------------------------------------------------ bad data, --on-error


def test_bad_data_in_a_file_is_exit_1_naming_file_line_and_column(in_data: Path) -> None:
    result = fails(1, "relu", "-f", "bad.csv")
    assert result.stderr == "relu-cli: error: bad.csv:3:1: 'foo' is not a number\n"


def test_records_before_the_first_bad_one_are_written_as_a_stream_would(in_data: Path) -> None:
    # the whole file is one read; a pipe delivering it line by line would have written these already
    result = fails(1, "relu", "-f", "bad.csv")
    assert result.stdout == "x,y\n1.0,0.0\n"


def test_records_before_a_ragged_one_are_written(in_data: Path) -> None:
    result = fails(1, "relu", "-f", "ragged.csv", "--format", "ndjson")
    assert result.stdout == '{"a": 1.0, "b": 0.0, "c": 3.0}\n'


def test_bad_data_on_stdin_names_stdin() -> None:
    result = fails(1, "relu", input="1\n-2\nfoo\n4\n")
    assert result.stderr == "relu-cli: error: <stdin>:3:1: 'foo' is not a number\n"
    assert result.stdout == "1.0\n0.0\n"


def test_the_first_bad_value_in_reading_order_is_reported() -> None:
    # columns are worked one by one, but line 3's 'bar' in column 2 comes before line 4's 'foo'
    result = fails(1, "relu", "-f", "-", input="x,y\n1,2\n3,bar\nfoo,4\n")
    assert result.stderr == "relu-cli: error: <stdin>:3:2: 'bar' is not a number\n"
    assert result.stdout == "x,y\n1.0,2.0\n"


def test_on_error_fail_is_the_default(in_data: Path) -> None:
    default = fails(1, "relu", "-f", "bad.csv")
    explicit = fails(1, "relu", "-f", "bad.csv", "--on-error", "fail")
    assert (default.stdout, default.stderr) == (explicit.stdout, explicit.stderr)


def test_on_error_skip_drops_bad_records_and_counts_them(in_data: Path) -> None:
    result = invoke("relu", "-f", "bad.csv", "--on-error", "skip")
    assert result.exit_code == 0
    assert result.stdout == "x,y\n1.0,0.0\n3.0,0.0\n"
    assert result.stderr == (
        "relu-cli: warning: skipped 2 bad record(s); first: bad.csv:3:1: 'foo' is not a number\n"
    )


def test_on_error_skip_reports_the_first_problem_in_reading_order() -> None:
    result = invoke("relu", "--on-error", "skip", input="x,y\n1,2\n3,bar\nfoo,4\n5,6\n")
    assert result.exit_code == 0
    assert result.stdout == "x,y\n1.0,2.0\n5.0,6.0\n"
    assert result.stderr == (
        "relu-cli: warning: skipped 2 bad record(s); first: <stdin>:3:2: 'bar' is not a number\n"
    )


def test_on_error_nan_replaces_bad_values_and_counts_them(in_data: Path) -> None:
    result = invoke("relu", "-f", "bad.csv", "--on-error", "nan")
    assert result.exit_code == 0
    assert result.stdout == "x,y\n1.0,0.0\nnan,2.0\n0.0,nan\n3.0,0.0\n"
    assert result.stderr == (
        "relu-cli: warning: replaced 2 bad value(s) with nan; first: bad.csv:3:1: 'foo' is not a number\n"
    )


def test_on_error_nan_in_json_is_null(in_data: Path) -> None:
    result = invoke("relu", "-f", "bad.csv", "--on-error", "nan", "--format", "ndjson")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:3] == ['{"x": null, "y": 2.0}', '{"x": 0.0, "y": null}']


def test_ragged_rows_are_bad_data_when_there_is_a_header(in_data: Path) -> None:
    result = fails(1, "relu", "-f", "ragged.csv")
    assert result.stderr == "relu-cli: error: ragged.csv:3: expected 3 fields, found 2\n"


def test_ragged_rows_are_bad_data_when_columns_are_chosen() -> None:
    result = fails(1, "relu", "-c", "1", input="1 2\n3\n")
    assert result.stderr == "relu-cli: error: <stdin>:2: expected 2 fields, found 1\n"


def test_on_error_skip_drops_ragged_rows_and_says_so(in_data: Path) -> None:
    result = invoke("relu", "-f", "ragged.csv", "--on-error", "skip")
    assert result.exit_code == 0
    assert result.stdout == "a,b,c\n1.0,0.0,3.0\n0.0,7.0,8.0\n"
    assert result.stderr == (
        "relu-cli: warning: skipped 1 bad record(s); first: ragged.csv:3: expected 3 fields, found 2\n"
    )


def test_on_error_nan_cannot_mend_a_ragged_row_so_it_says_it_skipped_it(in_data: Path) -> None:
    result = invoke("relu", "-f", "ragged.csv", "--on-error", "nan")
    assert result.exit_code == 0
    assert result.stdout == "a,b,c\n1.0,0.0,3.0\n0.0,7.0,8.0\n"
    assert result.stderr == (
        "relu-cli: warning: skipped 1 bad record(s); first: ragged.csv:3: expected 3 fields, found 2\n"
    )


def test_an_unknown_on_error_choice_is_a_usage_error() -> None:
    result = fails(2, "relu", "--on-error", "ignore", "1")
    assert result.stderr.startswith("relu-cli: error: Invalid value for '--on-error': ")


def test_invalid_utf8_is_bad_data_with_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("latin1.csv").write_bytes(b"name,x\ncaf\xe9,-1\n")
    result = fails(1, "relu", "-f", "latin1.csv")
    assert result.stderr == "relu-cli: error: latin1.csv:2: invalid UTF-8 (relu-cli reads UTF-8 text)\n"


def test_an_unterminated_quote_is_bad_data_with_its_line() -> None:
    result = fails(1, "relu", input='x,y\n1,"open\n2,3\n')
    assert result.stderr == "relu-cli: error: <stdin>:2: unterminated quoted field\n"


# --------------------------------------------------------------------------------- version, help, python -m


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_prints_the_package_version(flag: str) -> None:
    assert ok(flag) == f"relu-cli {version('relu-cli')}\n"


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_the_console_script_prints_the_version_without_building_the_commands(
    flag: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_command_tree(*_: object, **__: object) -> None:
        raise AssertionError("the command tree was built for the version alone")

    monkeypatch.setattr(sys, "argv", ["relu-cli", flag])
    monkeypatch.setattr(cli, "app", no_command_tree)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 0
    assert capsys.readouterr() == (f"relu-cli {version('relu-cli')}\n", "")


def _run_group(group: Any, args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        group.main(args, prog_name="relu-cli")
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_help_lists_the_commands_without_building_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    group = typer.main.get_command(app)
    listing = _run_group(group, ["--help"], capsys)
    assert group.commands == {}  # type: ignore[attr-defined]
    assert "Usage: relu-cli leaky-relu" in _run_group(group, ["leaky-relu", "--help"], capsys)
    assert list(group.commands) == ["leaky-relu"]  # type: ignore[attr-defined]  # only the one asked for
    assert _run_group(group, ["--help"], capsys) == listing  # the same with it built


def test_the_commands_are_listed_as_typer_lists_them_once_built() -> None:
    group = typer.main.get_command(app)
    context = typer.Context(group, info_name="relu-cli")
    ours, typers = context.make_formatter(), context.make_formatter()
    group.format_commands(context, ours)  # type: ignore[attr-defined]
    for name in group.list_commands(context):  # type: ignore[attr-defined]
        group.get_command(context, name)  # type: ignore[attr-defined]
    TyperGroup.format_commands(group, context, typers)  # type: ignore[arg-type]
    assert ours.getvalue() == typers.getvalue()
    assert "  leaky-relu  leaky_relu(x) = x if x > 0 else slope*x (default slope 0.001).\n" in ours.getvalue()


def test_completing_a_command_name_builds_only_the_commands_it_matches(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("_RELU_CLI_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "relu-cli le")
    monkeypatch.setenv("COMP_CWORD", "1")
    group = typer.main.get_command(app)
    assert _run_group(group, [], capsys) == "leaky-relu\n"
    assert list(group.commands) == ["leaky-relu"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("typo", "meant"), [("rleu", "relu"), ("leaky", "leaky-relu"), ("plto", "plot")])
def test_a_mistyped_command_gets_a_suggestion(typo: str, meant: str) -> None:
    result = fails(2, typo, "1")
    assert result.stderr == (
        f"relu-cli: error: No such command '{typo}'. Did you mean '{meant}'? (see 'relu-cli --help')\n"
    )


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_lists_both_commands(flag: str) -> None:
    output = ok(flag)
    assert "Usage: relu-cli [OPTIONS] COMMAND [ARGS]..." in output
    assert " relu " in output and " leaky-relu " in output
    assert "--version" in output


SHARED_OPTIONS = [
    "--mode",
    "-m",
    "--file",
    "-f",
    "--columns",
    "-c",
    "--delimiter",
    "-d",
    "--header",
    "--no-header",
    "--format",
    "--on-error",
    "--max-rows",
    "--help",
    "-h",
]


@pytest.mark.parametrize(
    ("command", "options"), [("relu", SHARED_OPTIONS), ("leaky-relu", [*SHARED_OPTIONS, "--slope", "-s"])]
)
def test_command_help_documents_every_option(command: str, options: list[str]) -> None:
    output = ok(command, "--help")
    words = set(output.replace("│", " ").replace(",", " ").split())
    assert [option for option in options if option not in words] == []
    assert "null" in output  # strict JSON is explained
    for choice in ["forward", "gradient", "fail", "skip", "nan", "table", "ndjson"]:
        assert choice in output


@pytest.mark.parametrize("command", ["relu", "leaky-relu"])
def test_command_usage_line_is_the_one_in_the_issue(command: str) -> None:
    assert ok(command, "--help").startswith(f"Usage: relu-cli {command} [OPTIONS] [VALUES]...\n")


def test_leaky_relu_help_gives_the_formula_and_default_slope() -> None:
    output = ok("leaky-relu", "-h")
    assert "leaky_relu(x) = x if x > 0 else slope*x" in output
    assert "0.001" in output


def test_help_after_values_is_still_help() -> None:
    assert "Usage: relu-cli relu" in ok("relu", "-1", "--help")


def test_interrupt_exits_130_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(request: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run", interrupted)
    result = invoke("relu", "1")
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "")


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "relu_cli", "leaky-relu", "-1.0", "1.0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "-0.001\n1.0\n", "")


def test_python_dash_m_reports_errors_like_the_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "relu_cli", "relu", "foo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "relu-cli: error: argument 1: 'foo' is not a number\n"


def test_python_dash_m_prints_the_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "relu_cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"relu-cli {version('relu-cli')}\n", "")


# ------------------------------------------------------------------------------------------------ completion


def complete(words: str) -> Result:
    """What bash completion offers for the last word of ``words`` (an empty one after a trailing space)."""
    current = len(words.split()) - (0 if words.endswith(" ") else 1)
    return invoke(
        env={"_RELU_CLI_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(current)}
    )


def test_completion_offers_options_after_a_negative_value() -> None:
    result = complete("relu-cli relu -1 --fo")
    assert (result.exit_code, result.stdout) == (0, "--format\n")


def test_completion_offers_the_choices_of_an_option() -> None:
    result = complete("relu-cli leaky-relu -inf --on-error ")
    assert (result.exit_code, result.stdout) == (0, "fail\nskip\nnan\n")


def test_completion_offers_the_commands() -> None:
    result = complete("relu-cli le")
    assert (result.exit_code, result.stdout) == (0, "leaky-relu\n")


def test_a_word_in_a_headerless_list_of_numbers_is_bad_data_not_passed_through() -> None:
    result = CliRunner().invoke(app, ["relu", "--no-header"], "foo\n1\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "relu-cli: error: <stdin>:1:1: 'foo' is not a number\n"


def test_on_error_nan_names_the_first_problem_of_each_kind() -> None:
    result = CliRunner().invoke(app, ["relu", "--on-error", "nan"], "x,y\n1,2\n3\n-4,abc\n")
    assert result.exit_code == 0
    assert result.stdout == "x,y\n1.0,2.0\n0.0,nan\n"
    assert result.stderr == (
        "relu-cli: warning: skipped 1 bad record(s); first: <stdin>:3: expected 2 fields, found 1\n"
        "relu-cli: warning: replaced 1 bad value(s) with nan; first: <stdin>:4:2: 'abc' is not a number\n"
    )


def test_a_first_record_with_a_number_in_it_is_data_unless_header_says_otherwise() -> None:
    assert ok("relu", input="cat -1\ndog 2\n") == "cat 0.0\ndog 2.0\n"
    assert ok("relu", input="id,2021\n1,-5\n") == "id,2021.0\n1,0.0\n"
    assert ok("relu", "--header", input="id,2021\n1,-5\n") == "id,2021\n1.0,0.0\n"


def test_a_named_delimiter_absent_from_the_first_record_gives_way_to_the_one_in_it(tmp_path: Path) -> None:
    (tmp_path / "semi.csv").write_text("a;b\n1;-2\n")
    (tmp_path / "tabs.csv").write_text("a\tb\n1\t-2\n")
    (tmp_path / "one.csv").write_text("a b\n-1\n")
    (tmp_path / "both.csv").write_text("a,b;c\n1,-2;3\n")
    assert ok("relu", "-f", str(tmp_path / "semi.csv")) == "a;b\n1.0;0.0\n"
    assert ok("relu", "-f", str(tmp_path / "tabs.csv")) == "a\tb\n1.0\t0.0\n"
    assert ok("relu", "-f", str(tmp_path / "one.csv")) == "a b\n0.0\n"
    assert ok("relu", "-f", str(tmp_path / "both.csv"), "-c", "1") == "a,b;c\n1.0,-2;3\n"
    assert ok("relu", "-n", "-f", str(tmp_path / "semi.csv")) == "  1: a\n  2: b\n"


# ------------------------------------------------------------------------------------------- --null-values


@pytest.mark.parametrize("null", ["", "NA", "N/A", "null", "NULL", "None", "-", " NA "])
def test_a_null_spelling_is_a_missing_value_passed_through_as_written(null: str) -> None:
    assert ok("relu", input=f"x,y\n{null},-1\n-2,{null}\n") == f"x,y\n{null},0.0\n0.0,{null}\n"
    assert ok("relu", "--format", "ndjson", input=f"x,y\n{null},-1\n-2,{null}\n") == (
        '{"x": null, "y": 0.0}\n{"x": 0.0, "y": null}\n'
    )


def test_a_column_is_numeric_when_its_first_non_missing_value_is_a_number() -> None:
    assert ok("relu", input="x\nNA\n-2\n") == "x\nNA\n0.0\n"
    assert ok("relu", input="NA\n-2\n-\n") == "NA\n0.0\n-\n"  # a lone NA is no header
    assert ok("relu", "--format", "json", input="x\nNA\n-2\n") == '[\n{"x": null},\n{"x": 0.0}\n]\n'


def test_null_spellings_are_missing_in_bulk_and_record_by_record_alike() -> None:
    body = "".join(f"{-i},{'NA' if i % 7 == 0 else -i}\n" for i in range(20_000))
    quoted = body.replace("0,", '"0",', 1)  # a quote in the input: the record-by-record path
    for text in (body, quoted):
        out = ok("relu", input="a,b\n" + text).splitlines()
        assert out[1:3] == ["0.0,NA", "0.0,0.0"] and out[8] == "0.0,NA"
        assert sum(line.endswith(",NA") for line in out) == len(range(0, 20_000, 7))


def test_missing_values_are_counted_by_stats() -> None:
    result = invoke("relu", "--stats", input="x\nNA\n-2\n\nnull\n3\n")
    assert result.exit_code == 0
    assert result.stderr.startswith("relu-cli: stats: column x: 2 values, 2 missing\n")


def test_null_values_option_sets_the_spellings_and_an_empty_list_turns_them_off() -> None:
    assert ok("relu", "--null-values", "n/a, ?", input="x,y\nn/a,?\n-1,-2\n") == "x,y\nn/a,?\n0.0,0.0\n"
    result = invoke("relu", "--null-values", "", input="x\nNA\n-2\n")
    assert (result.stdout, result.stderr) == ("x\nNA\n-2\n", NO_NUMERIC_COLUMN)
    assert "bad" not in ok("relu", "--null-values", "", input="x\n\n-2\n")  # an empty cell still is missing
    assert "'NA' is not a number" in fails(1, "relu", "--null-values", "", input="x\n-1\nNA\n").stderr


def test_a_number_cannot_be_a_null_spelling() -> None:
    assert "'-999' is a number" in fails(2, "relu", "--null-values", "NA,-999", input="1\n").stderr


def test_default_null_values_are_the_numbers_modules() -> None:
    from relu_cli.cli import TransformOptions
    from relu_cli.numbers import NULL_VALUES

    assert TransformOptions().null_values == ",".join(NULL_VALUES)


# ------------------------------------------------------------------------------- nothing transformed: a word


@pytest.mark.parametrize("text", ["a,b\nx,y\n", "x\nNA\n", "name\nfoo\nbar\n", '{"a": "x"}\n{"a": "y"}\n'])
def test_no_numeric_column_is_a_warning_and_exit_0(text: str) -> None:
    result = invoke("relu", input=text)
    assert (result.exit_code, result.stderr) == (0, NO_NUMERIC_COLUMN)


@pytest.mark.parametrize("text", ["", "x,y\n", "x\n-1\n", "a,b\nx,-1\n"])
def test_no_warning_when_a_column_is_transformed_or_there_is_nothing_to_transform(text: str) -> None:
    ok("relu", input=text)
