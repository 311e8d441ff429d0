"""Shell completion in real shells: the shipped completions/ files, installed the ways the README says, and
Typer's --install-completion. Each shell calls back into the installed relu-cli, through
ValuesFirstCommand's parsing, so negative numbers on the line must not break it."""

from __future__ import annotations

import gzip
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
COMPLETIONS = ROOT / "completions"
BIN = Path(sys.executable).parent


def environment(home: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    if home is not None:
        env["HOME"] = str(home)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "BASH_COMPLETION_USER_DIR"):
            env.pop(name, None)  # each shell finds its files under HOME
    return env


def need(program: str) -> None:
    """Skip when ``program`` (a command or a file) is missing on a developer's machine; fail in CI."""
    if shutil.which(program) is None and not Path(program).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing in CI (scripts/setup-dev.sh installs it)")
        pytest.skip(f"{program} is not installed")


def test_shipped_completions_are_what_the_app_generates() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_completions.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------------------------------------- bash

BASH_COMPLETE = """
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
_relu_cli_completion relu-cli
printf '%s\\n' "${COMPREPLY[@]}"
"""


def bash_complete(words: list[str], setup: str = "", **env: str) -> str:
    """The candidates bash's completion function offers for ``words`` (the last one being completed), after
    ``setup`` (by default: source the shipped file)."""
    setup = setup or f"source '{COMPLETIONS / 'relu-cli'}'"
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", setup + BASH_COMPLETE, "bash", *words],
        capture_output=True,
        text=True,
        env={**environment(), **env},
        timeout=30,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["relu-cli", "le"], "leaky-relu\n"),
        (["relu-cli", ""], "relu\nleaky-relu\nplot\n"),
        (["relu-cli", "plot", "l"], "leaky-relu\n"),
        (["relu-cli", "relu", "--mode", "gr"], "gradient\n"),
        (["relu-cli", "relu", "-m", ""], "forward\ngradient\n"),
        (["relu-cli", "relu", "-1", "-inf", "-nan", "--format", "j"], "json\n"),
        (["relu-cli", "leaky-relu", "-1", "--co"], "--columns\n--color\n"),
        (["relu-cli", "leaky-relu", "--slope", "-0.1", "--mode", "f"], "forward\n"),
        (["relu-cli", "leaky-relu", "-2", "--color", ""], "auto\nalways\nnever\n"),
        (["relu-cli", "leaky-relu", "-1", "--slope", ""], "\n"),  # a number: nothing to offer, no error
        (["relu-cli", "relu", "--file", ""], "\n"),  # a path: bash falls back to file names (-o default)
    ],
)
def test_bash_completes_commands_options_and_choices(words: list[str], expected: str) -> None:
    need("bash")
    assert bash_complete(words) == expected


def test_bash_completion_loads_on_demand_from_the_user_directory(tmp_path: Path) -> None:
    """README: copy the file to ~/.local/share/bash-completion/completions/ (bash-completion's own place)."""
    loader = "/usr/share/bash-completion/bash_completion"
    need(loader)
    directory = tmp_path / ".local/share/bash-completion/completions"
    directory.mkdir(parents=True)
    shutil.copy(COMPLETIONS / "relu-cli", directory)
    setup = f"source {loader}; __load_completion relu-cli || exit 1"
    assert bash_complete(["relu-cli", "le"], setup, **environment(tmp_path)) == "leaky-relu\n"


# ------------------------------------------------------------------------------------------------- fish


def fish_complete(line: str, setup: str = "", home: Path | None = None, **env: str) -> list[str]:
    """The candidates fish offers for ``line``; with ``home``, fish reads its configuration from there."""
    options = ["--no-config"] if home is None else []
    result = subprocess.run(
        ["fish", *options, "-c", f"{setup}; complete -C '{line}'"],
        capture_output=True,
        text=True,
        env={**environment(home), **env},
        timeout=30,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [candidate.split("\t")[0] for candidate in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("relu-cli le", ["leaky-relu"]),
        ("relu-cli relu --mode gr", ["gradient"]),
        ("relu-cli leaky-relu -1 -inf --for", ["--format"]),
    ],
)
def test_fish_completes_commands_options_and_choices(line: str, expected: list[str]) -> None:
    need("fish")
    assert fish_complete(line, setup=f"source '{COMPLETIONS / 'relu-cli.fish'}'") == expected


def test_fish_loads_the_file_from_its_completions_directory(tmp_path: Path) -> None:
    need("fish")
    directory = tmp_path / ".config/fish/completions"
    directory.mkdir(parents=True)
    shutil.copy(COMPLETIONS / "relu-cli.fish", directory)
    assert fish_complete("relu-cli le", home=tmp_path) == ["leaky-relu"]


# -------------------------------------------------------------------------------------------------- zsh

ZSHRC = f"fpath=('{COMPLETIONS}' $fpath); autoload -Uz compinit; compinit -u -D"  # as the README says


def test_zsh_loads_the_file_under_compinit() -> None:
    need("zsh")
    script = f"{ZSHRC}; print -r -- $_comps[relu-cli]"
    result = subprocess.run(
        ["zsh", "-f", "-c", script], capture_output=True, text=True, env=environment(), timeout=30
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout == "_relu-cli\n"


def zsh_tab(line: str, zshrc: str, home: Path, tabs: int = 1, until: str = "leaky-relu") -> str:
    """What an interactive zsh shows after typing ``line`` and pressing TAB ``tabs`` times (waiting up to
    10 seconds for ``until`` to appear)."""
    (home / ".zshrc").write_text(f"{zshrc}\nPS1='READY> '\n")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        ["zsh", "-d", "-i"],  # -d: no /etc/zsh/zshrc, so only our .zshrc decides what is loaded
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**environment(home), "ZDOTDIR": str(home), "TERM": "xterm"},
        close_fds=True,
        start_new_session=True,
    )
    os.close(terminal)
    screen = b""

    def read_until(text: bytes, seconds: float) -> bool:
        nonlocal screen
        deadline = time.monotonic() + seconds
        while text not in screen and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.1)[0]:
                try:
                    screen += os.read(controller, 65536)
                except OSError:
                    break
        return text in screen

    try:
        assert read_until(b"READY> ", 20), screen
        os.write(controller, line.encode() + b"\t" * tabs)
        read_until(until.encode(), 10)
    finally:
        process.kill()
        process.wait()
        os.close(controller)
    typed = screen.decode("utf-8", "replace").split("READY> ", 1)[1]
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x07|.\x08", "", typed)  # the line as it now reads


def test_zsh_completes_on_the_first_tab_when_installed_as_a_file(tmp_path: Path) -> None:
    """The shipped file is autoloaded from $fpath by the first TAB and completes at once (click#2344)."""
    need("zsh")
    assert zsh_tab("relu-cli le", ZSHRC, tmp_path) == "relu-cli leaky-relu "


def test_zsh_completes_choices_after_negative_numbers(tmp_path: Path) -> None:
    need("zsh")
    assert zsh_tab("relu-cli relu -1 --mode gr", ZSHRC, tmp_path) == "relu-cli relu -1 --mode gradient "


# ------------------------------------------------------------------------------------ column names for -c

CSV = 'id,x,label\n1,-2.5,"a, b"\n2,4,c\n'


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Input files in the current directory, which the shells and relu-cli's completion inherit."""
    (tmp_path / "data.csv").write_text(CSV)
    (tmp_path / "data.csv.gz").write_bytes(gzip.compress(CSV.encode()))
    (tmp_path / "data.json").write_text('[{"t": "a", "x": -1.5},\n {"t": "b", "x": 2}]\n')
    (tmp_path / "data.txt").write_text("a;b\n-1;2\n")
    (tmp_path / "plain.csv.gz").write_text(CSV)  # named .gz but not compressed
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00id,x\n")
    (tmp_path / "folder.csv").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["relu-cli", "relu", "-f", "data.csv", "-c", ""], "id\nx\nlabel\n1\n2\n3\n"),
        (["relu-cli", "leaky-relu", "-1", "-inf", "--file", "data.csv", "--columns", "l"], "label\n"),
        (["relu-cli", "relu", "-f", "data.csv", "-c", "x,"], "x,id\nx,label\nx,1\nx,3\n"),
        (["relu-cli", "relu", "-f", "data.csv.gz", "-c", "i"], "id\n"),
        (["relu-cli", "relu", "-f", "data.json", "-c", ""], "t\nx\n1\n2\n"),
        (["relu-cli", "relu", "-f", "data.txt", "-c", ""], "a\nb\n1\n2\n"),  # ; detected
        (["relu-cli", "relu", "--no-header", "-f", "data.txt", "-c", ""], "1\n2\n"),
        (["relu-cli", "relu", "-d", ",", "-f", "data.txt", "-c", ""], "a;b\n1\n"),
        (["relu-cli", "relu", "-f", "-", "-f", "data.csv", "-c", "la"], "label\n"),  # stdin is not read
    ],
)
def test_bash_completes_columns_of_the_file_named_before(
    inputs: Path, words: list[str], expected: str
) -> None:
    need("bash")
    assert bash_complete(words) == expected


@pytest.mark.parametrize(
    "words",
    [
        ["relu-cli", "relu", "-c", ""],
        ["relu-cli", "relu", "-f", "missing.csv", "-c", ""],
        ["relu-cli", "relu", "-f", "plain.csv.gz", "-c", ""],
        ["relu-cli", "relu", "-f", "binary.csv", "-c", ""],
        ["relu-cli", "relu", "-f", "folder.csv", "-c", ""],
        ["relu-cli", "relu", "-f", "-", "-c", ""],
        ["relu-cli", "relu", "-d", "abc", "-f", "data.csv", "-c", ""],
    ],
)
def test_bash_column_completion_is_silent_without_a_readable_file(inputs: Path, words: list[str]) -> None:
    """No candidates (bash then offers file names), and nothing on stderr: bash_complete checks it."""
    need("bash")
    assert bash_complete(words) == "\n"


def test_fish_completes_columns_of_the_file_named_before(inputs: Path) -> None:
    need("fish")
    setup = f"source '{COMPLETIONS / 'relu-cli.fish'}'"
    assert fish_complete("relu-cli relu -f data.csv -c ", setup) == ["1", "2", "3", "id", "label", "x"]
    assert fish_complete("relu-cli leaky-relu -1 -f data.json -c x,", setup) == ["x,1", "x,t"]


def test_zsh_completes_a_column_name_of_the_file_named_before(inputs: Path) -> None:
    need("zsh")
    typed = zsh_tab("relu-cli relu -2 -f data.csv -c la", ZSHRC, inputs, until="label")
    assert typed == "relu-cli relu -2 -f data.csv -c label "


def test_zsh_lists_column_names_and_numbers_with_descriptions(inputs: Path) -> None:
    need("zsh")
    screen = zsh_tab("relu-cli relu -f data.csv -c ", ZSHRC, inputs, until="column 3")
    listing = screen.split("\n")[1:]  # below the line typed, then the line drawn again after a CR
    rows = [" ".join(row.split("\r")[0].split()) for row in listing]
    assert rows == ["1 -- id", "2 -- x", "3 -- label", "id -- column 1", "label -- column 3", "x -- column 2"]


# ---------------------------------------------------------------------------------- --install-completion


def install(shell: str, home: Path) -> None:
    result = subprocess.run(
        ["relu-cli", "--install-completion", shell],
        capture_output=True,
        text=True,
        env={**environment(home), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{shell} completion installed in" in result.stdout


def test_typer_install_completion_still_works_for_bash(tmp_path: Path) -> None:
    need("bash")
    install("bash", tmp_path)
    completions = bash_complete(["relu-cli", "le"], f"source '{tmp_path}/.bashrc'", HOME=str(tmp_path))
    assert completions == "leaky-relu\n"


def test_typer_install_completion_still_works_for_fish(tmp_path: Path) -> None:
    need("fish")
    install("fish", tmp_path)
    assert fish_complete("relu-cli le", home=tmp_path) == ["leaky-relu"]


def test_typer_install_completion_still_works_for_zsh(tmp_path: Path) -> None:
    """Typer's own zsh script only registers itself on the first TAB (the README says so); it completes on
    the next one."""
    need("zsh")
    install("zsh", tmp_path)
    zshrc = re.sub(r"; compinit$", "; compinit -u -D", (tmp_path / ".zshrc").read_text(), flags=re.MULTILINE)
    assert zsh_tab("relu-cli le", zshrc, tmp_path, tabs=2) == "relu-cli leaky-relu "
