"""``--stats``: the summary after the data, on stderr only."""

from __future__ import annotations

import re

import numpy as np
from test_e2e import on_terminal, shell

from relu_cli.stats import Stats
from relu_cli.transform import Processed


def _batch(read: list[float], computed: list[float], column: int = 0) -> Processed:
    arrays = {column: (np.array(read), np.array(computed))}
    return Processed("test", [], {column}, arrays)


def test_stats_count_zeroed_capped_and_nan_over_batches() -> None:
    stats = Stats("relu", max_value=6.0)
    stats.add(_batch([-2.0, 0.0, 7.0], [0.0, 0.0, 6.0]))
    stats.add(_batch([np.nan, 3.0], [np.nan, 3.0]))
    column = stats.columns[0]
    assert (column.count, column.below, column.capped, column.nan) == (5, 2, 1, 1)
    assert column.inputs.cells() == ["-2", "7", "2"]
    assert column.outputs.cells() == ["0", "6", "2.25"]


def test_stats_of_nothing_say_zero_values() -> None:
    assert Stats("relu").blocks([]) == ["0 values"]


def test_stats_of_only_nan_have_nan_min_max_mean() -> None:
    stats = Stats("leaky-relu")
    stats.add(_batch([np.nan], [np.nan]))
    assert stats.blocks(["1"]) == [
        "1 value, 1 NaN\n"
        "  scaled, x <= 0       0    0.0%\n"
        "                 min       max      mean\n"
        "  input          nan       nan       nan\n"
        "  output         nan       nan       nan"
    ]


def test_stats_go_to_stderr_after_the_data_and_stdout_stays_clean() -> None:
    result = shell("relu-cli relu -3 -1 0 2 nan --stats")
    assert result.returncode == 0
    assert result.stdout == "0.0\n0.0\n0.0\n2.0\nnan\n"
    assert result.stderr == (
        "relu-cli: stats: 5 values, 1 NaN\n"
        "  zeroed, x <= 0       3   60.0%\n"
        "                 min       max      mean\n"
        "  input           -3         2      -0.5\n"
        "  output           0         2       0.5\n"
    )


def test_leaky_stats_count_scaled_values_and_the_cap() -> None:
    result = shell("relu-cli leaky-relu --stats --max-value 6 --threshold 1 -- -4 1 2 9")
    assert result.stdout == "-0.005\n0.0\n2.0\n6.0\n"
    assert result.stderr.splitlines()[:3] == [
        "relu-cli: stats: 4 values",
        "  scaled, x <= 1       2   50.0%",
        "  capped, x >= 6       1   25.0%",
    ]


def test_stats_name_each_column_of_a_csv() -> None:
    result = shell("printf 'id,x,y\\n1,-2,3\\n2,4,-1\\n' | relu-cli relu -c x,y --stats")
    assert result.stdout == "id,x,y\n1,0.0,3.0\n2,4.0,0.0\n"
    heads = [line for line in result.stderr.splitlines() if line.startswith("relu-cli: stats:")]
    assert heads == ["relu-cli: stats: column x: 2 values", "relu-cli: stats: column y: 2 values"]


def test_stats_leave_out_skipped_records() -> None:
    result = shell("printf '1\\nfoo\\n-3\\n' | relu-cli relu --stats --on-error skip")
    assert result.stdout == "1.0\n0.0\n"
    assert result.stderr.startswith("relu-cli: stats: 2 values\n  zeroed, x <= 0       1   50.0%\n")
    assert "skipped 1 bad record(s)" in result.stderr


def test_stats_of_an_empty_input() -> None:
    result = shell("printf '' | relu-cli relu --stats")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "relu-cli: stats: 0 values\n")


def test_stats_follow_the_table_on_a_terminal() -> None:
    status, screen = on_terminal(["relu", "-1", "2", "--stats"])
    assert status == 0
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen)
    assert plain.index("2 rows") < plain.index("relu-cli: stats: 2 values")


def test_stats_columns_stay_apart_when_numbers_are_wide() -> None:
    result = shell("relu-cli relu -123456789 123456789.5 --stats")
    assert result.returncode == 0
    assert result.stderr.splitlines()[2:] == [
        "                    min         max        mean",
        "  input    -1.23457e+08 1.23457e+08        0.25",
        "  output              0 1.23457e+08 6.17284e+07",
    ]


def test_stats_numbers_keep_sign_and_exponent_in_their_own_column() -> None:
    stats = Stats("relu")
    stats.add(_batch([-1.5e300, 2e-300], [0.0, 2e-300]))
    table = stats.blocks(["1"])[0].splitlines()[2:]
    assert [line.split() for line in table] == [
        ["min", "max", "mean"],
        ["input", "-1.5e+300", "2e-300", "-7.5e+299"],
        ["output", "0", "2e-300", "1e-300"],
    ]
    assert len({len(line) for line in table}) == 1, "right-aligned columns"


def test_stats_columns_keep_their_width_when_numbers_fit() -> None:
    stats = Stats("relu")
    stats.add(_batch([-0.25, 12345.5], [0.0, 12345.5]))
    assert stats.blocks(["1"])[0].splitlines()[2:] == [
        "                 min       max      mean",
        "  input        -0.25   12345.5   6172.62",
        "  output           0   12345.5   6172.75",
    ]


def test_a_worker_summarises_its_block_as_the_main_process_would() -> None:
    """What a worker process sends back for --stats merges into the same summary as the block's numbers
    counted here; the worker's job must not fail (a failed job is quietly redone in the main process)."""
    import io

    from relu_cli import core
    from relu_cli.app import _summarize
    from relu_cli.choices import OnError
    from relu_cli.input.text import TextReader
    from relu_cli.output.text import TextWriter
    from relu_cli.transform import Processor, Tally

    data = b"".join(b"%r\n" % (i * 0.25 - 300) for i in range(3000)) + b"nan\ninf\n-inf\n"
    reader = TextReader(io.BytesIO(data), "<stdin>", chunk_size=1 << 16)
    batches = reader.batches()
    next(batches)  # the first line comes alone
    batch = next(batches)
    block = batch.block
    assert reader.layout is not None and block is not None
    processor = Processor(reader.layout, core.relu, columns=None, on_error=OnError.fail, tally=Tally())
    writer = TextWriter(io.BytesIO(), reader.layout)  # type: ignore[arg-type]
    result = processor.work(writer.render, _summarize(Stats("relu")))(processor.job(batch) or b"")
    assert result is not None
    _, summary, rendered = result.split(b"\n", 2)
    merged, counted = Stats("relu"), Stats("relu")
    merged.merge(summary)
    parsed = np.array([float(line) for line in block.data.split()])
    counted.add(Processed("<stdin>", [], {0}, {0: (parsed, core.relu(parsed))}))
    assert merged.blocks(["1"]) == counted.blocks(["1"])
    assert rendered.split(b"\n")[:2] == [repr(float(core.relu(parsed[0]))).encode(), b"0.0"]


def test_many_columns_are_summarised_at_once_as_one_by_one() -> None:
    """A chunk of many columns is summarised with numpy along its rows; the result is the same as column
    by column, NaN, ±inf and a column of only NaN included."""
    from relu_cli import core
    from relu_cli.transform import _Results

    rng = np.random.default_rng(3)
    read = rng.standard_normal((100, 30)) * 10
    chance = rng.random(read.shape)
    read[chance < 0.05], read[chance > 0.97] = np.nan, np.inf
    read[(chance > 0.05) & (chance < 0.07)], read[3] = -np.inf, np.nan
    computed = core.relu(read, max_value=6.0)
    names = [str(column) for column in range(100)]
    together, apart = Stats("relu", max_value=6.0), Stats("relu", max_value=6.0)
    together.add(
        Processed("x", [], set(range(100)), _Results(list(range(100)), read, computed, {}, {}).numbers())
    )
    apart.add(Processed("x", [], set(range(100)), {c: (read[c], computed[c]) for c in range(100)}))
    assert together.blocks(names) == apart.blocks(names)
    assert "column 3: 30 values, 30 NaN" in together.blocks(names)[3]
