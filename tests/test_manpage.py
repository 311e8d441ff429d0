"""The man page is generated from the same command tree as --help, renders cleanly, and man finds it where
the README says to put it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_completions import need

ROOT = Path(__file__).parent.parent
PAGE = ROOT / "man" / "relu-cli.1"


def test_man_page_is_what_the_command_tree_generates() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_manpage.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_man_page_renders_without_warnings() -> None:
    need("groff")
    result = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-z", str(PAGE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("prefix", [".local", "venv"])
def test_man_finds_the_page_next_to_a_bin_directory_on_path(prefix: str, tmp_path: Path) -> None:
    """README: ~/.local/share/man/man1 (with ~/.local/bin on PATH), or share/man/man1 in the venv."""
    need("man")
    (tmp_path / prefix / "bin").mkdir(parents=True)
    (tmp_path / prefix / "share/man/man1").mkdir(parents=True)
    shutil.copy(PAGE, tmp_path / prefix / "share/man/man1")
    env = {**os.environ, "HOME": str(tmp_path), "PATH": f"{tmp_path / prefix / 'bin'}:/usr/bin:/bin"}
    env |= {"MANPAGER": "cat", "MANWIDTH": "100", "LANG": "C.UTF-8"}
    env.pop("MANPATH", None)
    result = subprocess.run(["man", "relu-cli"], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "GLOBAL OPTIONS", "EXAMPLES"):
        assert f"\n{heading}\n" in result.stdout
    assert "relu-cli leaky-relu [OPTIONS] [VALUES]..." in result.stdout
    assert "[default: 0.001]" in result.stdout


def rendered_page() -> str:
    """The man page as ``man -l`` shows it, 100 columns wide."""
    need("man")
    env = {**os.environ, "MANPAGER": "cat", "MANWIDTH": "100", "LANG": "C.UTF-8"}
    result = subprocess.run(["man", "-l", str(PAGE)], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def section(page: str, heading: str) -> list[str]:
    """The lines of one section of a rendered page, without its heading and indentation."""
    lines = page.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
    return [line.strip() for line in lines[start:end]]


def test_man_page_keeps_the_formulas_on_lines_of_their_own_as_help_does() -> None:
    description = section(rendered_page(), "DESCRIPTION")
    formulas = [
        "relu(x) = max(0, x)",
        "leaky_relu(x) = x if x > 0 else slope*x  (slope 0.001 by default)",
        "Gradients, at x = 0 as in PyTorch:",
        "relu'(x) = 1 if x > 0 else 0",
        "leaky_relu'(x) = 1 if x > 0 else slope",
        "NaN in gives NaN out.",
    ]
    start = description.index(formulas[0])
    assert description[start : start + len(formulas)] == formulas
    help_text = subprocess.run(
        [sys.executable, "-m", "relu_cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert all(f"\n  {formula}\n" in help_text for formula in formulas)  # the same lines as --help


def test_man_page_examples_are_command_lines_and_notes_only() -> None:
    examples = section(rendered_page(), "EXAMPLES")
    assert "Examples:" not in examples
    assert "relu-cli relu -1 0 2.5" in examples and "relu-cli plot relu" in examples
    assert all("\b" not in line for line in examples)


def test_man_page_lists_the_short_help_option() -> None:
    page = rendered_page()
    assert "-h, --help" in section(page, "OPTIONS")
    assert "-h, --help" in section(page, "GLOBAL OPTIONS")
    assert "[VALUES]..." in section(page, "COMMANDS")
