"""Property-based tests: generated inputs in every textual form, garbage, blank lines and option mixes,
and JSON documents with nested values, NULs and lone surrogate escapes, whole or cut short.

For any of them relu-cli exits 0, 1 or 2, never shows a traceback, accounts for every record, and agrees
with an independent pure-Python reference; from JSON, every value it does not transform comes out as the
same JSON value. CI runs a bounded number of examples; set
``RELU_CLI_PROPERTY_EXAMPLES`` (for example 20000) for a longer run.
"""

from __future__ import annotations

import json
import math
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_corpora import Num, assert_json_kept, assert_well_behaved, relu_cli
from typer.testing import CliRunner

from relu_cli.cli import app

EXAMPLES = int(os.environ.get("RELU_CLI_PROPERTY_EXAMPLES", "150"))
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
runner = CliRunner()

# An independent statement of what a number looks like (written apart from relu_cli.numbers.NUMBER).
REFERENCE_NUMBER = re.compile(
    r"\s*[+-]?(\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[iI][nN][fF]([iI][nN][iI][tT][yY])?|[nN][aA][nN])\s*"
)


def reference(text: str, function: str, mode: str, slope: float) -> str | None:
    """The output for one token, computed with plain Python floats; None when it is not a number."""
    if not REFERENCE_NUMBER.fullmatch(text):
        return None
    x = float(text)
    if math.isnan(x):
        return "nan"
    positive = x > 0
    if function == "relu":
        value = (x if positive else 0.0) if mode == "forward" else (1.0 if positive else 0.0)
    elif mode == "forward":
        value = x if positive else (0.0 if slope == 0 else slope * x)
    else:
        value = 1.0 if positive else slope
    return repr(value)


def spellings(x: float) -> st.SearchStrategy[str]:
    """Ways a CSV or shell user might write the float x."""
    if math.isnan(x):
        return st.sampled_from(["nan", "NaN", "NAN", "-nan", "+nan"])
    if math.isinf(x):
        sign = "-" if x < 0 else ""
        return st.sampled_from([f"{sign}inf", f"{sign}Inf", f"{sign}INFINITY", f"{sign}Infinity"])
    forms = [repr(x), f"{x:.17g}", f"{x:e}", f"{x:E}", f"{x:.3f}"]
    if math.copysign(1.0, x) > 0:
        forms.append("+" + repr(x))
    if 0 < abs(x) < 1:
        forms.append(f"{x:.6f}".replace("0.", ".", 1))
    if x == int(x) and abs(x) < 1e15:
        forms.append(str(int(x)))
    return st.sampled_from(forms)


numbers = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True).flatmap(spellings)
garbage = st.text(alphabet="abcxyz!?@#$%^&*()_=[]{}<>/\\|~`'", min_size=1, max_size=6)
tokens = st.one_of(numbers, numbers, numbers, garbage)
functions = st.sampled_from(["relu", "leaky-relu"])
modes = st.sampled_from(["forward", "gradient"])
slopes = st.floats(min_value=-10, max_value=10, allow_nan=False).map(repr)
blank_lines = st.sampled_from(["", "   ", "\t"])


# Every generated input comes with each line end relu-cli reads (LF, CR-LF, and the lone CR of classic
# Mac OS), and with or without one after its last record: the results must not depend on either.
line_ends = st.sampled_from(["\n", "\r\n", "\r"])
final_line_ends = st.booleans()


def joined(records: list[str], ending: str, final: bool) -> str:
    """The records as an input, each line ended by ``ending``; the last one too when ``final``."""
    return ending.join(records) + (ending if final and records else "")


def command(function: str, mode: str, slope: str, *extra: str) -> list[str]:
    args = [function, "--mode", mode, "--no-header", *extra]
    return [*args, "--slope", slope] if function == "leaky-relu" else args


@PROPERTY
@given(
    records=st.lists(st.one_of(tokens, blank_lines), max_size=40),
    function=functions,
    mode=modes,
    slope=slopes,
    on_error=st.sampled_from(["fail", "skip", "nan"]),
    fmt=st.sampled_from(["text", "csv", "tsv", "json", "ndjson", "table"]),
    ending=line_ends,
    final=final_line_ends,
)
def test_any_input_exits_0_1_or_2_without_a_traceback(
    records: list[str],
    function: str,
    mode: str,
    slope: str,
    on_error: str,
    fmt: str,
    ending: str,
    final: bool,
) -> None:
    data = joined(records, ending, final)
    result = runner.invoke(
        app, [*command(function, mode, slope, "--on-error", on_error, "--format", fmt)], data
    )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if fmt == "json" and result.exit_code == 0:
        json.loads(result.stdout)  # strict JSON: Python's parser would also take NaN, so check tokens
        assert not re.search(r"\b(NaN|Infinity)\b", result.stdout)


@PROPERTY
@given(
    records=st.lists(st.one_of(tokens, blank_lines), max_size=40),
    function=functions,
    mode=modes,
    slope=slopes,
    ending=line_ends,
    final=final_line_ends,
)
def test_skip_accounts_for_every_record_and_matches_the_reference(
    records: list[str], function: str, mode: str, slope: str, ending: str, final: bool
) -> None:
    result = runner.invoke(
        app, command(function, mode, slope, "--on-error", "skip", "-d", ";"), joined(records, ending, final)
    )
    assert result.exit_code == 0, result.output
    given_records = [r for r in records if r.strip()]
    expected = [reference(r, function, mode, float(slope)) for r in given_records]
    produced = result.stdout.splitlines()
    assert produced == [e for e in expected if e is not None]
    skipped = sum(e is None for e in expected)
    reported = re.search(r"skipped (\d+) bad record", result.stderr)
    assert (int(reported.group(1)) if reported else 0) == skipped


@PROPERTY
@given(
    records=st.lists(tokens, min_size=1, max_size=40),
    function=functions,
    mode=modes,
    slope=slopes,
    ending=line_ends,
    final=final_line_ends,
)
def test_nan_replaces_each_bad_value_in_place(
    records: list[str], function: str, mode: str, slope: str, ending: str, final: bool
) -> None:
    result = runner.invoke(
        app, command(function, mode, slope, "--on-error", "nan", "-d", ";"), joined(records, ending, final)
    )
    assert result.exit_code == 0, result.output
    expected = [reference(r, function, mode, float(slope)) or "nan" for r in records]
    assert result.stdout.splitlines() == expected


@PROPERTY
@given(
    rows=st.lists(st.tuples(numbers, numbers, garbage), min_size=1, max_size=20),
    function=functions,
    quote=st.booleans(),
    ending=line_ends,
    final=final_line_ends,
)
def test_csv_columns_are_transformed_and_the_rest_kept_byte_for_byte(
    rows: list[tuple[str, str, str]], function: str, quote: bool, ending: str, final: bool
) -> None:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if quote else text

    lines = ["a,b,label", *(f"{a},{b},{cell(label + ',' if quote else label)}" for a, b, label in rows)]
    result = runner.invoke(app, [function, "--columns", "a,b"], joined(lines, ending, final))
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0] == "a,b,label"
    for (a, b, label), line in zip(rows, out[1:], strict=True):
        ra, rb = (reference(v, function, "forward", 0.001) for v in (a, b))
        assert line == f"{ra},{rb},{cell(label + ',' if quote else label)}"


@PROPERTY
@given(
    rows=st.lists(st.one_of(st.lists(tokens, min_size=1, max_size=3), st.just([])), max_size=30),
    header=st.booleans(),
    function=functions,
    on_error=st.sampled_from(["fail", "skip", "nan"]),
    fmt=st.sampled_from(["text", "csv", "json", "ndjson", "table"]),
)
def test_line_ends_and_a_missing_last_one_change_nothing(
    rows: list[list[str]], header: bool, function: str, on_error: str, fmt: str
) -> None:
    records = [",".join(row) for row in rows]  # an empty row is a blank line
    if header:
        records.insert(0, "a,b,c")
    outcomes = {}
    for ending in ["\n", "\r\n", "\r"]:
        for final in [True, False]:
            result = runner.invoke(
                app, [function, "--on-error", on_error, "--format", fmt], joined(records, ending, final)
            )
            outcomes[ending, final] = (result.exit_code, result.stdout, result.stderr)
    expected = outcomes["\n", True]
    assert "Traceback" not in expected[2] and "internal error" not in expected[2]
    for variant, outcome in outcomes.items():
        assert outcome == expected, variant


# ------------------------------------------------------------------------------------------ JSON input

# JSON documents as relu-cli reads them: an array of values, an array of objects, or objects one after
# another. Values nest; strings hold NULs, quotes, backslashes, lone surrogates (written as escapes) and
# numbers with blanks around them; numbers come in the spellings JSON allows, and as NaN and Infinity.
# The invariants are those of the corpora (test_corpora.py): statuses, one-line messages, and every value
# that is not transformed coming out as the same JSON value.

json_numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr).map(lambda text: text.replace("inf", "1e400")),
    st.sampled_from(["-0", "0", "1.50", "1E5", "1e-7", "-0.0", "2.5e+3", "1e400", "-1e400", "5e-324"]),
    st.sampled_from(["NaN", "Infinity", "-Infinity"]),
).map(Num)
json_strings = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=8),  # lone surrogates included
    st.sampled_from(
        ["", " ", "\x00", "a\x00b", '"', "\\", "0", " -2.5 ", "nan", "+1", ".5", "1_000", "\u0661"]
    ),
)
json_scalars = st.one_of(st.none(), st.booleans(), json_numbers, json_strings)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(json_strings, inner, max_size=3)),
    max_leaves=8,
)


def dumps(value: object, *, ascii: bool, spaced: bool) -> str:
    """JSON text of ``value``, its numbers as spelled; strings escaped as Python's json escapes them."""
    if isinstance(value, Num):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ascii)
    comma, colon = (", ", ": ") if spaced else (",", ":")
    if isinstance(value, list):
        return "[" + comma.join(dumps(item, ascii=ascii, spaced=spaced) for item in value) + "]"
    if isinstance(value, dict):
        members = (
            f"{dumps(key, ascii=ascii, spaced=False)}{colon}{dumps(item, ascii=ascii, spaced=spaced)}"
            for key, item in value.items()
        )
        return "{" + comma.join(members) + "}"
    return json.dumps(value)


@st.composite
def json_documents(draw: st.DrawFn) -> bytes:
    """A document relu-cli reads without an error of shape: a list of values whose first is not an
    object, or records that all have the first one's keys (in any order), as an array or one after
    another."""
    ascii, spaced = draw(st.booleans()), draw(st.booleans())
    if draw(st.booleans()):
        first = draw(st.one_of(json_scalars, st.lists(json_values, max_size=2)))
        values = [first, *draw(st.lists(json_values, max_size=8))]
        items = [dumps(value, ascii=ascii, spaced=spaced) for value in values]
        text = "[" + (",\n " if draw(st.booleans()) else ", ").join(items) + "]\n"
    else:
        keys = draw(st.lists(json_strings, min_size=1, max_size=4, unique=True))
        records = draw(
            st.lists(st.fixed_dictionaries({key: json_values for key in keys}), min_size=1, max_size=6)
        )
        for record in records[1:]:
            order = draw(st.permutations(keys))
            record.update({key: record.pop(key) for key in order})
        items = [dumps(record, ascii=ascii, spaced=spaced) for record in records]
        text = "[" + ",\n".join(items) + "]\n" if draw(st.booleans()) else "".join(f"{i}\n" for i in items)
    # a lone surrogate has no UTF-8 form: written as the escape it stands for, as in any JSON file
    return text.encode("utf-8", "backslashreplace")


@PROPERTY
@given(document=json_documents())
def test_json_documents_come_out_with_every_untouched_value_the_same(document: bytes) -> None:
    outcome = assert_json_kept(document)
    assert outcome.status == 0, outcome


@PROPERTY
@given(
    document=json_documents(),
    damage=st.one_of(
        st.none(),
        st.tuples(
            st.floats(0, 1), st.sampled_from([b"", b"\x00", b"\xff", b"]", b"}", b",", b'"', b"[[", b"\n"])
        ),
    ),
    fmt=st.sampled_from(["text", "csv", "tsv", "json", "ndjson", "table"]),
    on_error=st.sampled_from(["fail", "skip", "nan"]),
)
def test_any_json_document_whole_or_damaged_exits_0_1_or_2_with_one_line_messages(
    document: bytes, damage: tuple[float, bytes] | None, fmt: str, on_error: str
) -> None:
    if damage is not None:  # cut short at a random place, with a stray byte there
        at = int(damage[0] * len(document))
        document = document[:at] + damage[1]
    assert_well_behaved(relu_cli(document, fmt, on_error=on_error))
