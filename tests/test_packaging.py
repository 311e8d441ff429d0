"""Packaging as users and tools see it: the wheel's contents and metadata, the sdist holding everything its
tests need, and CI running what the README tells developers to run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    command = next(line for line in readme.splitlines() if line.startswith("bash scripts/setup-dev.sh"))
    ci = (ROOT / ".ci" / "run").read_text().rstrip("\n").splitlines()[-1]
    assert command == ci
    for gate in (".venv/bin/python -m pytest", "ruff check", "ruff format --check", ".venv/bin/mypy"):
        assert gate in ci


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    directory = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    subprocess.run([*pip, "--wheel-dir", str(directory), str(ROOT)], check=True, capture_output=True)
    return zipfile.ZipFile(next(directory.glob("relu_cli-*.whl")))


#: What the wheel installs under the environment's prefix, from the sources kept in the repository.
DATA_FILES = {
    "share/man/man1/relu-cli.1": "man/relu-cli.1",
    "share/bash-completion/completions/relu-cli": "completions/relu-cli",
    "share/zsh/site-functions/_relu-cli": "completions/_relu-cli",
    "share/fish/vendor_completions.d/relu-cli.fish": "completions/relu-cli.fish",
}


def test_wheel_installs_the_man_page_and_completions_under_the_prefix(wheel: zipfile.ZipFile) -> None:
    data = {
        name.split(".data/data/", 1)[1]: wheel.read(name)
        for name in wheel.namelist()
        if re.match(r"relu_cli-[^/]+\.data/data/", name)
    }
    assert data == {installed: (ROOT / source).read_bytes() for installed, source in DATA_FILES.items()}


def test_wheel_ships_the_typed_marker(wheel: zipfile.ZipFile) -> None:
    assert "relu_cli/py.typed" in wheel.namelist()


def test_wheel_metadata_is_complete_and_placeholder_free(wheel: zipfile.ZipFile) -> None:
    name = next(name for name in wheel.namelist() if name.endswith(".dist-info/METADATA"))
    metadata = Parser().parsestr(wheel.read(name).decode())
    assert metadata["Summary"].startswith("Apply ReLU and leaky ReLU")
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Requires-Python"] == ">=3.10"
    classifiers = metadata.get_all("Classifier") or []
    assert {"Typing :: Typed", "Environment :: Console", "Programming Language :: Python :: 3.10"} <= set(
        classifiers
    )
    for url in metadata.get_all("Project-URL") or []:  # none until relu-cli has a public home
        assert re.search(r", https://(?!(www\.)?example\.)", url) and "TODO" not in url, url
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in wheel.namelist())


# ------------------------------------------------------------------------------------------------- sdist

SDIST_DIRECTORIES = ("tests", "man", "completions", "scripts", "bench", "fuzz", "docs")
SDIST_FILES = ("README.md", "LICENSE", "pyproject.toml", "MANIFEST.in", ".ci/run")
#: Run from the unpacked sdist; together they read every directory it must hold but bench/, whose only
#: test (a smoke run) takes seconds.
SDIST_TESTS = (
    "tests/test_core.py",  # tests/data: the golden vectors
    "tests/test_fuzz_regressions.py",  # fuzz/ and tests/data/fuzz
    "tests/test_manpage.py::test_man_page_is_what_the_command_tree_generates",  # man/ and scripts/
    "tests/test_completions.py::test_shipped_completions_are_what_the_app_generates",  # completions/
    "tests/test_readme_images.py::test_readme_shows_every_picture_and_every_picture_is_committed",  # docs/
    "tests/test_packaging.py::test_readme_test_command_is_what_ci_runs",  # .ci/run
)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist as ``python -m build --sdist`` makes it, unpacked."""
    directory = tmp_path_factory.mktemp("sdist")
    command = [sys.executable, "-m", "build", "--sdist", "--outdir", str(directory), str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (archive,) = directory.glob("relu_cli-*.tar.gz")
    subprocess.run(["tar", "-xzf", str(archive), "-C", str(directory)], check=True)
    (tree,) = directory.glob("relu_cli-*/")
    return tree


def test_sdist_holds_everything_needed_to_build_and_test(sdist: Path) -> None:
    def shipped(path: Path) -> bool:
        parts = path.relative_to(ROOT).parts
        return path.is_file() and "__pycache__" not in parts and parts[:2] != ("bench", ".data")

    wanted = {path.relative_to(ROOT) for top in SDIST_DIRECTORIES for path in (ROOT / top).rglob("*")}
    wanted = {path for path in wanted if shipped(ROOT / path)} | {Path(name) for name in SDIST_FILES}
    assert Path("tests/data/golden.json") in wanted and Path("completions/relu-cli") in wanted
    missing = sorted(str(path) for path in wanted if not (sdist / path).is_file())
    assert missing == []


def test_tests_run_from_the_unpacked_sdist(sdist: Path) -> None:
    """The sdist's own relu_cli is imported (PYTHONPATH), by the tests and by the relu-cli they run."""
    env = {
        **os.environ,
        "PYTHONPATH": str(sdist),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    where = [sys.executable, "-c", "import relu_cli; print(relu_cli.__file__)"]
    imported = subprocess.run(where, capture_output=True, text=True, env=env, cwd=sdist, check=True).stdout
    assert Path(imported.strip()) == sdist / "relu_cli" / "__init__.py"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SDIST_TESTS],
        capture_output=True,
        text=True,
        env=env,
        cwd=sdist,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed in [\d.]+s", summary) and int(summary.split()[0]) >= 100, summary


def test_wheel_built_from_the_sdist_installs_the_same_files(sdist: Path, tmp_path: Path) -> None:
    """``python -m build`` and ``pip install relu_cli-*.tar.gz`` build the wheel from the sdist."""
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path)]
    subprocess.run([*pip, str(sdist)], check=True, capture_output=True)
    test_wheel_installs_the_man_page_and_completions_under_the_prefix(
        zipfile.ZipFile(next(tmp_path.glob("relu_cli-*.whl")))
    )
