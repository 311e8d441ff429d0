"""Every ``console`` example in the README is run and its output compared, so the docs cannot drift."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLE_FILES = Path(__file__).parent / "data" / "readme"


def console_examples() -> list[tuple[str, str]]:
    """(command, expected output) for every ``$ `` line of every console block in the README."""
    examples: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL):
        command: str | None = None
        output: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "".join(output)))
                command, output = line[2:], []
            else:
                output.append(line + "\n")
        if command is not None:
            examples.append((command, "".join(output)))
    return examples


@pytest.mark.parametrize(("command", "expected"), console_examples())
def test_readme_example_prints_what_the_readme_shows(command: str, expected: str, tmp_path: Path) -> None:
    if "jq" in command and shutil.which("jq") is None and not os.environ.get("CI"):
        pytest.skip("jq is not installed")
    shutil.copytree(EXAMPLE_FILES, tmp_path, dirs_exist_ok=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # interleaved, as on a terminal
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout == expected


def test_readme_has_examples() -> None:
    assert len(console_examples()) >= 10
