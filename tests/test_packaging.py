"""Packaging as users and tools see it: the wheel's contents and metadata, what `pip install` and `pipx
install` put under their prefix (the man page and completions, found by man and the shells), the sdist
holding everything its tests need, and CI running what the README tells developers to run.

The installing tests build and install for real, into temporary venvs: a few seconds each, so they are few.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib.metadata import version as metadata_version
from pathlib import Path

import pytest
from test_completions import bash_complete, fish_complete, need, zsh_tab

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


# ------------------------------------------------------------------------------------------ installing


def man_page(env: dict[str, str], home: Path) -> str:
    """What ``man relu-cli`` prints in ``env`` (a HOME of its own, no MANPATH unless ``env`` sets one)."""
    need("man")
    env = {key: value for key, value in os.environ.items() if key != "MANPATH"} | {"HOME": str(home)} | env
    env |= {"MANPAGER": "cat", "MANWIDTH": "100", "LANG": "C.UTF-8"}
    result = subprocess.run(["man", "relu-cli"], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def is_the_page(text: str) -> bool:
    return "relu-cli leaky-relu [OPTIONS] [VALUES]..." in text and "\nEXAMPLES\n" in text


@pytest.fixture(scope="module")
def venv(wheel: zipfile.ZipFile, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with relu-cli installed from its wheel, as ``pip install .`` installs it."""
    prefix = tmp_path_factory.mktemp("install") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(prefix / "bin" / "python"), "install", "--quiet"]
    result = subprocess.run([*pip, wheel.filename], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return prefix


def test_pip_install_puts_the_man_page_and_completions_under_the_prefix(venv: Path) -> None:
    for installed, source in DATA_FILES.items():
        assert (venv / installed).read_bytes() == (ROOT / source).read_bytes()


def test_man_finds_the_page_of_a_pip_install_beside_its_bin_on_path(venv: Path, tmp_path: Path) -> None:
    """man-db looks in ../share/man beside every bin directory on PATH."""
    assert is_the_page(man_page({"PATH": f"{venv / 'bin'}:/usr/bin:/bin"}, tmp_path))


def test_shells_complete_from_the_scripts_a_pip_install_put_under_its_prefix(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bash-completion and fish look in share/ of every XDG_DATA_DIRS entry, zsh in $fpath; the venv's
    relu-cli answers, with the columns of the file named by -f."""
    (tmp_path / "data.csv").write_text("id,x,label\n1,-2.5,a\n")
    monkeypatch.chdir(tmp_path)
    path = f"{venv / 'bin'}:{os.environ['PATH']}"
    xdg = {"XDG_DATA_DIRS": f"{venv / 'share'}:/usr/share", "PATH": path}
    loader = "/usr/share/bash-completion/bash_completion"
    need("bash")
    need(loader)
    setup = f"source {loader}; __load_completion relu-cli || exit 1; [[ $(type -P relu-cli) == {venv}/* ]]"
    setup += " || exit 1"
    words = ["relu-cli", "relu", "-f", "data.csv", "-c", ""]
    assert bash_complete(words, setup, **xdg) == "id\nx\nlabel\n1\n2\n3\n"
    need("fish")
    assert fish_complete("relu-cli relu -f data.csv -c la", home=tmp_path, **xdg) == ["label"]
    need("zsh")
    zshrc = f"fpath=('{venv}/share/zsh/site-functions' $fpath); path=('{venv}/bin' $path)"
    zshrc += "; autoload -Uz compinit; compinit -u -D"
    typed = zsh_tab("relu-cli relu -f data.csv -c la", zshrc, tmp_path, until="label")
    assert typed == "relu-cli relu -f data.csv -c label "


def readme_link_recipe() -> str:
    """The README's lines that link the completion scripts of a pipx install where the shells look."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    return next(block for block in blocks if "PIPX_LOCAL_VENVS" in block)


def test_pipx_install_gives_the_man_page_and_the_readme_recipe_the_completions(
    wheel: zipfile.ZipFile, tmp_path: Path
) -> None:
    """pipx (>= 1.5) links share/man pages into PIPX_MAN_DIR (by default ~/.local/share/man), which man
    finds on MANPATH (or beside ~/.local/bin on PATH); the completion scripts stay in its venv, and the
    README's recipe links them into a HOME, where bash-completion loads them."""
    need("man")
    tool = tmp_path / "pipx-venv"
    subprocess.run([sys.executable, "-m", "venv", str(tool)], check=True)
    got = subprocess.run(
        [str(tool / "bin" / "pip"), "install", "--quiet", "pipx>=1.5"], capture_output=True, text=True
    )
    if got.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"pipx could not be installed from PyPI: {got.stderr}")
        pytest.skip("pipx could not be installed from PyPI")
    pipx_env = {
        "PIPX_HOME": tmp_path / "pipx",
        "PIPX_BIN_DIR": tmp_path / "bin",
        "PIPX_MAN_DIR": tmp_path / "man",
    }
    env = {**os.environ, **{key: str(value) for key, value in pipx_env.items()}, "USE_EMOJI": "0"}
    result = subprocess.run(
        [str(tool / "bin" / "pipx"), "install", "--quiet", wheel.filename],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    linked = tmp_path / "man" / "man1" / "relu-cli.1"
    assert linked.is_symlink() and linked.read_bytes() == (ROOT / "man" / "relu-cli.1").read_bytes()
    version = subprocess.run(
        [str(tmp_path / "bin" / "relu-cli"), "--version"], capture_output=True, text=True
    )
    assert version.stdout == f"relu-cli {metadata_version('relu-cli')}\n"
    assert is_the_page(man_page({"MANPATH": str(tmp_path / "man"), "PATH": "/usr/bin:/bin"}, tmp_path))

    home = tmp_path / "home"
    home.mkdir()
    path = f"{tool / 'bin'}:{os.environ['PATH']}"  # where the recipe finds pipx
    subprocess.run(
        ["bash", "-euc", readme_link_recipe()], env={**env, "HOME": str(home), "PATH": path}, check=True
    )
    share = home / ".local" / "share"
    links = [home / ".zfunc" / "_relu-cli", share / "fish/vendor_completions.d/relu-cli.fish"]
    for link in [share / "bash-completion/completions/relu-cli", *links]:
        assert link.is_symlink() and link.is_file(), link
    loader = "/usr/share/bash-completion/bash_completion"
    need(loader)
    user = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(share),
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
    }
    setup = f"source {loader}; __load_completion relu-cli || exit 1"
    assert bash_complete(["relu-cli", "le"], setup, **user) == "leaky-relu\n"
