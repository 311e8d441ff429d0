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
