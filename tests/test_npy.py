"""NumPy arrays in and out: ``.npy`` and ``.npz`` files made by NumPy itself, read by relu-cli, and its
``--format npy|npz`` output read back by ``np.load``. NumPy is the reference: the values must be exactly
what ``np.maximum`` (or the leaky formula) gives on the array converted to float64."""

from __future__ import annotations

import gzip
import io
import pickle
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_cli import invoke
from test_e2e import RELU_CLI, on_terminal, shell


def relu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, 0.0) + 0.0


def lines_of(values: np.ndarray) -> str:
    return "".join(f"{value!r}\n" for value in values.astype(np.float64).reshape(-1).tolist())


def save(path: Path, array: np.ndarray) -> Path:
    np.save(path, array)
    return path


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The installed command, its stdout as bytes (binary formats)."""
    return subprocess.run([RELU_CLI, *args], input=stdin, capture_output=True, timeout=120, check=False)


ACTS = np.array([[1.0, -1.0, 0.5], [-2.0, -3.0, 4.0]], dtype=np.float32)


def test_npy_values_come_one_a_line_in_c_order(tmp_path: Path) -> None:
    path = save(tmp_path / "acts.npy", ACTS)
    result = invoke("relu", "-f", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1.0\n0.0\n0.5\n0.0\n0.0\n4.0\n"
    assert result.stderr == ""


def test_leaky_relu_of_an_npy_keeps_the_default_slope(tmp_path: Path) -> None:
    path = save(tmp_path / "acts.npy", np.array([1.0, -1.0, 0.0]))
    assert invoke("leaky-relu", "-f", str(path)).stdout == "1.0\n-0.001\n0.0\n"


@pytest.mark.parametrize(
    "dtype",
    ["float16", "float32", "float64", ">f8", "int8", "int64", "uint16", "uint64", "bool", "longdouble"],
)
def test_every_real_dtype_is_read_as_float64(tmp_path: Path, dtype: str) -> None:
    array = np.array([[3, -2, 0], [1, 7, -5]]).astype(dtype)
    path = save(tmp_path / "a.npy", array)
    result = invoke("relu", "-f", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == lines_of(relu(array.astype(np.float64)))


def test_a_fortran_order_array_comes_out_in_c_order(tmp_path: Path) -> None:
    array = np.asfortranarray(np.arange(-12.0, 12.0).reshape(2, 3, 4))
    path = save(tmp_path / "f.npy", array)
    assert invoke("relu", "-f", str(path)).stdout == lines_of(relu(np.ascontiguousarray(array)))
    out = run("relu", "-f", str(path), "--format", "npy")
    assert out.returncode == 0, out.stderr
    (tmp_path / "out.npy").write_bytes(out.stdout)
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), relu(array))


def test_npy_output_is_byte_for_byte_what_np_save_writes(tmp_path: Path) -> None:
    array = np.random.default_rng(0).standard_normal((300, 70))
    path = save(tmp_path / "a.npy", array)
    expected = tmp_path / "expected.npy"
    np.save(expected, relu(array))
    result = run("relu", "-f", str(path), "--format", "npy")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected.read_bytes()


def test_leaky_gradient_to_npy_follows_the_convention_at_zero(tmp_path: Path) -> None:
    array = np.array([[-2.0, 0.0], [np.nan, 3.0]], dtype=np.float32)
    path = save(tmp_path / "a.npy", array)
    result = run("leaky-relu", "--mode", "gradient", "--slope", "0.1", "-f", str(path), "--format", "npy")
    (tmp_path / "out.npy").write_bytes(result.stdout)
    out = np.load(tmp_path / "out.npy")
    assert out.shape == (2, 2) and out.dtype == np.float64
    np.testing.assert_array_equal(out, [[0.1, 0.1], [np.nan, 1.0]])


def test_npz_transforms_every_array_in_order(tmp_path: Path) -> None:
    path = tmp_path / "layers.npz"
    conv, fc = np.array([[-1.0, 2.0]]), np.array([3, -4], dtype=np.int16)
    np.savez(path, conv=conv, fc=fc)
    assert invoke("relu", "-f", str(path)).stdout == "0.0\n2.0\n3.0\n0.0\n"
    assert invoke("relu", "-f", str(path), "-c", "fc").stdout == "3.0\n0.0\n"
    assert invoke("relu", "-f", str(path), "-c", "2").stdout == "3.0\n0.0\n"


def test_names_of_an_npz_list_shape_and_dtype(tmp_path: Path) -> None:
    path = tmp_path / "layers.npz"
    np.savez_compressed(path, conv=np.zeros((64, 128), np.float32), fc=np.zeros(10))
    result = invoke("relu", "-n", "-f", str(path))
    assert result.stdout == "  1: conv  float32 (64, 128)\n  2: fc  float64 (10,)\n"


def test_an_unknown_array_name_lists_those_there_are(tmp_path: Path) -> None:
    path = tmp_path / "layers.npz"
    np.savez(path, conv=np.zeros(2))
    result = invoke("relu", "-f", str(path), "-c", "dense")
    assert result.exit_code == 2
    assert result.stderr == "relu-cli: error: --columns: no column 'dense'; available: 1 'conv'\n"


def test_npz_output_keeps_the_names_and_copies_what_is_not_chosen(tmp_path: Path) -> None:
    path = tmp_path / "layers.npz"
    conv = np.asfortranarray(np.linspace(-1, 1, 12).reshape(3, 4))
    labels = np.array([7, -1, 3], dtype=np.int64)
    np.savez_compressed(path, conv=conv, labels=labels)
    result = run("relu", "-f", str(path), "-c", "conv", "--format", "npz")
    assert result.returncode == 0, result.stderr
    (tmp_path / "out.npz").write_bytes(result.stdout)
    with np.load(tmp_path / "out.npz") as out:
        assert out.files == ["conv", "labels"]
        np.testing.assert_array_equal(out["conv"], relu(conv))
        assert out["conv"].dtype == np.float64
        np.testing.assert_array_equal(out["labels"], labels)
        assert out["labels"].dtype == np.int64


def test_npy_input_to_npz_names_its_array_as_np_savez_does(tmp_path: Path) -> None:
    path = save(tmp_path / "a.npy", ACTS)
    result = run("relu", "-f", str(path), "--format", "npz")
    (tmp_path / "out.npz").write_bytes(result.stdout)
    with np.load(tmp_path / "out.npz") as out:
        assert out.files == ["arr_0"]
        np.testing.assert_array_equal(out["arr_0"], relu(ACTS.astype(np.float64)))


def test_text_to_npy_is_a_vector_for_a_value_list(tmp_path: Path) -> None:
    result = run("relu", "--format", "npy", stdin=b"-3\n-1\n2\n\n5\n")
    (tmp_path / "out.npy").write_bytes(result.stdout)
    out = np.load(tmp_path / "out.npy")
    assert out.shape == (4,)
    assert out.tolist() == [0.0, 0.0, 2.0, 5.0]


def test_csv_to_npy_is_rows_by_transformed_columns_with_nan_for_missing(tmp_path: Path) -> None:
    csv = b"id,x,label,y\n1,-2,a,3\n2,,b,-4\n3,5,c,NA\n"
    result = run("relu", "--format", "npy", "-c", "x,y", stdin=csv)
    assert result.returncode == 0, result.stderr
    (tmp_path / "out.npy").write_bytes(result.stdout)
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), [[0.0, 3.0], [np.nan, 0.0], [5.0, np.nan]])


def test_csv_to_npz_gives_one_array_per_transformed_column(tmp_path: Path) -> None:
    result = run("relu", "--format", "npz", stdin=b"x,label,y\n-2,a,3\n4,b,-4\n")
    (tmp_path / "out.npz").write_bytes(result.stdout)
    with np.load(tmp_path / "out.npz") as out:
        assert out.files == ["x", "y"]
        assert out["x"].tolist() == [0.0, 4.0]
        assert out["y"].tolist() == [3.0, 0.0]


def test_large_text_input_to_npy_goes_through_the_workers_unchanged(tmp_path: Path) -> None:
    numbers = np.random.default_rng(3).standard_normal(400_000)
    text = "".join(f"{value!r}\n" for value in numbers.tolist()).encode()
    outs = []
    for jobs in ("1", "3"):
        result = run("relu", "--format", "npy", "-j", jobs, stdin=text)
        assert result.returncode == 0, result.stderr
        outs.append(result.stdout)
    assert outs[0] == outs[1]
    (tmp_path / "out.npy").write_bytes(outs[0])
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), relu(numbers))


def test_binary_formats_refuse_a_terminal(tmp_path: Path) -> None:
    path = save(tmp_path / "a.npy", ACTS)
    status, screen = on_terminal(["relu", "-f", str(path), "--format", "npy"], env={"NO_COLOR": "1"})
    assert status == 2
    assert screen == "relu-cli: error: --format npy writes binary; redirect it to a file\n"


def test_the_table_title_shows_dtype_and_shape(tmp_path: Path) -> None:
    path = save(tmp_path / "a.npy", ACTS)
    status, screen = on_terminal(["relu", "-f", str(path)], env={"NO_COLOR": "1"})
    assert status == 0
    assert screen.splitlines()[0].strip() == "relu(x) · float32 (2, 3)"
    assert "4.0" in screen and "6 rows" in screen


def test_stats_count_units_dead_for_every_sample(tmp_path: Path) -> None:
    acts = np.random.default_rng(1).standard_normal((500, 8))
    acts[:, [1, 6]] = -np.abs(acts[:, [1, 6]])  # two units never fire
    acts[0, 6] = 0.0  # at the kink is not firing
    acts[3, 1] = np.nan  # NaN is not at or below 0: unit 1 is not dead
    path = save(tmp_path / "acts.npy", acts)
    result = invoke("relu", "-f", str(path), "--stats", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "  dead units, x <= 0 in all 500 samples       1   12.5% of 8 units\n" in result.stderr


def test_stats_of_a_fortran_array_find_the_same_dead_units(tmp_path: Path) -> None:
    acts = np.random.default_rng(2).standard_normal((50, 3, 10))
    acts[..., 4] = -1.0
    c_path, f_path = save(tmp_path / "c.npy", acts), save(tmp_path / "f.npy", np.asfortranarray(acts))
    for fmt in ("text", "npy"):
        reports = [run("relu", "-f", str(p), "--stats", "--format", fmt).stderr for p in (c_path, f_path)]
        assert reports[0] == reports[1]
        assert b"dead units, x <= 0 in all 150 samples       1   10.0% of 10 units" in reports[0]


def test_stats_name_each_array_of_an_npz(tmp_path: Path) -> None:
    path = tmp_path / "layers.npz"
    np.savez(path, conv=-np.ones((4, 2)), fc=np.ones(3))
    stderr = invoke("relu", "-f", str(path), "--stats").stderr
    assert "relu-cli: stats: array conv: 8 values\n" in stderr
    assert "dead units, x <= 0 in all 4 samples       2  100.0% of 2 units" in stderr
    assert "relu-cli: stats: array fc: 3 values\n" in stderr


def test_a_0d_array_is_one_value_and_a_zero_size_one_is_none(tmp_path: Path) -> None:
    assert invoke("relu", "-f", str(save(tmp_path / "s.npy", np.float32(-3)))).stdout == "0.0\n"
    empty = save(tmp_path / "e.npy", np.zeros((0, 4)))
    result = invoke("relu", "-f", str(empty))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    out = run("relu", "-f", str(empty), "--format", "npy")
    (tmp_path / "out.npy").write_bytes(out.stdout)
    assert np.load(tmp_path / "out.npy").shape == (0, 4)
    zero_d = run("relu", "-f", str(tmp_path / "s.npy"), "--format", "npy")
    (tmp_path / "out0.npy").write_bytes(zero_d.stdout)
    assert np.load(tmp_path / "out0.npy").shape == ()


def test_an_object_array_is_refused_and_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (open, (str(marker), "w"))

    path = tmp_path / "o.npy"
    with open(path, "wb") as file:
        np.lib.format.write_array_header_1_0(file, {"descr": "|O", "fortran_order": False, "shape": (1,)})
        pickle.dump(np.array([Payload()], dtype=object), file)
    result = invoke("relu", "-f", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"relu-cli: error: {path}: holds Python objects (dtype object); relu-cli reads arrays of numbers "
        "and never unpickles\n"
    )
    assert not marker.exists()


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.array([1 + 2j]), "holds complex numbers (complex128); relu-cli reads real numbers"),
        (np.array(["a"]), "holds str32 values, not numbers"),
        (np.zeros(2, dtype=[("a", "f8")]), "is a structured array"),
    ],
)
def test_arrays_of_anything_but_real_numbers_are_refused(
    tmp_path: Path, array: np.ndarray, message: str
) -> None:
    result = invoke("relu", "-f", str(save(tmp_path / "a.npy", array)))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"relu-cli: error: {tmp_path / 'a.npy'}: {message}")
    assert result.stderr.count("\n") == 1


def test_a_truncated_npy_gives_what_it_holds_then_one_line(tmp_path: Path) -> None:
    whole = save(tmp_path / "a.npy", np.arange(-50_000.0, 50_000.0)).read_bytes()
    cut = tmp_path / "cut.npy"
    cut.write_bytes(whole[: 128 + 8 * 70_000 + 3])
    result = invoke("relu", "-f", str(cut))
    assert result.exit_code == 1
    assert result.stderr == f"relu-cli: error: {cut}: truncated: holds 70,000 of 100,000 values\n"
    assert result.stdout == lines_of(relu(np.arange(-50_000.0, 20_000.0)))


@pytest.mark.parametrize(
    "data",
    [
        b"\x93NUMPY\x01\x00\x10\x00{garbage}      \n",
        b"\x93NUMPY\x01\x00",
        b"\x93NUMPY\x09\x00\x10\x00{}             \n",
        b"\x93NUMPY\x01\x00\x30\x00{'descr': '<f8', 'fortran_order': False}       \n",
    ],
)
def test_a_bad_header_is_one_line_and_exit_1(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.npy"
    path.write_bytes(data)
    result = invoke("relu", "-f", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"relu-cli: error: {path}: not a valid .npy header (")
    assert result.stderr.count("\n") == 1
    assert "0x" not in result.stderr


def test_a_damaged_npz_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "z.npz"
    np.savez(path, a=np.zeros(1000))
    path.write_bytes(path.read_bytes()[:600])
    result = invoke("relu", "-f", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"relu-cli: error: {path}: not a valid .npz archive (")
    assert result.stderr.count("\n") == 1


def test_npy_format_of_several_arrays_asks_for_npz(tmp_path: Path) -> None:
    path = tmp_path / "z.npz"
    np.savez(path, a=np.zeros(2), b=np.zeros(2))
    result = invoke("relu", "-f", str(path), "--format", "npy")
    assert result.exit_code == 2
    assert "--format npy writes one array; choose one with -c, or use --format npz" in result.stderr


@pytest.mark.parametrize("array_first", [True, False])
def test_arrays_and_text_do_not_mix_and_the_second_is_named(tmp_path: Path, array_first: bool) -> None:
    path = save(tmp_path / "a.npy", ACTS)
    text = tmp_path / "t.txt"
    text.write_text("1\n")
    first, second = (path, text) if array_first else (text, path)
    result = invoke("relu", "-f", str(first), "-f", str(second))
    assert result.exit_code == 2
    assert result.stderr == f"relu-cli: error: {second}: got NumPy arrays and text; give one kind of input\n"


def test_arrays_through_pipes_gzip_and_every_text_format(tmp_path: Path) -> None:
    save(tmp_path / "a.npy", ACTS)
    np.savez(tmp_path / "z.npz", acts=ACTS)
    (tmp_path / "a.npy.gz").write_bytes(gzip.compress((tmp_path / "a.npy").read_bytes()))
    expected = "1.0\n0.0\n0.5\n0.0\n0.0\n4.0\n"
    for command in ("relu-cli relu < a.npy", "cat a.npy | relu-cli relu", "cat z.npz | relu-cli relu"):
        result = shell(f"cd {tmp_path} && {command}")
        assert (result.returncode, result.stdout, result.stderr) == (0, expected, ""), command
    assert shell(f"relu-cli relu -f {tmp_path}/a.npy.gz | sort -n | tail -1").stdout == "4.0\n"
    csv = shell(f"relu-cli relu -f {tmp_path}/a.npy --format csv | head -3").stdout
    assert csv == "input,output\n1.0,1.0\n-1.0,0.0\n"
    ndjson = shell(f"relu-cli relu -f {tmp_path}/a.npy --format ndjson | head -2").stdout
    assert ndjson == '{"input": 1.0, "output": 1.0}\n{"input": -1.0, "output": 0.0}\n'


def test_a_large_npy_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.npy"
    big = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(4096, 16384))  # 256 MiB
    big[:] = -1.0
    big[:, :100] = 1.0
    del big
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(done.returncode, peak, done.stderr.decode())\n"
    )
    for fmt in ("npy", "npz"):
        measured = subprocess.run(
            [sys.executable, "-c", script, RELU_CLI, "relu", "-f", str(path), "--stats", "--format", fmt],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout
        status, peak_kib, stats = measured.split(" ", 2)
        assert status == "0", stats
        assert int(peak_kib) < 150 * 1024, f"{fmt}: peak RSS {int(peak_kib) // 1024} MiB for a 256 MiB array"
        assert "16,284   99.4% of 16,384 units" in stats
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1 << 30


def test_completing_columns_offers_the_arrays_of_an_npz(tmp_path: Path) -> None:
    from relu_cli import peek

    np.savez(tmp_path / "layers.npz", conv1=np.zeros(2), fc=np.zeros(3))
    assert peek.first_record_names(str(tmp_path / "layers.npz")) == ["conv1", "fc"]
    assert peek.first_record_names(str(save(tmp_path / "a.npy", ACTS))) == ["arr_0"]


def test_several_npy_files_make_one_stream(tmp_path: Path) -> None:
    first, second = save(tmp_path / "a.npy", np.array([-1.0, 2.0])), save(tmp_path / "b.npy", np.array([3]))
    assert invoke("relu", "-f", str(first), "-f", str(second)).stdout == "0.0\n2.0\n3.0\n"


@pytest.mark.parametrize("shape", [(7, 5), (4, 3, 5), (1, 9), (9, 1), (3, 1, 4, 2)])
@pytest.mark.parametrize("piped", [False, True])
def test_a_fortran_array_comes_out_in_c_order_a_band_of_rows_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: tuple[int, ...], piped: bool
) -> None:
    from relu_cli.input import npy as npy_input

    monkeypatch.setattr(npy_input, "_BAND_BYTES", 3 * 4 * 2)  # bands of a row or two: many bands
    array = np.asfortranarray(np.arange(-30, -30 + np.prod(shape), dtype=np.float32).reshape(shape))
    path = save(tmp_path / "f.npy", array)
    args = ("relu", "--format", "csv") if piped else ("relu", "--format", "csv", "-f", str(path))
    result = invoke(*args, input=path.read_bytes() if piped else None)
    assert result.exit_code == 0, result.stderr
    c_order = np.ascontiguousarray(array).reshape(-1).astype(np.float64)
    expected = "input,output\n" + "".join(f"{x!r},{max(x, 0.0) + 0.0!r}\n" for x in c_order.tolist())
    assert result.stdout == expected


def test_a_truncated_fortran_array_says_how_many_values_it_holds(tmp_path: Path) -> None:
    whole = save(tmp_path / "f.npy", np.asfortranarray(np.ones((100, 30)))).read_bytes()
    cut = tmp_path / "cut.npy"
    cut.write_bytes(whole[: len(whole) - 8 * 1000 - 5])
    result = invoke("relu", "-f", str(cut))
    assert result.exit_code == 1
    assert result.stderr == f"relu-cli: error: {cut}: truncated: holds 1,999 of 3,000 values\n"


def test_a_fortran_array_in_c_order_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "f.npy"
    big = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(4096, 4096), fortran_order=True)
    big[:] = np.arange(4096, dtype=np.float32)[None, :] - 2048  # 64 MiB; read whole, 200 MiB as float64
    del big
    out = tmp_path / "out.txt"
    script = (
        "import resource, subprocess, sys\n"
        "with open(sys.argv[1], 'wb') as out:\n"
        "    done = subprocess.run(sys.argv[2:], stdout=out)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    argv = [sys.executable, "-c", script, str(out), RELU_CLI, "relu", "-f", str(path), "-j", "1"]
    status, peak_kib = subprocess.run(
        argv, capture_output=True, text=True, timeout=300, check=True
    ).stdout.split()
    assert status == "0"
    assert int(peak_kib) < 150 * 1024, f"peak RSS {int(peak_kib) // 1024} MiB for a 64 MiB array"
    text = out.read_bytes()
    assert text.count(b"\n") == 4096 * 4096
    lines = text[:100_000].split(b"\n")
    assert (lines[0], lines[2048], lines[2049], lines[4096]) == (b"0.0", b"0.0", b"1.0", b"0.0")  # C order


def test_npy_of_a_value_list_with_several_values_a_line_holds_every_value() -> None:
    result = run("relu", "--format", "npy", stdin=b"1\n-2 3\n4\n")
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(np.load(io.BytesIO(result.stdout)), [1.0, 0.0, 3.0, 4.0])


def test_npy_of_records_of_varying_width_says_it_needs_the_same_columns() -> None:
    result = run("relu", "--format", "npy", stdin=b"1 2 3\n4 5\n")
    assert result.returncode == 1
    assert result.stderr.decode().startswith("relu-cli: error: <stdin>: 2 columns transformed here but 3")
    assert b"Traceback" not in result.stderr
