"""Packaging as users and tools see it: the wheel's contents and metadata, and CI running what the README
tells developers to run."""

from __future__ import annotations

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
